// ctorch/nn/functional/conv_common.hpp: what conv2d, max_pool2d and avg_pool2d share: their compile-time
// option structs, the output-extent rule, the NCHW shape checks (messaged static_asserts whose template
// arguments name the op and the shapes), per-thread scratch, and the CPU kernels of conv2d.
//
// Output extent (PyTorch's rule): Hout = (H + 2P - D*(K-1) - 1) / S + 1 (floor; pooling may ask for ceil).
//
// Kernels (namespace detail), all on one sample of NCHW data, float or double:
//  - the "wide" direct path for stride 1: each input plane is copied into a zero-padded plane of width
//    Wp = W + 2P (plus zero tail), so output pixel (h, w) of tap (kh, kw) reads input q + kh*D*Wp + kw*D
//    with q = h*Wp + w. The output is computed on the wide grid q in [0, Ho*Wp) (the Wp - Wo extra
//    columns per row are discarded), so every load is a contiguous xsimd packet: an OT x VQ register tile
//    (OT output channels, VQ packets of q) accumulates over the taps k = (c, kh, kw). grad_input is its
//    adjoint (wide_scatter_tile: OT input planes accumulate each tap's product into their wide padded
//    planes); grad_weight is a GO x GT tile (GO output channels, GT taps) reduced over q and over a block
//    of samples, kept in packets until the end.
//  - where a group's output channels fill whole packets (Og a multiple of Wv, e.g. LeNet's conv2 with 16),
//    the forward and grad_weight put the channels in the lanes instead (wide_tile_t, wide_gwt_tile): input
//    values are broadcast from the padded planes at the output pixels only, so the Wp - Wo discarded
//    columns of the wide grid cost nothing (LeNet's conv2: 100 pixels instead of 144 wide positions).
//  - the general path (any stride): im2col into a [Cg*KH*KW, Ho*Wo] matrix, ctorch::linalg::gemm, and
//    col2im for grad_input.
#pragma once
#include <algorithm>
#include <string>
#include <type_traits>
#include <vector>

#include "../../core/config.hpp"
#include "../../core/error.hpp"
#include "../../core/packet_fma.hpp"
#include "../../core/parallel.hpp"
#include "../../core/shape.hpp"
#include "../../core/simd.hpp"
#include "../../core/tensor.hpp"
#include "../../eval/cpu/gemm.hpp"

namespace ctorch::nn::functional {

// Compile-time options of conv2d (the same value along H and W), used as a template argument:
// conv2d_forward<Conv2dOptions{.stride = 2, .padding = 1}>(x, w, b).
struct Conv2dOptions {
  int stride = 1;
  int padding = 0;
  int dilation = 1;
  int groups = 1;
};

// Compile-time options of max_pool2d and avg_pool2d (square windows): stride 0 means "= kernel", as
// PyTorch's stride=None. dilation is used by max_pool2d only; count_include_pad by avg_pool2d only.
// max_pool2d_forward<Pool2dOptions{.kernel = 2}>(x).
struct Pool2dOptions {
  int kernel = 1;
  int stride = 0;
  int padding = 0;
  int dilation = 1;
  bool ceil_mode = false;
  bool count_include_pad = true;
};

// The output extent along one dim (PyTorch's conv and pooling rule). Returns a value <= 0 when the
// window does not fit; ceil_mode as in PyTorch (the last window must start inside the input or the
// left padding).
constexpr index_t conv_out_extent(index_t in, int kernel, int stride, int padding, int dilation,
                                  bool ceil_mode = false) {
  const index_t span = in + 2 * index_t(padding) - index_t(dilation) * (kernel - 1) - 1;
  if (span < 0) return 0;
  index_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  if (ceil_mode && (out - 1) * stride >= in + padding) --out;
  return out;
}

namespace detail {

// The static check of conv2d's shapes: x [N, C, H, W] (N may be Dyn), w [O, C/G, KH, KW], options Opt.
// A failed static_assert prints this struct's template arguments first: the shapes and the options.
template <class SX, class SW, Conv2dOptions Opt>
struct conv2d_check {
  static_assert(SX::rank == 4, "ctorch: conv2d: the input is NCHW, of rank 4 (see conv2d_check's arguments)");
  static_assert(SW::rank == 4, "ctorch: conv2d: the weight is [O, C/groups, KH, KW], of rank 4");
  static constexpr index_t C = SX::static_extents[1], H = SX::static_extents[2], W = SX::static_extents[3];
  static constexpr index_t O = SW::static_extents[0], CG = SW::static_extents[1], KH = SW::static_extents[2],
                           KW = SW::static_extents[3];
  static_assert(C != Dyn && H != Dyn && W != Dyn,
                "ctorch: conv2d: only the batch dim of the input may be Dyn (C, H, W are static)");
  static_assert(SW::is_static, "ctorch: conv2d: the weight shape must be static");
  static_assert(Opt.stride >= 1 && Opt.dilation >= 1 && Opt.padding >= 0 && Opt.groups >= 1,
                "ctorch: conv2d: stride, dilation and groups must be >= 1 and padding >= 0");
  static_assert(C % Opt.groups == 0 && O % Opt.groups == 0,
                "ctorch: conv2d: in_channels and out_channels must be divisible by groups (see conv2d_check's "
                "arguments: input shape, weight shape, options)");
  static_assert(CG * Opt.groups == C,
                "ctorch: conv2d: weight.size(1) * groups must equal the input's channels (see conv2d_check's "
                "arguments: input shape, weight shape, options)");
  static_assert(KH >= 1 && KW >= 1 && O >= 1, "ctorch: conv2d: empty kernel or no output channels");
  static constexpr index_t Ho = conv_out_extent(H, int(KH), Opt.stride, Opt.padding, Opt.dilation);
  static constexpr index_t Wo = conv_out_extent(W, int(KW), Opt.stride, Opt.padding, Opt.dilation);
  static_assert(Ho > 0 && Wo > 0,
                "ctorch: conv2d: the (dilated) kernel is larger than the padded input: the output would be "
                "empty (see conv2d_check's arguments: input shape, weight shape, options)");
  static constexpr index_t N = SX::static_extents[0];
  using out_shape = Shape<N, O, Ho, Wo>;
};

// The static check of a pooling op (Op names it: "max_pool2d" or "avg_pool2d").
template <class Op, class SX, Pool2dOptions Opt>
struct pool2d_check {
  static_assert(SX::rank == 4, "ctorch: pool2d: the input is NCHW, of rank 4 (see pool2d_check's arguments)");
  static constexpr index_t C = SX::static_extents[1], H = SX::static_extents[2], W = SX::static_extents[3];
  static_assert(C != Dyn && H != Dyn && W != Dyn,
                "ctorch: pool2d: only the batch dim of the input may be Dyn (C, H, W are static)");
  static constexpr int K = Opt.kernel, S = Opt.stride == 0 ? Opt.kernel : Opt.stride, P = Opt.padding, D = Opt.dilation;
  static_assert(K >= 1 && S >= 1 && D >= 1 && P >= 0,
                "ctorch: pool2d: kernel, stride and dilation must be >= 1 and padding >= 0 (see pool2d_check)");
  static_assert(2 * P <= K, "ctorch: pool2d: padding must be at most half the kernel size (PyTorch's rule)");
  static constexpr index_t Ho = conv_out_extent(H, K, S, P, D, Opt.ceil_mode);
  static constexpr index_t Wo = conv_out_extent(W, K, S, P, D, Opt.ceil_mode);
  static_assert(Ho > 0 && Wo > 0,
                "ctorch: pool2d: the window is larger than the padded input: the output would be empty (see "
                "pool2d_check's arguments: op, input shape, options)");
  static constexpr index_t N = SX::static_extents[0];
  using out_shape = Shape<N, index_t(C), Ho, Wo>;
};

// Whether two shapes of one rank agree on every extent that both know statically.
template <class SA, class SB>
constexpr bool extents_match() {
  if constexpr (SA::rank != SB::rank) {
    return false;
  } else {
    for (std::size_t i = 0; i < SA::rank; ++i) {
      const index_t a = SA::static_extents[i], b = SB::static_extents[i];
      if (a != Dyn && b != Dyn && a != b) return false;
    }
    return true;
  }
}

// Throws shape_error "ctorch: <op>: the batch sizes differ (shapes A and B)" when the batch extents of
// tensors a and b differ (the message is built only then: a training step allocates nothing).
template <class TA, class TB>
void check_batch(const char* op, const TA& a, const TB& b) {
  if (a.size(0) != b.size(0))
    throw shape_error(std::string("ctorch: ") + op + ": the batch sizes differ (shapes " + shape_string(a.sizes()) +
                      " and " + shape_string(b.sizes()) + ")");
}

// A new NCHW tensor of shape S with these extents (the static ones must agree), zero-filled when `zero`
// (for kernels that accumulate into it), else left for a kernel that writes every element.
template <class T, class S>
Tensor<T, S> make_nchw(index_t n, index_t c, index_t h, index_t w, const char* op = "conv2d", bool zero = false) {
  const auto dims = Dims<S>::from_array({n, c, h, w}, op);
  return zero ? Tensor<T, S>(dims) : Tensor<T, S>(uninitialized, dims);
}

// Per-thread 64-byte-aligned scratch that only grows (gemm's, under tags of our own: 20 and up), so that
// a training step allocates nothing once warm. Tags 0-4 are the per-chunk buffers of the kernels (taken
// on the thread that runs the chunk), 5 and up the per-call tables (taken on the calling thread and read
// by every chunk).
template <class T, int Tag>
T* conv_scratch(index_t n) {
  return linalg::detail::scratch<T, 20 + Tag>(std::size_t(std::max<index_t>(n, 1)));
}
// As conv_scratch, zero-filled.
template <class T, int Tag>
T* conv_scratch_zero(index_t n) {
  T* p = conv_scratch<T, Tag>(n);
  std::fill(p, p + std::max<index_t>(n, 1), T(0));
  return p;
}

// Register tiles of the wide kernels: OT x VQ for the product, GO x GT for grad_weight.
template <class T>
struct conv_tiles {
  using B = xsimd::batch<T>;
  static constexpr index_t Wv = index_t(B::size);
#if defined(__AVX512F__)
  static constexpr int OT = 6, VQ = 4;  // 24 accumulators + 4 packets + 1 broadcast of 32 registers
  // grad_weight: 15 accumulators + 3 grad_out packets + 1 input packet (4 x 6 tiles would pad LeNet's
  // conv1, 6 channels x 25 taps, to 8 x 30).
  static constexpr int GO = 3, GT = 5;
#else
  static constexpr int OT = 6, VQ = 2;  // 12 + 2 + 1 of 16
  static constexpr int GO = 2, GT = 5;  // 10 + 2 + 1 of 16
#endif
  // The kernels with the output channels in the lanes (wide_tile_t, wide_gwt_tile): NP packets of channels
  // x rows (pixels or taps): 12 or 8 accumulators, and one pointer per row in a general register.
  static constexpr int rows_of(int np) {
    return np == 2 ? 6 : 8;
  }
  template <int NP>
  static constexpr int rows_t = rows_of(NP);
};

inline constexpr index_t round_up(index_t a, index_t b) {
  return (a + b - 1) / b * b;
}

// The geometry of a wide stride-1 convolution: input planes of Hi x Wi padded by (ph, pw) into planes
// of width Wp and stride Lp, output Ho x Wo computed on Qb >= Ho * Wp wide positions.
struct wide_geom {
  index_t Hi, Wi, ph, pw, KH, KW, D, Ho, Wo, Wp, Qb, Lp;
  static wide_geom make(index_t Hi, index_t Wi, index_t ph, index_t pw, index_t KH, index_t KW, index_t D,
                        index_t block) {
    wide_geom g{};
    g.Hi = Hi, g.Wi = Wi, g.ph = ph, g.pw = pw, g.KH = KH, g.KW = KW, g.D = D;
    const index_t Hp = Hi + 2 * ph;
    g.Wp = Wi + 2 * pw;
    g.Ho = Hp - D * (KH - 1);
    g.Wo = g.Wp - D * (KW - 1);
    g.Qb = round_up(g.Ho * g.Wp, block);
    g.Lp = round_up(std::max(Hp * g.Wp, g.Qb + D * (KH - 1) * g.Wp + D * (KW - 1)), 16);
    return g;
  }
};

// dst[i] = src[i] (+ b when Add) for i < n, and sum += src[i] lane-wise when Sum: the row copies between
// NCHW planes and the wide grid, a few packets long (LeNet: 28, 14 and 10). The last partial packet is a
// masked load and store on AVX-512; without it, and for n below one packet, lanes go one at a time.
template <bool Add, bool Sum, class T, class B = xsimd::batch<T>>
CTORCH_ALWAYS_INLINE void copy_row(T* __restrict dst, const T* __restrict src, index_t n, T b, B& sum) {
  constexpr index_t Wv = index_t(B::size);
  index_t i = 0;
  for (; i + Wv <= n; i += Wv) {
    const B v = B::load_unaligned(src + i);
    if constexpr (Sum) sum += v;
    (Add ? v + B(b) : v).store_unaligned(dst + i);
  }
  if (i == n) return;
#if defined(__AVX512F__)
  if constexpr (sizeof(typename B::register_type) == 64) {
    const unsigned m = (1u << (n - i)) - 1;
    if constexpr (std::is_same_v<T, float>) {
      const __m512 v = _mm512_maskz_loadu_ps(__mmask16(m), src + i);
      if constexpr (Sum) sum += B(v);
      _mm512_mask_storeu_ps(dst + i, __mmask16(m), Add ? _mm512_add_ps(v, _mm512_set1_ps(b)) : v);
      return;
    } else if constexpr (std::is_same_v<T, double>) {
      const __m512d v = _mm512_maskz_loadu_pd(__mmask8(m), src + i);
      if constexpr (Sum) sum += B(v);
      _mm512_mask_storeu_pd(dst + i, __mmask8(m), Add ? _mm512_add_pd(v, _mm512_set1_pd(b)) : v);
      return;
    }
  }
#endif
  T s(0);
  for (; i < n; ++i) {
    s += src[i];
    dst[i] = Add ? src[i] + b : src[i];
  }
  if constexpr (Sum) {
    alignas(64) T lane[Wv] = {};
    lane[0] = s;
    sum += B::load_aligned(lane);
  }
}

// Copies `planes` planes of Hi x Wi (stride Hi*Wi) into zero-padded wide planes (stride g.Lp).
template <class T>
void pad_planes(const T* src, index_t planes, const wide_geom& g, T* dst) {
  for (index_t c = 0; c < planes; ++c) {
    T* d = dst + c * g.Lp;
    const T* s = src + c * g.Hi * g.Wi;
    std::fill(d, d + g.ph * g.Wp + g.pw, T(0));
    for (index_t h = 0; h < g.Hi; ++h) {
      T* row = d + (g.ph + h) * g.Wp + g.pw;
      xsimd::batch<T> none;
      copy_row<false, false>(row, s + h * g.Wi, g.Wi, T(0), none);
      // the right padding of this row and the left padding of the next one
      const index_t gap = h + 1 < g.Hi ? 2 * g.pw : g.Lp - ((g.ph + h) * g.Wp + g.pw + g.Wi);
      std::fill(row + g.Wi, row + g.Wi + gap, T(0));
    }
    if (g.Hi == 0) std::fill(d, d + g.Lp, T(0));
  }
}

// Tap offsets of a wide convolution over `cin` input planes: koff[(c*KH + kh)*KW + kw], then zeros up to
// `padded` entries (a valid read whose result a kernel drops). In per-thread scratch.
inline const index_t* wide_offsets(index_t cin, const wide_geom& g, index_t padded) {
  const index_t n = cin * g.KH * g.KW;
  index_t* k = conv_scratch<index_t, 5>(std::max(n, padded));
  for (index_t c = 0; c < cin; ++c)
    for (index_t kh = 0; kh < g.KH; ++kh)
      for (index_t kw = 0; kw < g.KW; ++kw) k[(c * g.KH + kh) * g.KW + kw] = c * g.Lp + kh * g.D * g.Wp + kw * g.D;
  std::fill(k + n, k + std::max(n, padded), index_t(0));
  return k;
}

// One OT-row tile of the wide product: yw[o][q] = sum_k wpk[k][o] * xp[koff[k] + q], o < OT, q < Qb.
// requires: Qb a multiple of VQ * Wv; yw 64-byte aligned with row stride Qb.
template <class T>
[[gnu::hot]] void wide_tile(const T* __restrict xp, const index_t* __restrict koff, index_t K, const T* __restrict wpk,
                            T* __restrict yw, index_t Qb) {
  using Tl = conv_tiles<T>;
  using B = typename Tl::B;
  constexpr int OT = Tl::OT, VQ = Tl::VQ;
  constexpr index_t Wv = Tl::Wv;
  for (index_t q0 = 0; q0 < Qb; q0 += VQ * Wv) {
    B acc[OT][VQ];
    CTORCH_UNROLL
    for (int o = 0; o < OT; ++o) CTORCH_UNROLL
    for (int j = 0; j < VQ; ++j) acc[o][j] = B(T(0));
    const T* xq = xp + q0;
    for (index_t k = 0; k < K; ++k) {
      const T* p = xq + koff[k];
      const T* wk = wpk + k * OT;
      B xv[VQ];
      CTORCH_UNROLL
      for (int j = 0; j < VQ; ++j) xv[j] = B::load_unaligned(p + j * Wv);
      CTORCH_UNROLL
      for (int o = 0; o < OT; ++o) {
        const B wo(wk[o]);
        CTORCH_UNROLL
        for (int j = 0; j < VQ; ++j) acc[o][j] = ctorch::detail::packet_fma(wo, xv[j], acc[o][j]);
      }
    }
    CTORCH_UNROLL
    for (int o = 0; o < OT; ++o) CTORCH_UNROLL
    for (int j = 0; j < VQ; ++j) acc[o][j].store_aligned(yw + o * Qb + q0 + j * Wv);
  }
}

// The rank-1 step of the channels-in-lanes kernels: acc[r][p] += broadcast(rows[r][at]) * v[p].
template <int R, int NP, class B, class T>
CTORCH_ALWAYS_INLINE void broadcast_fma(B (&acc)[R][NP], const T* const (&rows)[R], index_t at, const B (&v)[NP]) {
  CTORCH_UNROLL
  for (int r = 0; r < R; ++r) {
    const B xb(rows[r][at]);
    CTORCH_UNROLL
    for (int p = 0; p < NP; ++p) acc[r][p] = ctorch::detail::packet_fma(xb, v[p], acc[r][p]);
  }
}

// The product with the output channels in the lanes, for groups whose Og is a multiple of Wv: yt[i][o] =
// sum_k xp[qoff[i] + koff[k]] * wt[k][o] for QT output pixels i (their offsets qoff on the wide grid) and NP
// packets of channels. Per tap: NP packet loads and QT broadcasts for NP*QT fmas, over the Ho*Wo output
// pixels only (wide_tile computes the Wp - Wo discarded columns of every row too).
// requires: wt 64-byte aligned with row stride Og (a multiple of Wv); yt row stride Og.
template <class T, int NP>
[[gnu::hot]] void wide_tile_t(const T* __restrict xp, const index_t* __restrict qoff, const index_t* __restrict koff,
                              index_t K, const T* __restrict wt, index_t Og, T* __restrict yt) {
  using Tl = conv_tiles<T>;
  using B = typename Tl::B;
  constexpr int QT = Tl::template rows_t<NP>;
  constexpr index_t Wv = Tl::Wv;
  B acc[QT][NP];
  CTORCH_UNROLL
  for (int i = 0; i < QT; ++i) CTORCH_UNROLL
  for (int p = 0; p < NP; ++p) acc[i][p] = B(T(0));
  const T* xq[QT];
  CTORCH_UNROLL
  for (int i = 0; i < QT; ++i) xq[i] = xp + qoff[i];
  for (index_t k = 0; k < K; ++k) {
    const index_t off = koff[k];
    B wv[NP];
    CTORCH_UNROLL
    for (int p = 0; p < NP; ++p) wv[p] = B::load_aligned(wt + k * Og + p * Wv);
    broadcast_fma(acc, xq, off, wv);
  }
  CTORCH_UNROLL
  for (int i = 0; i < QT; ++i) CTORCH_UNROLL
  for (int p = 0; p < NP; ++p) acc[i][p].store_unaligned(yt + i * Og + p * Wv);
}

// The packets of output channels per register row for Og channels a group (2, 1, or 0 when Og is not a
// multiple of the packet width: then the kernels with the wide grid in the lanes run).
template <class T>
constexpr int channel_packets(index_t Og) {
  constexpr index_t Wv = conv_tiles<T>::Wv;
  return Og % (2 * Wv) == 0 ? 2 : Og % Wv == 0 ? 1 : 0;
}

// grad_weight tile: gwv[o][k] (a packet each) += sum over the ns samples s and q < Qb of
// gyw[s][o][q] * xp[s][koff[k] + q], for GO rows o0.. and GT taps k0...
// The samples of a block share one tile so that its accumulators stay in registers across them (LeNet's
// conv2 has only 9 packets of q per sample). gyw and xp step by gy_step and x_step per sample; gwv has row
// stride Kp packets.
// requires: Qb a multiple of Wv; gyw zero where q is not an output pixel.
template <class T>
[[gnu::hot]] void wide_gw_tile(const T* __restrict gyw, index_t Qb, index_t gy_step, const T* __restrict xp,
                               index_t x_step, index_t ns, const index_t* __restrict koff, T* __restrict gwv,
                               index_t Kp) {
  using Tl = conv_tiles<T>;
  using B = typename Tl::B;
  constexpr int GO = Tl::GO, GT = Tl::GT;
  constexpr index_t Wv = Tl::Wv;
  B acc[GO][GT];
  CTORCH_UNROLL
  for (int o = 0; o < GO; ++o) CTORCH_UNROLL
  for (int t = 0; t < GT; ++t) acc[o][t] = B(T(0));
  for (index_t s = 0; s < ns; ++s) {
    const T* gs = gyw + s * gy_step;
    const T* xt[GT];
    CTORCH_UNROLL
    for (int t = 0; t < GT; ++t) xt[t] = xp + s * x_step + koff[t];
    for (index_t q = 0; q < Qb; q += Wv) {
      B g[GO];
      CTORCH_UNROLL
      for (int o = 0; o < GO; ++o) g[o] = B::load_aligned(gs + o * Qb + q);
      CTORCH_UNROLL
      for (int t = 0; t < GT; ++t) {
        const B xv = ctorch::detail::in_register(B::load_unaligned(xt[t] + q));
        CTORCH_UNROLL
        for (int o = 0; o < GO; ++o) acc[o][t] = ctorch::detail::packet_fma(g[o], xv, acc[o][t]);
      }
    }
  }
  CTORCH_UNROLL
  for (int o = 0; o < GO; ++o) CTORCH_UNROLL
  for (int t = 0; t < GT; ++t) {
    T* d = gwv + (o * Kp + t) * Wv;
    (B::load_aligned(d) + acc[o][t]).store_aligned(d);
  }
}

// grad_weight tile with the output channels in the lanes, for groups whose Og is a multiple of Wv: gwt[k][o]
// += sum over the ns samples s and the output pixels (h, w) of xp[s][koff[k] + h*Wp + w] * gyt[s][h*Wo + w][o],
// for TT taps k0.. and NP packets of channels o0... Each pixel costs NP packet loads and TT broadcasts for
// NP*TT fmas, it visits only the Ho*Wo output pixels (not the Wp-wide rows), and no lanes are reduced at
// the end: LeNet's conv2 (16 channels, 10 x 10 outputs of 14-wide rows) spends a third fewer fmas than in
// wide_gw_tile, without its unaligned loads.
// requires: gyt 64-byte aligned, pixel stride Og (a multiple of Wv), gwt row stride Og.
template <class T, int NP>
[[gnu::hot]] void wide_gwt_tile(const T* __restrict gyt, index_t Og, index_t gyt_step, const T* __restrict xp,
                                index_t x_step, index_t ns, const index_t* __restrict koff, index_t Ho, index_t Wo,
                                index_t Wp, T* __restrict gwt) {
  using Tl = conv_tiles<T>;
  using B = typename Tl::B;
  constexpr int TT = Tl::template rows_t<NP>;
  constexpr index_t Wv = Tl::Wv;
  B acc[TT][NP];
  CTORCH_UNROLL
  for (int t = 0; t < TT; ++t) CTORCH_UNROLL
  for (int p = 0; p < NP; ++p) acc[t][p] = B(T(0));
  for (index_t s = 0; s < ns; ++s) {
    const T* g = gyt + s * gyt_step;
    for (index_t h = 0; h < Ho; ++h) {
      const T* xt[TT];
      CTORCH_UNROLL
      for (int t = 0; t < TT; ++t) xt[t] = xp + s * x_step + h * Wp + koff[t];
      for (index_t w = 0; w < Wo; ++w, g += Og) {
        B gv[NP];
        CTORCH_UNROLL
        for (int p = 0; p < NP; ++p) gv[p] = B::load_aligned(g + p * Wv);
        broadcast_fma(acc, xt, w, gv);
      }
    }
  }
  CTORCH_UNROLL
  for (int t = 0; t < TT; ++t) CTORCH_UNROLL
  for (int p = 0; p < NP; ++p) {
    T* d = gwt + t * Og + p * Wv;
    (B::load_unaligned(d) + acc[t][p]).store_unaligned(d);
  }
}

// sum_i p[i] over a contiguous row (four packet accumulators: a serial scalar sum is latency-bound).
template <class T>
T sum_row(const T* p, index_t n) {
  using B = xsimd::batch<T>;
  constexpr index_t Wv = index_t(B::size);
  B a0(T(0)), a1(T(0)), a2(T(0)), a3(T(0));
  index_t i = 0;
  for (; i + 4 * Wv <= n; i += 4 * Wv) {
    a0 += B::load_unaligned(p + i);
    a1 += B::load_unaligned(p + i + Wv);
    a2 += B::load_unaligned(p + i + 2 * Wv);
    a3 += B::load_unaligned(p + i + 3 * Wv);
  }
  for (; i + Wv <= n; i += Wv) a0 += B::load_unaligned(p + i);
  T s = xsimd::hadd((a0 + a1) + (a2 + a3));
  for (; i < n; ++i) s += p[i];
  return s;
}

// VQ packets of the grad_input tile below, at gyw and gxp (already offset to the block's q).
template <class T, int VQ>
CTORCH_ALWAYS_INLINE void wide_scatter_block(const T* __restrict gyw, index_t Og, index_t Qb, const T* __restrict wt,
                                             T* __restrict gxp, index_t Lp) {
  using Tl = conv_tiles<T>;
  using B = typename Tl::B;
  constexpr int OT = Tl::OT;
  constexpr index_t Wv = Tl::Wv;
  B acc[OT][VQ];
  CTORCH_UNROLL
  for (int c = 0; c < OT; ++c) CTORCH_UNROLL
  for (int j = 0; j < VQ; ++j) acc[c][j] = B(T(0));
  for (index_t o = 0; o < Og; ++o) {
    B gv[VQ];
    CTORCH_UNROLL
    for (int j = 0; j < VQ; ++j) gv[j] = B::load_aligned(gyw + o * Qb + j * Wv);
    const T* wo = wt + o * OT;
    CTORCH_UNROLL
    for (int c = 0; c < OT; ++c) {
      const B wc(wo[c]);
      CTORCH_UNROLL
      for (int j = 0; j < VQ; ++j) acc[c][j] = ctorch::detail::packet_fma(wc, gv[j], acc[c][j]);
    }
  }
  CTORCH_UNROLL
  for (int c = 0; c < OT; ++c) CTORCH_UNROLL
  for (int j = 0; j < VQ; ++j) {
    T* p = gxp + c * Lp + j * Wv;
    (B::load_unaligned(p) + acc[c][j]).store_unaligned(p);
  }
}

// grad_input tile (the adjoint of wide_tile): for OT planes c, gxp[c][q + off] += sum_o wt[o][c] * gyw[o][q]
// over q < Qb (gxp already offset by the tap's offset, plane stride Lp), in blocks of VQ packets and the
// rest one packet at a time: Qb needs to be a multiple of the packet width only (LeNet's conv2: 9 packets
// for its 140 wide positions, not 12).
// requires: Qb a multiple of Wv; gyw 64-byte aligned, row stride Qb, zero where q is not a pixel.
template <class T>
[[gnu::hot]] void wide_scatter_tile(const T* __restrict gyw, index_t Og, index_t Qb, const T* __restrict wt,
                                    T* __restrict gxp, index_t Lp) {
  using Tl = conv_tiles<T>;
  constexpr int VQ = Tl::VQ;
  constexpr index_t Wv = Tl::Wv;
  index_t q0 = 0;
  for (; q0 + VQ * Wv <= Qb; q0 += VQ * Wv) wide_scatter_block<T, VQ>(gyw + q0, Og, Qb, wt, gxp + q0, Lp);
  for (; q0 < Qb; q0 += Wv) wide_scatter_block<T, 1>(gyw + q0, Og, Qb, wt, gxp + q0, Lp);
}

// Splits [0, n) into at most get_num_threads() contiguous chunks and runs f(chunk, begin, end) on each;
// returns the number of chunks (for per-chunk partial results).
inline index_t chunk_count(index_t n) {
  return std::max<index_t>(1, std::min<index_t>(get_num_threads(), n));
}
template <class F>
void for_chunks(index_t n, index_t nch, F&& f) {
  parallel_for(nch, 1, [&](index_t c0, index_t c1) {
    for (index_t c = c0; c < c1; ++c) f(c, n * c / nch, n * (c + 1) / nch);
  });
}

// The output columns w in [lo, hi) whose input column w*S + off lies inside [0, W): computing the range once
// keeps the inner loops free of bounds tests (and of g++ 12's miscompile of the tested loop at -O3 on AVX2).
struct valid_cols {
  index_t lo, hi;
  static valid_cols make(index_t off, index_t S, index_t W, index_t Wo) {
    index_t lo = off >= 0 ? 0 : (-off + S - 1) / S;
    index_t hi = W - off <= 0 ? 0 : (W - off + S - 1) / S;
    lo = std::min(lo, Wo);
    hi = std::clamp(hi, lo, Wo);
    return {lo, hi};
  }
};

// im2col of one group of one sample: col[(c*KH + kh)*KW + kw][h*Wo + w] = x[c][h*S - P + kh*D][w*S - P + kw*D]
// (zero outside the input).
template <class T>
void im2col(const T* x, index_t Cg, index_t H, index_t W, index_t KH, index_t KW, index_t S, index_t P, index_t D,
            index_t Ho, index_t Wo, T* col) {
  for (index_t c = 0; c < Cg; ++c)
    for (index_t kh = 0; kh < KH; ++kh)
      for (index_t kw = 0; kw < KW; ++kw) {
        T* out = col + ((c * KH + kh) * KW + kw) * Ho * Wo;
        const index_t off = kw * D - P;
        const valid_cols v = valid_cols::make(off, S, W, Wo);
        for (index_t h = 0; h < Ho; ++h) {
          const index_t ih = h * S - P + kh * D;
          T* o = out + h * Wo;
          if (ih < 0 || ih >= H) {
            std::fill(o, o + Wo, T(0));
            continue;
          }
          const T* row = x + (c * H + ih) * W;
          std::fill(o, o + v.lo, T(0));
          for (index_t w = v.lo; w < v.hi; ++w) o[w] = row[w * S + off];
          std::fill(o + v.hi, o + Wo, T(0));
        }
      }
}

// col2im: the adjoint of im2col, accumulated into x (x += col2im(col)).
template <class T>
void col2im_add(const T* col, index_t Cg, index_t H, index_t W, index_t KH, index_t KW, index_t S, index_t P, index_t D,
                index_t Ho, index_t Wo, T* x) {
  for (index_t c = 0; c < Cg; ++c)
    for (index_t kh = 0; kh < KH; ++kh)
      for (index_t kw = 0; kw < KW; ++kw) {
        const T* in = col + ((c * KH + kh) * KW + kw) * Ho * Wo;
        const index_t off = kw * D - P;
        const valid_cols v = valid_cols::make(off, S, W, Wo);
        for (index_t h = 0; h < Ho; ++h) {
          const index_t ih = h * S - P + kh * D;
          if (ih < 0 || ih >= H) continue;
          T* row = x + (c * H + ih) * W;
          const T* i = in + h * Wo;
          for (index_t w = v.lo; w < v.hi; ++w) row[w * S + off] += i[w];
        }
      }
}

}  // namespace detail

}  // namespace ctorch::nn::functional
