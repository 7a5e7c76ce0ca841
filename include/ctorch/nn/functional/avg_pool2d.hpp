// ctorch/nn/functional/avg_pool2d.hpp: the compute kernels of 2-D average pooling
// (torch.nn.functional.avg_pool2d) and of its gradient.
//
// Shape: x [N, C, H, W] (N static or Dyn; C, H, W static) -> [N, C, Ho, Wo] with
// Ho = (H + 2P - K)/S + 1 (ceil instead of floor with ceil_mode), Pool2dOptions{kernel K, stride S
// (0: = K), padding P (<= K/2), ceil_mode, count_include_pad (default true)} as a template argument
// (dilation must stay 1); bad options or an empty output are static_asserts from pool2d_check. The
// divisor is PyTorch's: the window clipped to the padded input (count_include_pad) or to the input.
// dtype: float or double. Gradient: avg_pool2d_backward spreads grad_out / divisor over each window.
//
//   auto y = avg_pool2d_forward<Pool2dOptions{.kernel = 2}>(x);             // [Dyn, 6, 28, 28] -> [Dyn, 6, 14, 14]
//   auto gx = avg_pool2d_backward<Pool2dOptions{.kernel = 2}, Shape<Dyn, 6, 28, 28>>(gy);
//
// On Vars, avg_pool2d<Opt>(x) records one node (the layer nn::AvgPool2d calls it). Pooling is linear and
// avg_pool2d_backward is its adjoint, so the create_graph VJP is that backward recorded, whose own VJP is
// the pooling again.
#pragma once
#include <type_traits>

#include "../../autograd/function.hpp"
#include "conv_common.hpp"

namespace ctorch::nn::functional {

namespace op {
struct AvgPool2d {
  static constexpr const char* name = "avg_pool2d";
};
}  // namespace op

namespace detail {
// Calls f(hs, he, ws, we, divisor) for output (oh, ow): the window clipped to the input.
template <class Ck, bool CountPad, class F>
CTORCH_ALWAYS_INLINE void avg_window(index_t oh, index_t ow, F&& f) {
  constexpr index_t H = Ck::H, W = Ck::W, K = Ck::K, S = Ck::S, P = Ck::P;
  index_t hs = oh * S - P, ws = ow * S - P;
  index_t he = std::min(hs + K, H + P), we = std::min(ws + K, W + P);
  const index_t pool = (he - hs) * (we - ws);
  hs = std::max<index_t>(hs, 0), ws = std::max<index_t>(ws, 0);
  he = std::min(he, H), we = std::min(we, W);
  const index_t div = CountPad ? pool : (he - hs) * (we - ws);
  f(hs, he, ws, we, div);
}
}  // namespace detail

// requires: x as pool2d_check says (static_asserts), dilation 1; float or double.
// ensures: a new tensor: the mean of each window (sum / divisor; 0 for a window wholly in the padding).
template <Pool2dOptions Opt, class T, class SX>
auto avg_pool2d_forward(const Tensor<T, SX>& x) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "ctorch: avg_pool2d: implemented for float and double");
  using Ck = detail::pool2d_check<op::AvgPool2d, SX, Opt>;
  static_assert(Opt.dilation == 1, "ctorch: avg_pool2d: there is no dilation for average pooling");
  using SY = typename Ck::out_shape;
  constexpr index_t C = Ck::C, H = Ck::H, W = Ck::W, Ho = Ck::Ho, Wo = Ck::Wo;
  const index_t N = x.size(0);
  auto y = detail::make_nchw<T, SY>(N, C, Ho, Wo);
  const T* xd = x.data();
  T* yd = y.data();
  parallel_for(N * C, std::max<index_t>(1, 16384 / (H * W)), [&](index_t p0, index_t p1) {
    for (index_t p = p0; p < p1; ++p) {
      const T* in = xd + p * H * W;
      T* out = yd + p * Ho * Wo;
      for (index_t oh = 0; oh < Ho; ++oh)
        for (index_t ow = 0; ow < Wo; ++ow)
          detail::avg_window<Ck, Opt.count_include_pad>(
              oh, ow, [&](index_t hs, index_t he, index_t ws, index_t we, index_t div) {
                T s(0);
                for (index_t h = hs; h < he; ++h)
                  for (index_t w = ws; w < we; ++w) s += in[h * W + w];
                out[oh * Wo + ow] = (hs >= he || ws >= we) ? T(0) : s / T(div);
              });
    }
  });
  return y;
}

// requires: grad_out of avg_pool2d_forward<Opt> on an input of shape SX (static extents: static_assert).
// ensures: a new tensor of SX's extents (batch from grad_out): each window gets grad_out / divisor.
template <Pool2dOptions Opt, ShapeType SX, class T, class SY>
Tensor<T, SX> avg_pool2d_backward(const Tensor<T, SY>& grad_out) {
  using Ck = detail::pool2d_check<op::AvgPool2d, SX, Opt>;
  static_assert(Opt.dilation == 1, "ctorch: avg_pool2d: there is no dilation for average pooling");
  static_assert(detail::extents_match<SY, typename Ck::out_shape>(),
                "ctorch: avg_pool2d_backward: grad_out does not have the output shape of avg_pool2d on SX");
  constexpr index_t C = Ck::C, H = Ck::H, W = Ck::W, Ho = Ck::Ho, Wo = Ck::Wo;
  const index_t N = grad_out.size(0);
  auto gx = detail::make_nchw<T, SX>(N, C, H, W, "avg_pool2d_backward", true);
  const T* g = grad_out.data();
  T* gd = gx.data();
  parallel_for(N * C, std::max<index_t>(1, 16384 / (H * W)), [&](index_t p0, index_t p1) {
    for (index_t p = p0; p < p1; ++p) {
      T* out = gd + p * H * W;
      const T* gp = g + p * Ho * Wo;
      for (index_t oh = 0; oh < Ho; ++oh)
        for (index_t ow = 0; ow < Wo; ++ow)
          detail::avg_window<Ck, Opt.count_include_pad>(
              oh, ow, [&](index_t hs, index_t he, index_t ws, index_t we, index_t div) {
                const T v = gp[oh * Wo + ow] / T(div);
                for (index_t h = hs; h < he; ++h)
                  for (index_t w = ws; w < we; ++w) out[h * W + w] += v;
              });
    }
  });
  return gx;
}

template <Pool2dOptions Opt, class X>
auto avg_pool2d(const X& x);

namespace detail {
// avg_pool2d_backward as a recorded op of g (input shape SX): the create_graph VJP of avg_pool2d.
template <Pool2dOptions Opt, class SX, class T, class SY>
Var<T, SX> avg_pool2d_spread(const Var<T, SY>& g) {
  return autograd::record_graph(
      "AvgPool2DBackwardBackward", avg_pool2d_backward<Opt, SX>(g.value()),
      [](const Tensor<T, SX>& h, const auto&, const Var<T, SY>& gv) {
        if (gv.requires_grad()) autograd::accumulate(gv, avg_pool2d_forward<Opt>(h));
      },
      [](const Var<T, SX>& h, const Var<T, SY>& gv) { autograd::accumulate_graph(gv, avg_pool2d<Opt>(h)); }, g);
}
}  // namespace detail

// requires: x [N, C, H, W] as pool2d_check says (static_asserts), dilation 1; float or double.
// ensures: the window means (torch.nn.functional.avg_pool2d); on a Var, one recorded node, differentiable
// to any order.
template <Pool2dOptions Opt, class X>
auto avg_pool2d(const X& x) {
  auto vx = autograd::as_var(x);
  using VX = decltype(vx);
  if constexpr (!autograd::AnyTracked<X>) {
    return avg_pool2d_forward<Opt>(vx.value());
  } else {
    using SX = typename VX::shape_type;
    return autograd::record_graph(
        "AvgPool2DBackward0", avg_pool2d_forward<Opt>(vx.value()),
        [](const auto& g, const auto&, const VX& xin) {
          if (xin.requires_grad()) autograd::accumulate(xin, avg_pool2d_backward<Opt, SX>(g));
        },
        [](const auto& g, const VX& xin) {
          if (xin.requires_grad()) autograd::accumulate_graph(xin, detail::avg_pool2d_spread<Opt, SX>(g));
        },
        vx);
  }
}

}  // namespace ctorch::nn::functional
