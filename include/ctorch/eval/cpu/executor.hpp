// ctorch/eval/cpu/executor.hpp: the CPU evaluator. One fused loop per assignment or reduction.
//
// Paths, chosen at run time from the strides: linear (destination and every leaf contiguous with the
// same extents: one flat xsimd loop with a scalar tail), rows (a base offset per row; packets when
// every leaf's last-dim stride is 0 or 1, which covers broadcast rows like x[B, 784] * w[784]), and a
// scalar strided loop otherwise. Large work is split over threads; small work stays on the caller.
#pragma once
#include <array>
#include <vector>

#include "../../core/parallel.hpp"
#include "../executor.hpp"
#include "packet.hpp"

namespace ctorch {

namespace cpu {
// Elements per thread below which splitting does not pay (a few microseconds of work).
inline constexpr index_t grain = 32768;

template <std::size_t R>
index_t numel_of(const std::array<index_t, R>& ext) {
  index_t n = 1;
  for (auto e : ext) n *= e;
  return n;
}

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
template <class Red, class Acc>
concept packet_reducer = requires(batch<Acc> b) {
  { Red::template pstep<batch<Acc>>(b, b) } -> std::same_as<batch<Acc>>;
  { Red::template phorizontal<Acc>(b) } -> std::same_as<Acc>;
};

template <class Red, class Acc, class Ev>
inline constexpr bool packet_reduce_ok =
    vectorizable<Ev> && std::is_same_v<typename Ev::value_type, Acc> && packet_reducer<Red, Acc>;

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
      acc = Red::merge(acc, Red::template phorizontal<Acc>(Red::pstep(Red::pstep(a0, a1), Red::pstep(a2, a3))));
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
  // Writes ev into dst (strides dst_st, extents ext). Element dtype conversion happens here.
  template <class T, std::size_t R, class Ev>
  static void assign(T* dst, const std::array<index_t, R>& dst_st, const std::array<index_t, R>& ext, const Ev& ev) {
    using V = typename Ev::value_type;
    if constexpr (R == 0) {
      dst[0] = static_cast<T>(ev.linear(0));
    } else {
      const index_t n = cpu::numel_of(ext);
      if (n == 0) return;
      constexpr bool vec = cpu::vectorizable<Ev> && std::is_same_v<T, V>;
      const auto cst = contiguous_strides(ext);
      bool dst_linear = true;
      for (std::size_t d = 0; d < R; ++d) dst_linear = dst_linear && (ext[d] == 1 || dst_st[d] == cst[d]);
      if (dst_linear && ev.linear_ok(ext, cst)) {
        constexpr index_t W = vec ? index_t(cpu::batch<V>::size) : 1;
        parallel_for(
            n, cpu::grain,
            [&](index_t b, index_t e) {
              index_t i = b;
              if constexpr (vec) {
                using B = cpu::batch<V>;
                for (; i + W <= e; i += W) ev.template linear_packet<B>(i).store_unaligned(dst + i);
              }
              for (; i < e; ++i) dst[i] = static_cast<T>(ev.linear(i));
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
              for (; j + index_t(B::size) <= inner; j += B::size) local.template row_packet<B>(j).store_unaligned(d + j);
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
      const index_t n = cpu::numel_of(ext);
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
  template <class Red, class Acc, bool Scan = false, class Out, std::size_t R, class Ev>
  static void reduce_dim(Out* out, const std::array<index_t, R>& ext, std::size_t dim, const Ev& ev) {
    static_assert(R > 0);
    index_t outer = 1, inner = 1;
    for (std::size_t d = 0; d < dim; ++d) outer *= ext[d];
    for (std::size_t d = dim + 1; d < R; ++d) inner *= ext[d];
    const index_t len = ext[dim];
    if (outer * inner == 0) return;
    const index_t last = ext[R - 1];
    if (dim == R - 1 && !Scan) {
      // Each output is one row of the evaluator.
      const bool packets = ev.row_packet_ok();
      parallel_for(outer, std::max<index_t>(1, cpu::grain / std::max<index_t>(len, 1)), [&](index_t b, index_t e) {
        Ev local = ev;
        index_t idx[R];
        cpu::unravel_row(b, ext, idx);
        for (index_t r = b; r < e; ++r, cpu::next_row(ext, idx)) {
          local.set_row(idx);
          out[r] = Red::finalize(cpu::reduce_row<Red, Acc>(local, len, 0, packets), len);
        }
      });
      return;
    }
    // Otherwise walk the rows of each outer block in order, keeping `inner` accumulators.
    const index_t rows_per_pos = inner / last;  // rows of the evaluator per position along dim
    const bool last_is_dim = dim == R - 1;
    parallel_for(outer, std::max<index_t>(1, cpu::grain / std::max<index_t>(len * inner, 1)), [&](index_t b, index_t e) {
      Ev local = ev;
      std::vector<Acc> acc(std::size_t(last_is_dim ? 1 : inner));
      index_t idx[R];
      for (index_t o = b; o < e; ++o) {
        for (auto& a : acc) a = Red::template init<Acc>();
        if (last_is_dim) {  // a scan along the last dim
          cpu::unravel_row(o, ext, idx);
          local.set_row(idx);
          Acc a = Red::template init<Acc>();
          for (index_t j = 0; j < len; ++j) {
            a = Red::step(a, local.row(j), j);
            out[o * len + j] = Red::finalize(a, j + 1);
          }
          continue;
        }
        for (index_t p = 0; p < len; ++p) {
          cpu::unravel_row((o * len + p) * rows_per_pos, ext, idx);
          for (index_t q = 0; q < rows_per_pos; ++q, cpu::next_row(ext, idx)) {
            local.set_row(idx);
            Acc* a = acc.data() + q * last;
            for (index_t j = 0; j < last; ++j) a[j] = Red::step(a[j], local.row(j), p);
          }
          if constexpr (Scan) {
            Out* w = out + (o * len + p) * inner;
            for (index_t i = 0; i < inner; ++i) w[i] = Red::finalize(acc[i], p + 1);
          }
        }
        if constexpr (!Scan) {
          Out* w = out + o * inner;
          for (index_t i = 0; i < inner; ++i) w[i] = Red::finalize(acc[i], len);
        }
      }
    });
  }
};

}  // namespace ctorch
