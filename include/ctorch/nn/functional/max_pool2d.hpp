// ctorch/nn/functional/max_pool2d.hpp: the compute kernels of 2-D max pooling
// (torch.nn.functional.max_pool2d with return_indices=True) and of its gradient.
//
// Shape: x [N, C, H, W] (N static or Dyn; C, H, W static) -> values and indices [N, C, Ho, Wo] with
// Ho = (H + 2P - D*(K-1) - 1)/S + 1 (ceil instead of floor with ceil_mode), Pool2dOptions{kernel K,
// stride S (0: = K), padding P (<= K/2), dilation D, ceil_mode} as a template argument; bad options or an
// empty output are static_asserts from pool2d_check<op, x shape, options>. Padding is -inf: it never wins.
// dtype: float or double values, int64 indices: PyTorch's flat h * W + w in the input plane (the first
// maximum wins; NaN propagates and wins). Gradient: max_pool2d_backward routes grad_out to the indices.
//
//   auto [y, idx] = max_pool2d_forward<Pool2dOptions{.kernel = 2}>(x);   // x [Dyn, 6, 28, 28] -> [Dyn, 6, 14, 14]
//   auto gx = max_pool2d_backward<Shape<Dyn, 6, 28, 28>>(gy, idx);
//
// On Vars, max_pool2d<Opt>(x) records one node (the layer nn::MaxPool2d calls it). Its VJP scatters g to
// the argmax positions: linear in g with the positions fixed, so its create_graph form is a recorded
// scatter whose VJP is the gather at those positions (and the gather's is the scatter).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../../autograd/function.hpp"
#include "../../core/simd.hpp"
#include "conv_common.hpp"

namespace ctorch::nn::functional {

namespace op {
struct MaxPool2d {
  static constexpr const char* name = "max_pool2d";
};
}  // namespace op

template <class T, class SY>
struct MaxPool2dResult {
  Tensor<T, SY> output;
  Tensor<std::int64_t, SY> indices;
};

namespace detail {
// The kernels take the plane extents at run time: one instance per dtype and window options serves
// every layer (the static shapes only choose the result types and the static_asserts).
struct pool2d_planes {
  index_t NC, H, W, Ho, Wo;
};

// The pooling rule for one tap of a batch of windows: a larger value or a NaN takes over (ties keep the
// first), and its position with it.
template <class B, class IB>
CTORCH_ALWAYS_INLINE void take_tap(const B& v, const IB& at, B& m, IB& pos) {
  const auto take = (v > m) | xsimd::isnan(v);
  m = xsimd::select(take, v, m);
  pos = xsimd::select(xsimd::bool_cast(take), at, pos);
}

// One output row of windows that lie inside the plane, a batch of outputs at a time: each tap is a gather
// (stride S apart), and the running max and its index are selects, as the scalar loop's rule (NaN wins,
// ties keep the first). (The scalar loop's data-dependent choices cost a branch mispredict per tap.) The
// last, partial batch repeats the row's last window in its spare lanes and stores only its own outputs.
// Returns how many outputs it wrote: all, or 0 where the positions do not fit the integer lanes.
template <class T, index_t K, index_t S, index_t D>
index_t max_pool_row_simd(const T* in, index_t W, index_t oh, index_t Wo, T* out, std::int64_t* ix) {
  using B = xsimd::batch<T>;
  using I = xsimd::as_integer_t<T>;  // int32 lanes for float, int64 for double
  using IB = xsimd::batch<I>;
  constexpr index_t Wv = index_t(B::size);
  if (index_t(std::numeric_limits<I>::max()) / 2 < (oh * S + K * D) * W + Wo * S) return 0;
  alignas(64) I lane[Wv];
  alignas(64) I bi[Wv];
  alignas(64) T bm[Wv];
  for (index_t ow = 0; ow < Wo; ow += Wv) {
    const index_t n = std::min(Wv, Wo - ow);
    for (index_t j = 0; j < Wv; ++j) lane[j] = I(std::min(j, n - 1) * S);
    const IB lanes = IB::load_aligned(lane);
    B m(-std::numeric_limits<T>::infinity());
    IB b = lanes + IB(I((oh * S) * W + ow * S));
    for (index_t kh = 0; kh < K; ++kh)
      for (index_t kw = 0; kw < K; ++kw) {
        const IB i = lanes + IB(I((oh * S + kh * D) * W + ow * S + kw * D));
        const B v = B::gather(in, i);
        take_tap(v, i, m, b);
      }
    b.store_aligned(bi);
    if (n == Wv) {
      m.store_unaligned(out + ow);
    } else {
      m.store_aligned(bm);
      for (index_t j = 0; j < n; ++j) out[ow + j] = bm[j];
    }
    for (index_t j = 0; j < n; ++j) ix[ow + j] = std::int64_t(bi[j]);
  }
  return Wo;
}

struct EvenLanes {
  static constexpr unsigned get(unsigned i, unsigned n) { return (2 * i) % n; }
};
struct OddLanes {
  static constexpr unsigned get(unsigned i, unsigned n) { return (2 * i + 1) % n; }
};

// The 2 x 2, stride 2 windows of one output row (LeNet's pooling), a batch of outputs at a time without
// gathers: each input row's 2 * Wv columns are two contiguous loads split into even and odd columns by
// swizzles, which gives the four taps of Wv windows in row-major order, then the same running rule as
// max_pool_row_simd. A row of Wo > Wv outputs ends with the last Wv windows, overlapping. Returns how many
// outputs it wrote: all, or 0 for rows of fewer than Wv windows and where the positions do not fit the
// integer lanes. (Rows of fewer windows try half-width batches, arch A, then max_pool_row_simd's gathers;
// floats on AVX-512 take max_pool_row_2x2_avx512 first, at any width.)
template <class T, class A = xsimd::default_arch>
index_t max_pool_row_2x2(const T* in, index_t W, index_t oh, index_t Wo, T* out, std::int64_t* ix) {
  using B = xsimd::batch<T, A>;
  using I = xsimd::as_integer_t<T>;
  using IB = xsimd::batch<I, A>;
  using UB = xsimd::batch<xsimd::as_unsigned_integer_t<T>, A>;
  constexpr index_t Wv = index_t(B::size);
  if (Wo < Wv || index_t(std::numeric_limits<I>::max()) / 2 < (2 * oh + 2) * W) return 0;
  alignas(64) I col[Wv];
  alignas(64) T half[Wv];
  for (index_t j = 0; j < Wv; ++j) col[j] = I(2 * j), half[j] = T(j < Wv / 2);
  const IB cols = IB::load_aligned(col);
  const auto first_half = B::load_aligned(half) != B(T(0));
  constexpr auto even = xsimd::make_batch_constant<UB, EvenLanes>();
  constexpr auto odd = xsimd::make_batch_constant<UB, OddLanes>();
  const T* r0 = in + 2 * oh * W;
  const T* r1 = r0 + W;
  // Windows ow .. ow + Wv - 1, their columns at c0[2 j], c0[2 j + 1] (top) and c1[...] (bottom): the maxima,
  // and their flat indices in the plane.
  const auto windows = [&](const T* c0, const T* c1, index_t ow, IB& idx) {
    B tap[4];  // row-major: (0, 0), (0, 1), (1, 0), (1, 1)
    const T* c[2] = {c0, c1};
    for (int r = 0; r < 2; ++r) {
      const B lo = B::load_unaligned(c[r]), hi = B::load_unaligned(c[r] + Wv);
      tap[2 * r] = xsimd::select(first_half, xsimd::swizzle(lo, even), xsimd::swizzle(hi, even));
      tap[2 * r + 1] = xsimd::select(first_half, xsimd::swizzle(lo, odd), xsimd::swizzle(hi, odd));
    }
    B m = tap[0];
    IB code(I(0));
    for (int k = 1; k < 4; ++k) {
      take_tap(tap[k], IB(I(k)), m, code);
    }
    const IB rowoff = xsimd::select(code > IB(I(1)), IB(I(W)), IB(I(0)));
    idx = IB(I(2 * oh * W + 2 * ow)) + cols + rowoff + (code & IB(I(1)));
    return m;
  };
  alignas(64) I bi[Wv];
  IB idx;
  index_t ow = 0;
  for (; ow + Wv <= Wo; ow += Wv) {
    windows(r0 + 2 * ow, r1 + 2 * ow, ow, idx).store_unaligned(out + ow);
    idx.store_aligned(bi);
    for (index_t j = 0; j < Wv; ++j) ix[ow + j] = std::int64_t(bi[j]);
  }
  if (ow < Wo) {  // the last Wv windows again, overlapping the previous batch (same results there)
    ow = Wo - Wv;
    windows(r0 + 2 * ow, r1 + 2 * ow, ow, idx).store_unaligned(out + ow);
    idx.store_aligned(bi);
    for (index_t j = 0; j < Wv; ++j) ix[ow + j] = std::int64_t(bi[j]);
  }
  return Wo;
}

#if defined(__AVX512BW__)
// The 2 x 2, stride 2 windows of one output row of floats, 16 at a time, for any row width: masked loads
// and stores keep rows narrower than a batch (LeNet's 14 and 5 outputs) on 16-lane registers. Each input
// row's 32 columns are two loads split into even and odd columns by two-source permutes, which gives the
// four taps in row-major order, then the running rule of max_pool_row_simd. Returns how many outputs it
// wrote: all, or 0 where the positions do not fit the integer lanes.
inline index_t max_pool_row_2x2_avx512(const float* in, index_t W, index_t oh, index_t Wo, float* out,
                                       std::int64_t* ix) {
  using B = xsimd::batch<float, xsimd::avx512bw>;
  using IB = xsimd::batch<std::int32_t, xsimd::avx512bw>;
  if (index_t(std::numeric_limits<std::int32_t>::max()) / 2 < (2 * oh + 2) * W) return 0;
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  const IB cols(even);  // 2 j: the left column of window j
  const float* r0 = in + 2 * oh * W;
  for (index_t ow = 0; ow < Wo; ow += 16) {
    const index_t n = std::min<index_t>(16, Wo - ow);  // windows in this batch, 2 n input columns
    const __mmask16 lo = __mmask16((1u << std::min<index_t>(2 * n, 16)) - 1);
    const __mmask16 hi = __mmask16((1u << std::max<index_t>(2 * n - 16, 0)) - 1);
    B tap[4];  // row-major: (0, 0), (0, 1), (1, 0), (1, 1)
    for (int r = 0; r < 2; ++r) {
      const float* c = r0 + r * W + 2 * ow;
      const __m512 a = _mm512_maskz_loadu_ps(lo, c), b = _mm512_maskz_loadu_ps(hi, c + 16);
      tap[2 * r] = B(_mm512_permutex2var_ps(a, even, b));
      tap[2 * r + 1] = B(_mm512_permutex2var_ps(a, odd, b));
    }
    B m = tap[0];
    IB code(0);
    for (int k = 1; k < 4; ++k) take_tap(tap[k], IB(k), m, code);
    const IB rowoff = xsimd::select(code > IB(1), IB(std::int32_t(W)), IB(0));
    const IB idx = IB(std::int32_t(2 * oh * W + 2 * ow)) + cols + rowoff + (code & IB(1));
    const __mmask16 outs = __mmask16((1u << n) - 1);
    _mm512_mask_storeu_ps(out + ow, outs, m);
    // The zero-masked forms: the plain ones start from an undefined register, which g++ 12 reports as
    // maybe-uninitialized where <immintrin.h> was included before ctorch (core/simd.hpp silences it).
    const __m512i i32 = idx;
    const __mmask8 lo8 = __mmask8(outs), hi8 = __mmask8(outs >> 8);
    _mm512_mask_storeu_epi64(ix + ow, lo8,
                             _mm512_maskz_cvtepi32_epi64(lo8, _mm512_maskz_extracti64x4_epi64(0xF, i32, 0)));
    if (n > 8)
      _mm512_mask_storeu_epi64(ix + ow + 8, hi8,
                               _mm512_maskz_cvtepi32_epi64(hi8, _mm512_maskz_extracti64x4_epi64(0xF, i32, 1)));
  }
  return Wo;
}
#endif

template <class T, index_t K, index_t S, index_t P, index_t D>
[[gnu::noinline]] void max_pool2d_forward_kernel(const pool2d_planes& pl, const T* xd, T* yd, std::int64_t* id) {
  const index_t H = pl.H, W = pl.W, Ho = pl.Ho, Wo = pl.Wo;
  // Windows that all lie inside the input (no padding, no ceil-mode overhang) skip the clipping.
  const bool inside = P == 0 && (Ho - 1) * S + (K - 1) * D < H && (Wo - 1) * S + (K - 1) * D < W;
  parallel_for(pl.NC, std::max<index_t>(1, 16384 / std::max<index_t>(1, H * W)), [&](index_t p0, index_t p1) {
    for (index_t p = p0; p < p1; ++p) {
      const T* in = xd + p * H * W;
      T* out = yd + p * Ho * Wo;
      std::int64_t* ix = id + p * Ho * Wo;
      for (index_t oh = 0; oh < Ho; ++oh) {
        if (inside) {  // constant trip counts (K): the window loops unroll
          index_t ow = 0;
          if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
            if constexpr (K == 2 && S == 2 && D == 1) {
#if defined(__AVX512BW__)
              if constexpr (std::is_same_v<T, float>)
                ow = max_pool_row_2x2_avx512(in, W, oh, Wo, out + oh * Wo, ix + oh * Wo);
#endif
              if (ow == 0) ow = max_pool_row_2x2<T>(in, W, oh, Wo, out + oh * Wo, ix + oh * Wo);
              using Half = xsimd::make_sized_batch_t<T, xsimd::batch<T>::size / 2>;
              if constexpr (!std::is_void_v<Half>)
                if (ow == 0)
                  ow = max_pool_row_2x2<T, typename Half::arch_type>(in, W, oh, Wo, out + oh * Wo, ix + oh * Wo);
            }
            if (ow == 0) ow = max_pool_row_simd<T, K, S, D>(in, W, oh, Wo, out + oh * Wo, ix + oh * Wo);
          }
          for (; ow < Wo; ++ow) {
            index_t b = oh * S * W + ow * S;
            T m = -std::numeric_limits<T>::infinity();
            for (index_t kh = 0; kh < K; ++kh)
              for (index_t kw = 0; kw < K; ++kw) {
                const index_t i = (oh * S + kh * D) * W + ow * S + kw * D;
                const T v = in[i];
                const bool take = (v > m) | (v != v);
                m = take ? v : m;
                b = take ? i : b;
              }
            out[oh * Wo + ow] = m;
            ix[oh * Wo + ow] = std::int64_t(b);
          }
          continue;
        }
        index_t hs = oh * S - P;
        const index_t he = std::min(hs + (K - 1) * D + 1, H);
        while (hs < 0) hs += D;
        for (index_t ow = 0; ow < Wo; ++ow) {
          index_t ws = ow * S - P;
          const index_t we = std::min(ws + (K - 1) * D + 1, W);
          while (ws < 0) ws += D;
          index_t b = hs * W + ws;
          T m = -std::numeric_limits<T>::infinity();
          for (index_t h = hs; h < he; h += D)
            for (index_t w = ws; w < we; w += D) {
              const T v = in[h * W + w];
              // NaN wins, as in PyTorch; ties keep the first. `|`, not `||`: selects, not a branch that
              // mispredicts on every other element.
              const bool take = (v > m) | (v != v);
              m = take ? v : m;
              b = take ? h * W + w : b;
            }
          out[oh * Wo + ow] = m;
          ix[oh * Wo + ow] = std::int64_t(b);
        }
      }
    }
  });
}

// gd (zero-filled, [NC, H, W]) += g routed to the indices (already checked to lie in [0, H * W)).
template <class T>
[[gnu::noinline]] void max_pool2d_backward_kernel(const pool2d_planes& pl, const T* g, const std::int64_t* id, T* gd) {
  const index_t HW = pl.H * pl.W, HoWo = pl.Ho * pl.Wo;
  parallel_for(pl.NC, std::max<index_t>(1, 16384 / std::max<index_t>(1, HW)), [&](index_t p0, index_t p1) {
    for (index_t p = p0; p < p1; ++p) {
      T* out = gd + p * HW;
      for (index_t j = 0; j < HoWo; ++j) out[id[p * HoWo + j]] += g[p * HoWo + j];
    }
  });
}
}  // namespace detail

// requires: x as pool2d_check says (static_asserts); float or double.
// ensures: output[n][c][i][j] = max of x[n][c] over window (i, j); indices[n][c][i][j] = its h * W + w.
template <Pool2dOptions Opt, class T, class SX>
auto max_pool2d_forward(const Tensor<T, SX>& x) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "ctorch: max_pool2d: implemented for float and double");
  using Ck = detail::pool2d_check<op::MaxPool2d, SX, Opt>;
  using SY = typename Ck::out_shape;
  constexpr index_t C = Ck::C, H = Ck::H, W = Ck::W, Ho = Ck::Ho, Wo = Ck::Wo;
  const index_t N = x.size(0);
  MaxPool2dResult<T, SY> r{detail::make_nchw<T, SY>(N, C, Ho, Wo), detail::make_nchw<std::int64_t, SY>(N, C, Ho, Wo)};
  detail::max_pool2d_forward_kernel<T, Ck::K, Ck::S, Ck::P, Ck::D>({N * C, H, W, Ho, Wo}, x.data(), r.output.data(),
                                                                   r.indices.data());
  return r;
}

// requires: grad_out and indices of max_pool2d_forward's output shape, SX the input's shape (static
// extents: static_assert; batch: shape_error), indices in [0, H * W) (index_error otherwise).
// ensures: a new tensor [N, C, H, W], zero but for grad_out summed onto the indexed positions.
template <ShapeType SX, class T, class SY>
Tensor<T, SX> max_pool2d_backward(const Tensor<T, SY>& grad_out, const Tensor<std::int64_t, SY>& indices) {
  static_assert(SX::rank == 4 && SY::rank == 4, "ctorch: max_pool2d_backward: NCHW tensors of rank 4");
  static_assert(detail::extents_match<Shape<SX::static_extents[0], SX::static_extents[1]>,
                                      Shape<SY::static_extents[0], SY::static_extents[1]>>(),
                "ctorch: max_pool2d_backward: grad_out and the input shape SX differ in N or C");
  constexpr index_t C = SX::static_extents[1], H = SX::static_extents[2], W = SX::static_extents[3];
  static_assert(C != Dyn && H != Dyn && W != Dyn && SY::static_extents[2] != Dyn && SY::static_extents[3] != Dyn,
                "ctorch: max_pool2d_backward: only the batch dim may be Dyn");
  constexpr index_t Ho = SY::static_extents[2], Wo = SY::static_extents[3];
  const index_t N = grad_out.size(0);
  detail::check_batch("max_pool2d_backward", indices, grad_out);
  auto gx = detail::make_nchw<T, SX>(N, C, H, W, "max_pool2d_backward", true);
  const T* g = grad_out.data();
  const std::int64_t* id = indices.data();
  T* gd = gx.data();
  // One unsigned compare per index and no exit in the loop (it vectorizes); the message is found after.
  bool bad = false;
  for (index_t i = 0; i < N * C * Ho * Wo; ++i) bad |= std::uint64_t(id[i]) >= std::uint64_t(H * W);
  if (bad)
    for (index_t i = 0; i < N * C * Ho * Wo; ++i)
      if (id[i] < 0 || id[i] >= H * W)
        throw index_error("ctorch: max_pool2d_backward: index " + std::to_string(id[i]) +
                          " is out of range for an input plane of " + std::to_string(H * W) + " elements");
  detail::max_pool2d_backward_kernel<T>({N * C, H, W, Ho, Wo}, g, id, gd);
  return gx;
}

namespace detail {
// out[p][j] = in[p][indices[p][j]]: the adjoint of max_pool2d_backward (indices in range, as checked there).
template <class T, class SY, class SX>
Tensor<T, SY> max_pool2d_gather_tensor(const Tensor<T, SX>& in, const Tensor<std::int64_t, SY>& indices) {
  Tensor<T, SY> out(uninitialized, indices.dims());
  const index_t HW = in.size(2) * in.size(3), HoWo = indices.size(2) * indices.size(3);
  const index_t planes = HoWo ? indices.numel() / HoWo : 0;
  const T* x = in.data();
  const std::int64_t* id = indices.data();
  T* o = out.data();
  for (index_t p = 0; p < planes; ++p)
    for (index_t j = 0; j < HoWo; ++j) o[p * HoWo + j] = x[p * HW + id[p * HoWo + j]];
  return out;
}

template <class T, class SX, class SY>
Var<T, SY> max_pool2d_gather(const Var<T, SX>& in, const Tensor<std::int64_t, SY>& indices);

// max_pool2d_backward as a recorded op of g: the create_graph VJP of max_pool2d.
template <class T, class SX, class SY>
Var<T, SX> max_pool2d_scatter(const Var<T, SY>& g, const Tensor<std::int64_t, SY>& indices) {
  return autograd::record_graph(
      "MaxPool2DWithIndicesBackwardBackward", max_pool2d_backward<SX>(g.value(), indices),
      [indices](const Tensor<T, SX>& h, const auto&, const Var<T, SY>& gv) {
        if (gv.requires_grad()) autograd::accumulate(gv, max_pool2d_gather_tensor(h, indices));
      },
      [indices](const Var<T, SX>& h, const Var<T, SY>& gv) {
        autograd::accumulate_graph(gv, max_pool2d_gather(h, indices));
      },
      g);
}

// The gather at the argmax positions, recorded (its VJP is max_pool2d_scatter).
template <class T, class SX, class SY>
Var<T, SY> max_pool2d_gather(const Var<T, SX>& in, const Tensor<std::int64_t, SY>& indices) {
  return autograd::record_graph(
      "MaxPool2DGatherBackward", max_pool2d_gather_tensor(in.value(), indices),
      [indices](const Tensor<T, SY>& h, const auto&, const Var<T, SX>& xv) {
        if (xv.requires_grad()) autograd::accumulate(xv, max_pool2d_backward<SX>(h, indices));
      },
      [indices](const Var<T, SY>& h, const Var<T, SX>& xv) {
        autograd::accumulate_graph(xv, max_pool2d_scatter<T, SX>(h, indices));
      },
      in);
}
}  // namespace detail

// requires: x [N, C, H, W] as pool2d_check says (static_asserts); float or double.
// ensures: the window maxima [N, C, Ho, Wo] (torch.nn.functional.max_pool2d); on a Var, one recorded node
// whose gradient goes to each window's (first) maximum, differentiable to any order.
template <Pool2dOptions Opt, class X>
auto max_pool2d(const X& x) {
  auto vx = autograd::as_var(x);
  using VX = decltype(vx);
  auto r = max_pool2d_forward<Opt>(vx.value());
  if constexpr (!autograd::AnyTracked<X>) {
    return std::move(r.output);
  } else {
    using T = typename VX::value_type;
    using SX = typename VX::shape_type;
    return autograd::record_graph(
        "MaxPool2DWithIndicesBackward0", std::move(r.output),
        [idx = std::move(r.indices)](const auto& g, const auto&, const VX& xin) {
          if (xin.requires_grad()) autograd::accumulate(xin, max_pool2d_backward<SX>(g, idx));
        },
        // The positions are found again from x (unchanged: the node checks its version), so the first-order
        // node keeps the only copy of the indices.
        [](const auto& g, const VX& xin) {
          if (xin.requires_grad())
            autograd::accumulate_graph(
                xin, detail::max_pool2d_scatter<T, SX>(g, max_pool2d_forward<Opt>(xin.value()).indices));
        },
        vx);
  }
}

}  // namespace ctorch::nn::functional
