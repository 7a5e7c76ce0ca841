// ctorch/eval/cpu/executor.hpp: the CPU evaluator. One fused loop per assignment or reduction.
//
// Paths, chosen at run time from the strides: linear (destination and every leaf contiguous with the
// same extents: one flat xsimd loop with a scalar tail), rows (a base offset per row; packets when
// every leaf's last-dim stride is 0 or 1, which covers broadcast rows like x[B, 784] * w[784]), and a
// scalar strided loop otherwise. Large work is split over threads; small work stays on the caller.
// Two special cases: small fully static shapes (assign_small: unrolled, computed before any write,
// no alias check) and very large linear assignments (non-temporal stores, see stream_bytes).
#pragma once
#include <array>
#include <bit>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "../../core/parallel.hpp"
#include "../executor.hpp"
#include "packet.hpp"

namespace ctorch {

namespace cpu {
// Elements per thread below which splitting does not pay (a few microseconds of work).
inline constexpr index_t grain = 32768;

// Sets idx[0..R-2] to the multi-index of row r (row-major over all dims but the last); idx[R-1] = 0.
template <std::size_t R>
void unravel_row(index_t r, const std::array<index_t, R>& ext, index_t* idx) {
  idx[R - 1] = 0;
  for (std::size_t d = R - 1; d-- > 0;) {
    idx[d] = r % ext[d];
    r /= ext[d];
  }
}
template <std::size_t R>
void next_row(const std::array<index_t, R>& ext, index_t* idx) {
  for (std::size_t d = R - 1; d-- > 0;) {
    if (++idx[d] < ext[d]) return;
    idx[d] = 0;
  }
}

// Reducers may declare packet forms; the evaluator uses them when the element dtype is the accumulator's.
// pstep(acc, x) folds a packet of elements into a packet accumulator, pmerge(a, b) combines two packet
// accumulators (they differ for e.g. a sum of squares), phorizontal<Acc>(b) folds the lanes.
template <class Red, class Acc>
concept packet_reducer = requires(batch<Acc> b) {
  { Red::template pstep<batch<Acc>>(b, b) } -> std::same_as<batch<Acc>>;
  { Red::template pmerge<batch<Acc>>(b, b) } -> std::same_as<batch<Acc>>;
  { Red::template phorizontal<Acc>(b) } -> std::same_as<Acc>;
};

// Checked in this order so that batch<Acc> is only named for an accumulator xsimd has a batch for.
template <class Red, class Acc, class Ev>
constexpr bool packet_reduce_ok_impl() {
  if constexpr (vectorizable<Ev> && std::is_same_v<typename Ev::value_type, Acc>)
    return packet_reducer<Red, Acc>;
  else
    return false;
}
template <class Red, class Acc, class Ev>
inline constexpr bool packet_reduce_ok = packet_reduce_ok_impl<Red, Acc, Ev>();

// Reduces elements [b, e) of a linear evaluator; k passed to step is the linear index.
template <class Red, class Acc, class Ev>
Acc reduce_linear(const Ev& ev, index_t b, index_t e) {
  Acc acc = Red::template init<Acc>();
  index_t i = b;
  if constexpr (packet_reduce_ok<Red, Acc, Ev>) {
    using B = batch<Acc>;
    constexpr index_t W = B::size;
    constexpr index_t block = 4096;  // cascade: packet partials per block, then a running total
    while (i + 4 * W <= e) {
      B a0(Red::template init<Acc>()), a1 = a0, a2 = a0, a3 = a0;
      const index_t stop = std::min(e, i + block) - 4 * W;
      for (; i <= stop; i += 4 * W) {
        a0 = Red::pstep(a0, ev.template linear_packet<B>(i));
        a1 = Red::pstep(a1, ev.template linear_packet<B>(i + W));
        a2 = Red::pstep(a2, ev.template linear_packet<B>(i + 2 * W));
        a3 = Red::pstep(a3, ev.template linear_packet<B>(i + 3 * W));
      }
      acc = Red::merge(acc, Red::template phorizontal<Acc>(Red::pmerge(Red::pmerge(a0, a1), Red::pmerge(a2, a3))));
    }
  }
  for (; i < e; ++i) acc = Red::step(acc, ev.linear(i), i);
  return acc;
}

// Reduces one row [0, n) of a row-positioned evaluator; k passed to step is k0 + j.
template <class Red, class Acc, class Ev>
Acc reduce_row(const Ev& ev, index_t n, index_t k0, bool packets) {
  Acc acc = Red::template init<Acc>();
  index_t j = 0;
  if constexpr (packet_reduce_ok<Red, Acc, Ev>) {
    if (packets) {
      using B = batch<Acc>;
      constexpr index_t W = B::size;
      if (n >= W) {
        B a(Red::template init<Acc>());
        for (; j + W <= n; j += W) a = Red::pstep(a, ev.template row_packet<B>(j));
        acc = Red::template phorizontal<Acc>(a);
      }
    }
  }
  for (; j < n; ++j) acc = Red::step(acc, ev.row(j), k0 + j);
  return acc;
}
}  // namespace cpu

template <>
struct executor<Cpu> {
  // Fully static shapes of at most this many bytes take assign_small (see eval/assign.hpp).
  static constexpr std::size_t small_static_bytes = 1024;

  // Writes ev, whose shape is static with N elements, into dst: every value is computed into
  // registers or a stack buffer before the first write, so aliasing needs no check and no
  // temporary; no threads, no run-time loop bounds. The contiguous checks fold for Tensors.
  template <index_t N, class T, std::size_t R, class Ev>
  CTORCH_ALWAYS_INLINE static void assign_small(T* dst, const std::array<index_t, R>& dst_st,
                                                const std::array<index_t, R>& ext, const Ev& ev) {
    using V = typename Ev::value_type;
    if constexpr (N == 0) {
      return;
    } else if constexpr (R == 0) {
      dst[0] = static_cast<T>(ev.linear(0));
    } else {
      const auto cst = contiguous_strides(ext);
      bool dst_linear = true;
      for (std::size_t d = 0; d < R; ++d) dst_linear = dst_linear && (ext[d] == 1 || dst_st[d] == cst[d]);
      if constexpr (cpu::vectorizable<Ev> && std::is_same_v<T, V>) {
        using B = cpu::batch<V>;
        constexpr index_t W = B::size, P = N / W;
        if (dst_linear && ev.linear_ok(ext, cst)) {
          const auto unrolled = [&]<std::size_t... I>(std::index_sequence<I...>) {
            const B p[] = {ev.template linear_packet<B>(index_t(I) * W)..., B(V(0))};
            V tail[N % W + 1];
            for (index_t i = 0; i < N % W; ++i) tail[i] = ev.linear(P * W + i);
            (p[I].store_unaligned(dst + index_t(I) * W), ...);
            for (index_t i = 0; i < N % W; ++i) dst[P * W + i] = tail[i];
          };
          unrolled(std::make_index_sequence<std::size_t(P)>{});
          return;
        }
      }
      V buf[N];
      if (ev.linear_ok(ext, cst)) {
        for (index_t i = 0; i < N; ++i) buf[i] = ev.linear(i);
      } else {
        const index_t inner = ext[R - 1];
        Ev local = ev;
        index_t idx[R];
        cpu::unravel_row(0, ext, idx);
        for (index_t r = 0; r < N / inner; ++r, cpu::next_row(ext, idx)) {
          local.set_row(idx);
          for (index_t j = 0; j < inner; ++j) buf[r * inner + j] = local.row(j);
        }
      }
      if (dst_linear) {
        for (index_t i = 0; i < N; ++i) dst[i] = static_cast<T>(buf[i]);
      } else {
        const index_t inner = ext[R - 1], ds = dst_st[R - 1];
        index_t idx[R];
        cpu::unravel_row(0, ext, idx);
        for (index_t r = 0; r < N / inner; ++r, cpu::next_row(ext, idx)) {
          T* d = dst;
          for (std::size_t k = 0; k + 1 < R; ++k) d += idx[k] * dst_st[k];
          for (index_t j = 0; j < inner; ++j) d[j * ds] = static_cast<T>(buf[r * inner + j]);
        }
      }
    }
  }

  // Linear assignments whose destination and operands span at least this many bytes (about a
  // server L3) write with non-temporal stores: the destination would not stay in cache anyway, and
  // streaming skips reading each destination line before overwriting it (measured: a 2^24 triad and
  // a 2^22 fused tanh/sigmoid both ~20% faster on one AVX-512 core).
  static constexpr std::size_t stream_bytes = std::size_t(32) << 20;

  template <class B>
  static constexpr bool can_stream =
#if defined(__AVX512F__)
      sizeof(B) == 64 ||
#endif
#if defined(__AVX__)
      sizeof(B) == 32 ||
#endif
#if defined(__SSE2__)
      sizeof(B) == 16 ||
#endif
      false;

  // A non-temporal store of one packet. requires: can_stream<B>, dst aligned to sizeof(B).
  template <class B, class T>
  CTORCH_ALWAYS_INLINE static void stream_store(const B& p, T* dst) {
#if defined(__AVX512F__)
    if constexpr (sizeof(B) == 64) _mm512_stream_si512(reinterpret_cast<__m512i*>(dst), std::bit_cast<__m512i>(p.data));
#endif
#if defined(__AVX__)
    if constexpr (sizeof(B) == 32) _mm256_stream_si256(reinterpret_cast<__m256i*>(dst), std::bit_cast<__m256i>(p.data));
#endif
#if defined(__SSE2__)
    if constexpr (sizeof(B) == 16) _mm_stream_si128(reinterpret_cast<__m128i*>(dst), std::bit_cast<__m128i>(p.data));
#endif
  }

  // Elements [b, e) of a linear assignment with streaming stores: a scalar head up to the packet
  // alignment, aligned streaming packets, a scalar tail, then a store fence so that the writes are
  // visible to the threads that join after.
  template <class T, class Ev>
  static void stream_linear(T* dst, const Ev& ev, index_t b, index_t e) {
    using B = cpu::batch<T>;
    constexpr index_t W = B::size;
    index_t i = b;
    for (; i < e && reinterpret_cast<std::uintptr_t>(dst + i) % sizeof(B) != 0; ++i) dst[i] = ev.linear(i);
    for (; i + W <= e; i += W) stream_store(ev.template linear_packet<B>(i), dst + i);
    for (; i < e; ++i) dst[i] = ev.linear(i);
#if defined(__SSE__)
    _mm_sfence();
#endif
  }

  // Writes ev into dst (strides dst_st, extents ext). Element dtype conversion happens here.
  template <class T, std::size_t R, class Ev>
  static void assign(T* dst, const std::array<index_t, R>& dst_st, const std::array<index_t, R>& ext, const Ev& ev) {
    using V = typename Ev::value_type;
    if constexpr (R == 0) {
      dst[0] = static_cast<T>(ev.linear(0));
    } else {
      const index_t n = numel_of(ext);
      if (n == 0) return;
      constexpr bool vec = cpu::vectorizable<Ev> && std::is_same_v<T, V>;
      const auto cst = contiguous_strides(ext);
      bool dst_linear = true;
      for (std::size_t d = 0; d < R; ++d) dst_linear = dst_linear && (ext[d] == 1 || dst_st[d] == cst[d]);
      if (dst_linear && ev.linear_ok(ext, cst)) {
        constexpr index_t W = vec ? index_t(cpu::batch<V>::size) : 1;
        if constexpr (vec && can_stream<cpu::batch<V>>) {
          // Every leaf is read in full on this path: the bytes touched are (leaves + 1) * n elements.
          std::size_t bytes = std::size_t(n) * sizeof(T);
          ev.for_each_leaf([&](const void*, std::size_t esize, const auto&) { bytes += std::size_t(n) * esize; });
          if (bytes >= stream_bytes) {
            parallel_for(
                n, cpu::grain, [&](index_t b, index_t e) { stream_linear(dst, ev, b, e); }, W);
            return;
          }
        }
        parallel_for(
            n, cpu::grain,
            [&](index_t b, index_t e) {
              index_t i = b;
              if constexpr (vec) {
                using B = cpu::batch<V>;
                for (; i + W <= e; i += W) ev.template linear_packet<B>(i).store_unaligned(dst + i);
              }
              // The tail as a count: written `for (; i < e; ++i)`, g++ -O3 warns here (a false
              // -Waggressive-loop-optimizations) once parallel_for's inline path makes b and e constants.
              for (index_t r = e - i; r > 0; --r, ++i) dst[i] = static_cast<T>(ev.linear(i));
            },
            W);
        return;
      }
      const index_t inner = ext[R - 1], rows = n / inner, ds = dst_st[R - 1];
      const bool row_vec = vec && ds == 1 && ev.row_packet_ok();
      parallel_for(rows, std::max<index_t>(1, cpu::grain / inner), [&](index_t b, index_t e) {
        Ev local = ev;
        index_t idx[R];
        cpu::unravel_row(b, ext, idx);
        for (index_t r = b; r < e; ++r, cpu::next_row(ext, idx)) {
          local.set_row(idx);
          T* d = dst;
          for (std::size_t k = 0; k + 1 < R; ++k) d += idx[k] * dst_st[k];
          index_t j = 0;
          if constexpr (vec) {
            if (row_vec) {
              using B = cpu::batch<V>;
              for (; j + index_t(B::size) <= inner; j += B::size)
                local.template row_packet<B>(j).store_unaligned(d + j);
            }
          }
          for (; j < inner; ++j) d[j * ds] = static_cast<T>(local.row(j));
        }
      });
    }
  }

  // Reduces every element of ev with reducer Red into an accumulator of type Acc.
  template <class Red, class Acc, std::size_t R, class Ev>
  static Acc reduce_all(const std::array<index_t, R>& ext, const Ev& ev) {
    const auto init = Red::template init<Acc>();
    auto merge = [](Acc a, Acc b) { return Red::merge(a, b); };
    if constexpr (R == 0) {
      return Red::step(init, ev.linear(0), 0);
    } else {
      const index_t n = numel_of(ext);
      if (n == 0) return init;
      const auto cst = contiguous_strides(ext);
      if (ev.linear_ok(ext, cst)) {
        return parallel_reduce(
            n, cpu::grain, init, [&](index_t b, index_t e) { return cpu::reduce_linear<Red, Acc>(ev, b, e); }, merge,
            64);
      }
      const index_t inner = ext[R - 1], rows = n / inner;
      const bool packets = ev.row_packet_ok();
      return parallel_reduce(
          rows, std::max<index_t>(1, cpu::grain / inner), init,
          [&](index_t b, index_t e) {
            Ev local = ev;
            index_t idx[R];
            cpu::unravel_row(b, ext, idx);
            Acc acc = Red::template init<Acc>();
            for (index_t r = b; r < e; ++r, cpu::next_row(ext, idx)) {
              local.set_row(idx);
              acc = Red::merge(acc, cpu::reduce_row<Red, Acc>(local, inner, r * inner, packets));
            }
            return acc;
          },
          merge);
    }
  }

  // Reduces ev along `dim` into out (contiguous, the extents with dim removed), out[i] =
  // Red::finalize(acc, ext[dim]). k passed to step is the position along dim.
  // With Scan, out has ev's extents and receives the running value at every position (cumsum).
  // out is a pointer or any indexable sink whose out[i] accepts finalize's result (max's values and
  // indices write two tensors at once).
  template <class Red, class Acc, bool Scan = false, class Out, std::size_t R, class Ev>
  static void reduce_dim(Out out, const std::array<index_t, R>& ext, std::size_t dim, const Ev& ev) {
    static_assert(R > 0);
    index_t outer = 1, inner = 1;
    for (std::size_t d = 0; d < dim; ++d) outer *= ext[d];
    for (std::size_t d = dim + 1; d < R; ++d) inner *= ext[d];
    const index_t len = ext[dim];
    if (outer * inner == 0) return;
    if (dim == R - 1) {
      // Each output (or each scanned row) is one row of the evaluator.
      const bool packets = ev.row_packet_ok();
      parallel_for(outer, std::max<index_t>(1, cpu::grain / std::max<index_t>(len, 1)), [&](index_t b, index_t e) {
        Ev local = ev;
        index_t idx[R];
        cpu::unravel_row(b, ext, idx);
        for (index_t r = b; r < e; ++r, cpu::next_row(ext, idx)) {
          local.set_row(idx);
          if constexpr (Scan) {
            Acc a = Red::template init<Acc>();
            for (index_t j = 0; j < len; ++j) {
              a = Red::step(a, local.row(j), j);
              out[r * len + j] = Red::finalize(a, j + 1);
            }
          } else {
            out[r] = Red::finalize(cpu::reduce_row<Red, Acc>(local, len, 0, packets), len);
          }
        }
      });
      return;
    }
    // Otherwise walk the rows of each outer block in order, keeping `inner` accumulators.
    const index_t last = ext[R - 1];
    const index_t rows_per_pos = inner / last;  // rows of the evaluator per position along dim (last > 0 here)
    const index_t outer_grain = std::max<index_t>(1, cpu::grain / std::max<index_t>(len * inner, 1));
    parallel_for(outer, outer_grain, [&](index_t b, index_t e) {
      Ev local = ev;
      // Not std::vector: std::vector<bool> has no data() (all/any accumulate bools).
      const std::unique_ptr<Acc[]> acc(new Acc[std::size_t(inner)]);
      index_t idx[R];
      for (index_t o = b; o < e; ++o) {
        for (index_t i = 0; i < inner; ++i) acc[i] = Red::template init<Acc>();
        for (index_t p = 0; p < len; ++p) {
          cpu::unravel_row((o * len + p) * rows_per_pos, ext, idx);
          for (index_t q = 0; q < rows_per_pos; ++q, cpu::next_row(ext, idx)) {
            local.set_row(idx);
            Acc* a = acc.get() + q * last;
            for (index_t j = 0; j < last; ++j) a[j] = Red::step(a[j], local.row(j), p);
          }
          if constexpr (Scan) {
            const index_t w = (o * len + p) * inner;
            for (index_t i = 0; i < inner; ++i) out[w + i] = Red::finalize(acc[i], p + 1);
          }
        }
        if constexpr (!Scan) {
          const index_t w = o * inner;
          for (index_t i = 0; i < inner; ++i) out[w + i] = Red::finalize(acc[i], len);
        }
      }
    });
  }
};

}  // namespace ctorch
