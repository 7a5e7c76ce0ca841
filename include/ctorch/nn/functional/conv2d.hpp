// ctorch/nn/functional/conv2d.hpp: the compute kernels of a 2-D convolution (torch.nn.functional.conv2d)
// and of its gradients, for the nn::Conv2d layer and its autograd node.
//
// Shape: x [N, C, H, W] (N static or Dyn; C, H, W static), w [O, C/groups, KH, KW] (static), bias [O]
// -> y [N, O, Ho, Wo] with Ho = (H + 2P - D*(KH-1) - 1)/S + 1 (Wo alike), computed at compile time from
// Conv2dOptions{stride S, padding P, dilation D, groups} given as a template argument. A channel, groups
// or empty-output mismatch is a static_assert from conv2d_check<x shape, w shape, options>; a Dyn batch
// mismatch between grad_out and x throws shape_error. dtype: float or double, all operands alike; CPU.
// Gradient: conv2d_backward gives grad_input (optional), grad_weight and grad_bias of sum(y * grad_out).
//
// Kernels (conv_common.hpp): stride 1 runs a direct "wide" xsimd kernel (padded planes, register tiles,
// no im2col), parallel over the batch (parallel_for); other strides use im2col + ctorch::linalg::gemm
// (which parallelises the product itself) and col2im.
//
//   using namespace ctorch::nn::functional;
//   Tensor<float, Shape<Dyn, 1, 28, 28>> x(64);
//   Tensor<float, Shape<6, 1, 5, 5>> w;  Tensor<float, Shape<6>> b;
//   auto y = conv2d_forward<Conv2dOptions{.padding = 2}>(x, w, b);          // Tensor<float, Shape<Dyn, 6, 28, 28>>
//   auto g = conv2d_backward<Conv2dOptions{.padding = 2}>(gy, x, w, false);  // g.grad_weight, g.grad_bias
//
// On Vars, conv2d<Opt>(x, w[, b]) records one node (the layer nn::Conv2d calls it). Its create_graph VJP
// is built from three recorded ops that close under differentiation: the convolution P(x, w) and its
// adjoints GX(g, w) (grad_input) and GW(x, g) (grad_weight), all bilinear: with incoming H,
// P: dx = GX(H, w), dw = GW(x, H); GX: dg = P(H, w), dw = GW(H, g); GW: dx = GX(g, H), dg = P(x, H).
#pragma once
#include <limits>
#include <type_traits>

#include "../../autograd/function.hpp"
#include "../../core/maybe.hpp"
#include "conv_common.hpp"
#if CTORCH_CREATE_GRAPH  // the create_graph VJP's recorded bias sum
#include "../../ops/reduction/sum.hpp"
#endif

namespace ctorch::nn::functional {

// The gradients of conv2d: grad_input is empty when conv2d_backward was asked not to compute it.
template <class T, class SX, class SW>
struct Conv2dGrads {
  maybe<Tensor<T, SX>> grad_input;
  Tensor<T, SW> grad_weight;
  Tensor<T, Shape<SW::static_extents[0]>> grad_bias;
};

// Which kernels run: automatic (the direct path when it applies) or always im2col + gemm (for tests).
enum class ConvPath { automatic, im2col };

namespace detail {

template <class T>
constexpr void check_conv_dtype() {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "ctorch: conv2d: implemented for float and double");
}

// The extents and options of one conv2d layer, as run-time values: the kernels below are instantiated
// once per dtype and serve every layer (the static shapes only choose the types and the static_asserts).
struct conv2d_geom {
  index_t C, H, W, O, Cg, KH, KW, Ho, Wo, G, Og, K, S, P, D;
};
// The wide stride-1 path (ConvPath::automatic), else im2col + gemm: a template argument of the kernels,
// so a network of stride-1 layers does not compile the im2col path.
template <Conv2dOptions Opt, ConvPath Path>
inline constexpr bool conv2d_direct = Opt.stride == 1 && Path == ConvPath::automatic;
template <Conv2dOptions Opt, class SX, class SW>
constexpr conv2d_geom conv2d_geom_of() {
  using Ck = conv2d_check<SX, SW, Opt>;
  return {Ck::C,
          Ck::H,
          Ck::W,
          Ck::O,
          Ck::CG,
          Ck::KH,
          Ck::KW,
          Ck::Ho,
          Ck::Wo,
          Opt.groups,
          Ck::O / Opt.groups,
          Ck::CG * Ck::KH * Ck::KW,
          Opt.stride,
          Opt.padding,
          Opt.dilation};
}

// The wide forward with the output channels in the lanes (channel_packets(Og) = np > 0): per sample and
// group, wide_tile_t over the output pixels into yt [pixel][channel], then transposed into y with the bias.
template <class T>
[[gnu::noinline]] void wide_forward_t(const conv2d_geom& geom, const wide_geom& geo, const index_t* koff, int np,
                                      const T* x, index_t N, const T* w, const T* bias, T* y) {
  using Tl = conv_tiles<T>;
  const index_t C = geom.C, H = geom.H, W = geom.W, O = geom.O, Cg = geom.Cg, G = geom.G, Og = geom.Og, K = geom.K;
  const index_t Wo = geom.Wo, HW = geom.Ho * geom.Wo, Wv = Tl::Wv;
  const index_t QT = Tl::rows_of(np), HWp = round_up(HW, QT);
  // wt[g][k][o]: the weights with the channels contiguous; qoff: the output pixels on the wide grid (the
  // last tile repeats the last pixel).
  T* wt = conv_scratch<T, 5>(G * K * Og);
  for (index_t g = 0; g < G; ++g)
    for (index_t k = 0; k < K; ++k)
      for (index_t o = 0; o < Og; ++o) wt[(g * K + k) * Og + o] = w[(g * Og + o) * K + k];
  index_t* qoff = conv_scratch<index_t, 6>(HWp);
  for (index_t p = 0; p < HWp; ++p) {
    const index_t pp = std::min(p, HW - 1);
    qoff[p] = pp / Wo * geo.Wp + pp % Wo;
  }
  for_chunks(N, chunk_count(N), [&](index_t, index_t n0, index_t n1) {
    T* xp = conv_scratch<T, 0>(C * geo.Lp);
    T* yt = conv_scratch<T, 1>(HWp * Og);
    for (index_t n = n0; n < n1; ++n) {
      pad_planes(x + n * C * H * W, C, geo, xp);
      for (index_t g = 0; g < G; ++g) {
        const T* xg = xp + g * Cg * geo.Lp;
        const T* wg = wt + g * K * Og;
        for (index_t o0 = 0; o0 < Og; o0 += np * Wv)
          for (index_t p0 = 0; p0 < HWp; p0 += QT) {
            if (np == 2)
              wide_tile_t<T, 2>(xg, qoff + p0, koff, K, wg + o0, Og, yt + p0 * Og + o0);
            else
              wide_tile_t<T, 1>(xg, qoff + p0, koff, K, wg + o0, Og, yt + p0 * Og + o0);
          }
        for (index_t o = 0; o < Og; ++o) {
          T* dst = y + (n * O + g * Og + o) * HW;
          const T b = bias ? bias[g * Og + o] : T(0);
          for (index_t p = 0; p < HW; ++p) dst[p] = yt[p * Og + o] + b;
        }
      }
    }
  });
}

// y[N, O, Ho, Wo] = conv2d(x, w) + bias (bias may be null).
template <class T, bool Direct>
[[gnu::noinline]] void conv2d_forward_kernel(const conv2d_geom& geom, const T* x, index_t N, const T* w, const T* bias,
                                             T* y) {
  const index_t C = geom.C, H = geom.H, W = geom.W, O = geom.O, Cg = geom.Cg, KH = geom.KH, KW = geom.KW;
  const index_t Ho = geom.Ho, Wo = geom.Wo, G = geom.G, Og = geom.Og, K = geom.K;
  const index_t S = geom.S, P = geom.P, D = geom.D;
  if (N == 0) return;
  if constexpr (Direct) {
    using Tl = conv_tiles<T>;
    constexpr index_t OT = Tl::OT;
    const wide_geom geo = wide_geom::make(H, W, P, P, KH, KW, D, Tl::VQ * Tl::Wv);
    const index_t* koff = wide_offsets(Cg, geo, K);
    if (const int np = channel_packets<T>(Og); np != 0) {
      wide_forward_t(geom, geo, koff, np, x, N, w, bias, y);
      return;
    }
    const index_t nt = (Og + OT - 1) / OT;
    T* wpk = conv_scratch_zero<T, 6>(G * nt * K * OT);
    for (index_t g = 0; g < G; ++g)
      for (index_t t = 0; t < nt; ++t)
        for (index_t k = 0; k < K; ++k)
          for (index_t o = 0; o < OT && t * OT + o < Og; ++o)
            wpk[((g * nt + t) * K + k) * OT + o] = w[(g * Og + t * OT + o) * K + k];
    const index_t Qb = geo.Qb, Wp = geo.Wp;
    for_chunks(N, chunk_count(N), [&](index_t, index_t n0, index_t n1) {
      T* xp = conv_scratch<T, 0>(C * geo.Lp);
      T* yw = conv_scratch<T, 1>(nt * OT * Qb);
      for (index_t n = n0; n < n1; ++n) {
        pad_planes(x + n * C * H * W, C, geo, xp);
        for (index_t g = 0; g < G; ++g) {
          for (index_t t = 0; t < nt; ++t)
            wide_tile(xp + g * Cg * geo.Lp, koff, K, wpk + (g * nt + t) * K * OT, yw + t * OT * Qb, Qb);
          for (index_t o = 0; o < Og; ++o) {
            T* dst = y + (n * O + g * Og + o) * Ho * Wo;
            const T* src = yw + o * Qb;
            const T b = bias ? bias[g * Og + o] : T(0);
            typename Tl::B none;
            for (index_t h = 0; h < Ho; ++h) copy_row<true, false>(dst + h * Wo, src + h * Wp, Wo, b, none);
          }
        }
      }
    });
  } else {
    // im2col + gemm, one sample at a time; gemm splits each product over the threads.
    T* col = conv_scratch<T, 2>(K * Ho * Wo);
    for (index_t n = 0; n < N; ++n)
      for (index_t g = 0; g < G; ++g) {
        im2col(x + (n * C + g * Cg) * H * W, Cg, H, W, KH, KW, S, P, D, Ho, Wo, col);
        T* yg = y + (n * O + g * Og) * Ho * Wo;
        linalg::gemm<T>(Og, Ho * Wo, K, T(1), w + g * Og * K, K, 1, col, Ho * Wo, 1, T(0), yg, Ho * Wo, 1);
        if (bias)
          for (index_t o = 0; o < Og; ++o)
            for (index_t p = 0; p < Ho * Wo; ++p) yg[o * Ho * Wo + p] += bias[g * Og + o];
      }
  }
}

template <Conv2dOptions Opt, ConvPath Path, class T, class SX, class SW>
void conv2d_forward_into(const T* x, index_t N, const T* w, const T* bias, T* y) {
  static constexpr conv2d_geom geom = conv2d_geom_of<Opt, SX, SW>();
  conv2d_forward_kernel<T, conv2d_direct<Opt, Path>>(geom, x, N, w, bias, y);
}

// gx (may be null), gw, gb (may be null) of conv2d, overwritten.
template <class T, bool Direct>
[[gnu::noinline]] void conv2d_backward_kernel(const conv2d_geom& geom, const T* gy, const T* x, index_t N, const T* w,
                                              T* gx, T* gw, T* gb) {
  const index_t C = geom.C, H = geom.H, W = geom.W, O = geom.O, Cg = geom.Cg, KH = geom.KH, KW = geom.KW;
  const index_t Ho = geom.Ho, Wo = geom.Wo, G = geom.G, Og = geom.Og, K = geom.K;
  const index_t S = geom.S, P = geom.P, D = geom.D;
  // Zeros only where the kernels below accumulate: the direct path overwrites gw and gx, the im2col path
  // adds into them (gemm with beta = 1, col2im_add).
  constexpr bool direct = Direct;
  if (!direct || N == 0) std::fill(gw, gw + O * K, T(0));
  if (gb) std::fill(gb, gb + O, T(0));
  if (gx && (!direct || N == 0)) std::fill(gx, gx + N * C * H * W, T(0));
  if (N == 0) return;
  if constexpr (Direct) {
    using Tl = conv_tiles<T>;
    using B = typename Tl::B;
    constexpr index_t Wv = Tl::Wv, OT = Tl::OT;
    // The wide grid in whole packets only: the kernels below take a last, narrower block.
    const wide_geom geo = wide_geom::make(H, W, P, P, KH, KW, D, Wv);
    const index_t Qb = geo.Qb, Wp = geo.Wp;
    // grad_weight: taps padded to GT (offset 0: a valid read, result dropped), rows to GO (zero rows).
    constexpr index_t GO = Tl::GO, GT = Tl::GT;
    const index_t Kp = (K + GT - 1) / GT * GT, Op = (Og + GO - 1) / GO * GO;
    // With Og a multiple of the packet width, grad_weight keeps the channels in the lanes (wide_gwt_tile,
    // NP packets of them), from grad_out transposed to [pixel][channel] (gyt), else wide_gw_tile.
    const int np = channel_packets<T>(Og);
    const index_t TTx = Tl::rows_of(np);
    const index_t Kt = round_up(K, TTx), HW = Ho * Wo;
    const index_t* koff = wide_offsets(Cg, geo, std::max(Kp, Kt));
    const bool wide_gy = np == 0 || gx;  // grad_out rows on the wide grid (gyw)
    // grad_input: the adjoint of the forward product, scattered into wide padded planes (OT at a time).
    const index_t ntx = (Cg + OT - 1) / OT, KK = KH * KW;
    T* wpt = nullptr;
    if (gx) {
      wpt = conv_scratch_zero<T, 6>(G * ntx * KK * Og * OT);
      for (index_t g = 0; g < G; ++g)
        for (index_t t = 0; t < ntx; ++t)
          for (index_t kk = 0; kk < KK; ++kk)
            for (index_t o = 0; o < Og; ++o)
              for (index_t c = 0; c < OT && t * OT + c < Cg; ++c)
                wpt[(((g * ntx + t) * KK + kk) * Og + o) * OT + c] = w[((g * Og + o) * Cg + t * OT + c) * KK + kk];
    }
    // Samples go through in blocks of nb (their padded planes and grad_out rows in about 128 KiB), so
    // that each grad_weight tile accumulates over a whole block before it touches memory.
    const index_t per_sample = C * geo.Lp + (wide_gy ? Op * Qb : 0) + (np ? HW * Og : 0);
    const index_t nb = std::clamp<index_t>(index_t(128 * 1024 / sizeof(T)) / per_sample, 1, 8);
    const index_t nch = chunk_count(N);
    const index_t gwv_size = np ? G * Kt * Og : G * Op * Kp * Wv;
    T* gwv = conv_scratch_zero<T, 7>(nch * gwv_size);
    T* gbp = conv_scratch_zero<T, 8>(nch * O);  // per-chunk bias sums: deterministic per thread count
    for_chunks(N, nch, [&](index_t ch, index_t n0, index_t n1) {
      T* xp = conv_scratch<T, 0>(nb * C * geo.Lp);
      T* gyw = wide_gy ? conv_scratch<T, 1>(nb * Op * Qb) : nullptr;
      T* gyt = np ? conv_scratch<T, 4>(nb * HW * Og) : nullptr;
      T* acc = gwv + ch * gwv_size;
      // Zeroed once per chunk: the copies below write the same positions every time, so the padding
      // columns and the rows past Og stay zero.
      if (wide_gy) std::fill(gyw, gyw + nb * Op * Qb, T(0));
      for (index_t b0 = n0; b0 < n1; b0 += nb) {
        const index_t m = std::min(nb, n1 - b0);
        for (index_t s = 0; s < m; ++s) pad_planes(x + (b0 + s) * C * H * W, C, geo, xp + s * C * geo.Lp);
        for (index_t g = 0; g < G; ++g) {
          for (index_t s = 0; s < m; ++s)
            for (index_t o = 0; o < Og; ++o) {
              const T* src = gy + ((b0 + s) * O + g * Og + o) * Ho * Wo;
              if (wide_gy) {  // with the bias gradient's sum on the way
                T* dst = gyw + (s * Op + o) * Qb;
                B sum(T(0));
                for (index_t h = 0; h < Ho; ++h) copy_row<false, true>(dst + h * Wp, src + h * Wo, Wo, T(0), sum);
                if (gb) gbp[ch * O + g * Og + o] += xsimd::hadd(sum);
              } else if (gb) {
                gbp[ch * O + g * Og + o] += sum_row(src, HW);
              }
            }
          // gyt [pixel][channel]: a gather of Wv channels per pixel (HW apart), where the offsets fit the
          // integer lanes
          using I = xsimd::as_integer_t<T>;
          if (np && index_t(std::numeric_limits<I>::max()) / Wv >= HW) {
            alignas(64) I lane[Wv];
            for (index_t j = 0; j < Wv; ++j) lane[j] = I(j * HW);
            const auto at = xsimd::batch<I>::load_aligned(lane);
            for (index_t s = 0; s < m; ++s) {
              const T* src = gy + ((b0 + s) * O + g * Og) * HW;
              T* dst = gyt + s * HW * Og;
              for (index_t i = 0; i < HW; ++i)
                for (index_t o0 = 0; o0 < Og; o0 += Wv)
                  B::gather(src + o0 * HW + i, at).store_aligned(dst + i * Og + o0);
            }
          } else if (np) {
            for (index_t s = 0; s < m; ++s)
              for (index_t o = 0; o < Og; ++o) {
                const T* src = gy + ((b0 + s) * O + g * Og + o) * HW;
                T* dst = gyt + s * HW * Og + o;
                for (index_t i = 0; i < HW; ++i) dst[i * Og] = src[i];
              }
          }
          const T* xg = xp + g * Cg * geo.Lp;
          if (np) {
            T* accg = acc + g * Kt * Og;
            for (index_t o0 = 0; o0 < Og; o0 += np * Wv)
              for (index_t k0 = 0; k0 < Kt; k0 += TTx) {
                if (np == 2)
                  wide_gwt_tile<T, 2>(gyt + o0, Og, HW * Og, xg, C * geo.Lp, m, koff + k0, Ho, Wo, Wp,
                                      accg + k0 * Og + o0);
                else
                  wide_gwt_tile<T, 1>(gyt + o0, Og, HW * Og, xg, C * geo.Lp, m, koff + k0, Ho, Wo, Wp,
                                      accg + k0 * Og + o0);
              }
          } else {
            T* accg = acc + g * Op * Kp * Wv;
            for (index_t o0 = 0; o0 < Op; o0 += GO)
              for (index_t k0 = 0; k0 < Kp; k0 += GT)
                wide_gw_tile(gyw + o0 * Qb, Qb, Op * Qb, xg, C * geo.Lp, m, koff + k0, accg + (o0 * Kp + k0) * Wv, Kp);
          }
          if (!gx) continue;
          for (index_t s = 0; s < m; ++s) {
            const T* gys = gyw + s * Op * Qb;
            T* gxp = conv_scratch<T, 3>(ntx * OT * geo.Lp);
            std::fill(gxp, gxp + ntx * OT * geo.Lp, T(0));
            for (index_t t = 0; t < ntx; ++t)
              for (index_t kh = 0; kh < KH; ++kh)
                for (index_t kw = 0; kw < KW; ++kw)
                  wide_scatter_tile(gys, Og, Qb, wpt + (((g * ntx + t) * KK + kh * KW + kw) * Og) * OT,
                                    gxp + t * OT * geo.Lp + kh * D * Wp + kw * D, geo.Lp);
            for (index_t c = 0; c < Cg; ++c) {
              T* dst = gx + ((b0 + s) * C + g * Cg + c) * H * W;
              const T* src = gxp + c * geo.Lp + P * Wp + P;
              B none;
              for (index_t h = 0; h < H; ++h) copy_row<false, false>(dst + h * W, src + h * Wp, W, T(0), none);
            }
          }
        }
      }
    });
    if (gb)
      for (index_t ch = 0; ch < nch; ++ch)
        for (index_t o = 0; o < O; ++o) gb[o] += gbp[ch * O + o];
    // gw[o][k] = sum over chunks (and lanes, for wide_gw_tile).
    if (np)
      for (index_t g = 0; g < G; ++g)
        for (index_t o = 0; o < Og; ++o)
          for (index_t k = 0; k < K; ++k) {
            T s(0);
            for (index_t ch = 0; ch < nch; ++ch) s += gwv[ch * gwv_size + (g * Kt + k) * Og + o];
            gw[(g * Og + o) * K + k] = s;
          }
    else
      for (index_t g = 0; g < G; ++g)
        for (index_t o = 0; o < Og; ++o)
          for (index_t k = 0; k < K; ++k) {
            B s(T(0));
            for (index_t ch = 0; ch < nch; ++ch)
              s += B::load_aligned(gwv + ch * gwv_size + ((g * Op + o) * Kp + k) * Wv);
            gw[(g * Og + o) * K + k] = xsimd::hadd(s);
          }
  } else {
    // im2col + gemm: grad_weight and grad_input.
    if (gb)
      for (index_t n = 0; n < N; ++n)
        for (index_t o = 0; o < O; ++o) gb[o] += sum_row(gy + (n * O + o) * Ho * Wo, Ho * Wo);
    T* col = conv_scratch<T, 2>(K * Ho * Wo);
    for (index_t n = 0; n < N; ++n)
      for (index_t g = 0; g < G; ++g) {
        const T* gyg = gy + (n * O + g * Og) * Ho * Wo;
        im2col(x + (n * C + g * Cg) * H * W, Cg, H, W, KH, KW, S, P, D, Ho, Wo, col);
        // gw_g [Og x K] += gy_g [Og x HoWo] col^T [HoWo x K]
        linalg::gemm<T>(Og, K, Ho * Wo, T(1), gyg, Ho * Wo, 1, col, 1, Ho * Wo, T(1), gw + g * Og * K, K, 1);
        if (gx) {
          // col [K x HoWo] = w_g^T [K x Og] gy_g [Og x HoWo]; gx += col2im(col)
          linalg::gemm<T>(K, Ho * Wo, Og, T(1), w + g * Og * K, 1, K, gyg, Ho * Wo, 1, T(0), col, Ho * Wo, 1);
          col2im_add(col, Cg, H, W, KH, KW, S, P, D, Ho, Wo, gx + (n * C + g * Cg) * H * W);
        }
      }
  }
}

template <Conv2dOptions Opt, ConvPath Path, class T, class SX, class SW>
void conv2d_backward_into(const T* gy, const T* x, index_t N, const T* w, T* gx, T* gw, T* gb) {
  static constexpr conv2d_geom geom = conv2d_geom_of<Opt, SX, SW>();
  conv2d_backward_kernel<T, conv2d_direct<Opt, Path>>(geom, gy, x, N, w, gx, gw, gb);
}

}  // namespace detail

// requires: x [N, C, H, W] and w [O, C/groups, KH, KW] as conv2d_check says (static_asserts).
// ensures: a new tensor y [N, O, Ho, Wo], y = conv2d(x, w) (no bias).
template <Conv2dOptions Opt = Conv2dOptions{}, ConvPath Path = ConvPath::automatic, class T, class SX, class SW>
auto conv2d_forward(const Tensor<T, SX>& x, const Tensor<T, SW>& w) {
  detail::check_conv_dtype<T>();
  using Ck = detail::conv2d_check<SX, SW, Opt>;
  const index_t N = x.size(0);
  auto y = detail::make_nchw<T, typename Ck::out_shape>(N, Ck::O, Ck::Ho, Ck::Wo, "conv2d");
  detail::conv2d_forward_into<Opt, Path, T, SX, SW>(x.data(), N, w.data(), nullptr, y.data());
  return y;
}

// requires: as above, and bias [O] (static_assert). ensures: y = conv2d(x, w) + bias[o] on channel o.
template <Conv2dOptions Opt = Conv2dOptions{}, ConvPath Path = ConvPath::automatic, class T, class SX, class SW,
          index_t OB>
auto conv2d_forward(const Tensor<T, SX>& x, const Tensor<T, SW>& w, const Tensor<T, Shape<OB>>& bias) {
  detail::check_conv_dtype<T>();
  using Ck = detail::conv2d_check<SX, SW, Opt>;
  static_assert(OB == Ck::O, "ctorch: conv2d: the bias must have out_channels (weight.size(0)) elements");
  const index_t N = x.size(0);
  auto y = detail::make_nchw<T, typename Ck::out_shape>(N, Ck::O, Ck::Ho, Ck::Wo, "conv2d");
  detail::conv2d_forward_into<Opt, Path, T, SX, SW>(x.data(), N, w.data(), bias.data(), y.data());
  return y;
}

// requires: grad_out of conv2d_forward<Opt>(x, w)'s shape (static extents: static_assert; batch: throws
// shape_error). ensures: the gradients of sum(conv2d(x, w, b) * grad_out): grad_input (only when
// input_grad; e.g. false for a first layer), grad_weight, grad_bias (sum of grad_out over N, H, W).
template <Conv2dOptions Opt = Conv2dOptions{}, ConvPath Path = ConvPath::automatic, class T, class SY, class SX,
          class SW>
Conv2dGrads<T, SX, SW> conv2d_backward(const Tensor<T, SY>& grad_out, const Tensor<T, SX>& x, const Tensor<T, SW>& w,
                                       bool input_grad = true) {
  detail::check_conv_dtype<T>();
  using Ck = detail::conv2d_check<SX, SW, Opt>;
  using SO = typename Ck::out_shape;
  static_assert(SY::rank == 4 && detail::extents_match<SY, SO>(),
                "ctorch: conv2d_backward: grad_out does not have conv2d's output shape (compare the grad_out shape "
                "SY with conv2d_check's out_shape in this instantiation)");
  const index_t N = x.size(0);
  detail::check_batch("conv2d_backward", grad_out, x);
  Conv2dGrads<T, SX, SW> r{{}, Tensor<T, SW>(), Tensor<T, Shape<Ck::O>>()};
  if (input_grad) r.grad_input.emplace(detail::make_nchw<T, SX>(N, Ck::C, Ck::H, Ck::W, "conv2d_backward"));
  detail::conv2d_backward_into<Opt, Path, T, SX, SW>(grad_out.data(), x.data(), N, w.data(),
                                                     input_grad ? r.grad_input->data() : nullptr, r.grad_weight.data(),
                                                     r.grad_bias.data());
  return r;
}

namespace detail {
template <Conv2dOptions Opt, class T, class SX, class SW>
using conv2d_out_t = typename conv2d_check<SX, SW, Opt>::out_shape;

template <Conv2dOptions Opt, class T, class SX, class SW>
Var<T, conv2d_out_t<Opt, T, SX, SW>> conv2d_graph(const Var<T, SX>& x, const Var<T, SW>& w);
template <Conv2dOptions Opt, class T, class SX, class SW>
Var<T, SX> conv2d_input_grad(const Var<T, conv2d_out_t<Opt, T, SX, SW>>& g, const Var<T, SW>& w, const Dims<SX>& xd);
template <Conv2dOptions Opt, class T, class SX, class SW>
Var<T, SW> conv2d_weight_grad(const Var<T, SX>& x, const Var<T, conv2d_out_t<Opt, T, SX, SW>>& g);

// The tensor forms. grad_input alone: the kernel always computes grad_weight as well, from an x it then
// needs; zeros serve (create_graph only, so the waste is not on the training path).
template <Conv2dOptions Opt, class T, class SX, class SW, class SY>
Tensor<T, SX> conv2d_input_grad_tensor(const Tensor<T, SY>& g, const Tensor<T, SW>& w, const Dims<SX>& xd) {
  using Ck = conv2d_check<SX, SW, Opt>;
  const index_t N = g.size(0);
  Tensor<T, SX> gx = make_nchw<T, SX>(N, Ck::C, Ck::H, Ck::W, "conv2d_backward");
  const Tensor<T, SX> zeros(xd);
  Tensor<T, SW> gw;
  conv2d_backward_into<Opt, ConvPath::automatic, T, SX, SW>(g.data(), zeros.data(), N, w.data(), gx.data(), gw.data(),
                                                            nullptr);
  return gx;
}
template <Conv2dOptions Opt, class T, class SX, class SW, class SY>
Tensor<T, SW> conv2d_weight_grad_tensor(const Tensor<T, SX>& x, const Tensor<T, SY>& g) {
  Tensor<T, SW> gw;
  check_batch("conv2d_backward", g, x);
  // No grad_input: the kernels read w only for it.
  conv2d_backward_into<Opt, ConvPath::automatic, T, SX, SW>(g.data(), x.data(), x.size(0), nullptr, nullptr, gw.data(),
                                                            nullptr);
  return gw;
}

// P(x, w), recorded with the VJPs above (conv2d without a bias, for the create_graph pass).
template <Conv2dOptions Opt, class T, class SX, class SW>
Var<T, conv2d_out_t<Opt, T, SX, SW>> conv2d_graph(const Var<T, SX>& x, const Var<T, SW>& w) {
  using SY = conv2d_out_t<Opt, T, SX, SW>;
  return autograd::record_graph(
      "ConvolutionBackward0", conv2d_forward<Opt>(x.value(), w.value()),
      [](const Tensor<T, SY>& h, const auto&, const Var<T, SX>& xv, const Var<T, SW>& wv) {
        auto r = conv2d_backward<Opt>(h, xv.value(), wv.value(), xv.requires_grad());
        if (xv.requires_grad()) autograd::accumulate(xv, std::move(*r.grad_input));
        autograd::accumulate(wv, std::move(r.grad_weight));
      },
      [](const Var<T, SY>& h, const Var<T, SX>& xv, const Var<T, SW>& wv) {
        if (xv.requires_grad()) autograd::accumulate_graph(xv, conv2d_input_grad<Opt, T, SX, SW>(h, wv, xv.dims()));
        if (wv.requires_grad()) autograd::accumulate_graph(wv, conv2d_weight_grad<Opt, T, SX, SW>(xv, h));
      },
      x, w);
}

// GX(g, w): conv2d's grad_input, recorded.
template <Conv2dOptions Opt, class T, class SX, class SW>
Var<T, SX> conv2d_input_grad(const Var<T, conv2d_out_t<Opt, T, SX, SW>>& g, const Var<T, SW>& w, const Dims<SX>& xd) {
  using SY = conv2d_out_t<Opt, T, SX, SW>;
  return autograd::record_graph(
      "ConvolutionBackwardInput", conv2d_input_grad_tensor<Opt, T, SX, SW>(g.value(), w.value(), xd),
      [](const Tensor<T, SX>& h, const auto&, const Var<T, SY>& gv, const Var<T, SW>& wv) {
        if (gv.requires_grad()) autograd::accumulate(gv, conv2d_forward<Opt>(h, wv.value()));
        if (wv.requires_grad()) autograd::accumulate(wv, conv2d_weight_grad_tensor<Opt, T, SX, SW>(h, gv.value()));
      },
      [](const Var<T, SX>& h, const Var<T, SY>& gv, const Var<T, SW>& wv) {
        if (gv.requires_grad()) autograd::accumulate_graph(gv, conv2d_graph<Opt>(h, wv));
        if (wv.requires_grad()) autograd::accumulate_graph(wv, conv2d_weight_grad<Opt, T, SX, SW>(h, gv));
      },
      g, w);
}

// GW(x, g): conv2d's grad_weight, recorded.
template <Conv2dOptions Opt, class T, class SX, class SW>
Var<T, SW> conv2d_weight_grad(const Var<T, SX>& x, const Var<T, conv2d_out_t<Opt, T, SX, SW>>& g) {
  using SY = conv2d_out_t<Opt, T, SX, SW>;
  return autograd::record_graph(
      "ConvolutionBackwardWeight", conv2d_weight_grad_tensor<Opt, T, SX, SW>(x.value(), g.value()),
      [](const Tensor<T, SW>& h, const auto&, const Var<T, SX>& xv, const Var<T, SY>& gv) {
        if (xv.requires_grad())
          autograd::accumulate(xv, conv2d_input_grad_tensor<Opt, T, SX, SW>(gv.value(), h, xv.value().dims()));
        if (gv.requires_grad()) autograd::accumulate(gv, conv2d_forward<Opt>(xv.value(), h));
      },
      [](const Var<T, SW>& h, const Var<T, SX>& xv, const Var<T, SY>& gv) {
        if (xv.requires_grad()) autograd::accumulate_graph(xv, conv2d_input_grad<Opt, T, SX, SW>(gv, h, xv.dims()));
        if (gv.requires_grad()) autograd::accumulate_graph(gv, conv2d_graph<Opt>(xv, h));
      },
      x, g);
}

// The node of conv2d on Vars (B: a bias Var, or none); the first-order VJP is conv2d_backward's kernels.
template <Conv2dOptions Opt, class VX, class VW, class... VB>
auto conv2d_recorded(const VX& x, const VW& w, const VB&... b) {
  using T = typename VX::value_type;
  using SX = typename VX::shape_type;
  using SW = typename VW::shape_type;
  return autograd::record_graph(
      "ConvolutionBackward0", conv2d_forward<Opt>(x.value(), w.value(), b.value()...),
      [](const auto& g, const auto&, const VX& xin, const VW& wv, const VB&... bv) {
        auto r = conv2d_backward<Opt>(g, xin.value(), wv.value(), xin.requires_grad());
        if (xin.requires_grad()) autograd::accumulate(xin, std::move(*r.grad_input));
        autograd::accumulate(wv, std::move(r.grad_weight));
        (autograd::accumulate(bv, std::move(r.grad_bias)), ...);
      },
      [](const auto& g, const VX& xin, const VW& wv, const VB&... bv) {
        if (xin.requires_grad()) autograd::accumulate_graph(xin, conv2d_input_grad<Opt, T, SX, SW>(g, wv, xin.dims()));
        if (wv.requires_grad()) autograd::accumulate_graph(wv, conv2d_weight_grad<Opt, T, SX, SW>(xin, g));
        // grad_bias: g summed over the batch and the pixels.
        ((bv.requires_grad() ? autograd::accumulate_graph(bv, VB(sum<0>(sum<2>(sum<3>(g))))) : void()), ...);
      },
      x, w, b...);
}
}  // namespace detail

// requires: x [N, C, H, W], w [O, C/groups, KH, KW] and b [O] as conv2d_check says (static_asserts).
// ensures: conv2d(x, w) + b (torch.nn.functional.conv2d); one recorded node when an operand is tracked
// (differentiable to any order), else a tensor.
template <Conv2dOptions Opt = Conv2dOptions{}, class X, class W, class B>
auto conv2d(const X& x, const W& w, const B& b) {
  if constexpr (autograd::AnyTracked<X, W, B>)
    return detail::conv2d_recorded<Opt>(autograd::as_var(x), autograd::as_var(w), autograd::as_var(b));
  else
    return conv2d_forward<Opt>(autograd::as_var(x).value(), autograd::as_var(w).value(), autograd::as_var(b).value());
}
// requires: as above. ensures: conv2d(x, w) (no bias).
template <Conv2dOptions Opt = Conv2dOptions{}, class X, class W>
auto conv2d(const X& x, const W& w) {
  if constexpr (autograd::AnyTracked<X, W>)
    return detail::conv2d_recorded<Opt>(autograd::as_var(x), autograd::as_var(w));
  else
    return conv2d_forward<Opt>(autograd::as_var(x).value(), autograd::as_var(w).value());
}

}  // namespace ctorch::nn::functional
