// ctorch/nn/conv.hpp: nn::Conv2d and nn::MaxPool2d / nn::AvgPool2d (torch.nn), NCHW, over the kernels
// of nn/functional (im2col + GEMM or direct). Options are compile-time (functional::Conv2dOptions,
// functional::Pool2dOptions), so output shapes are static and a misfit is a compile error.
// Init as PyTorch: weight kaiming_uniform_(a = sqrt(5)) on fan_in = In / groups * K * K, bias U(+-1/sqrt(fan_in)).
#pragma once
#include <cmath>
#include <string>

#include "../autograd/function.hpp"
#include "functional/avg_pool2d.hpp"
#include "functional/conv2d.hpp"
#include "functional/max_pool2d.hpp"
#include "init.hpp"
#include "module.hpp"

namespace ctorch::nn {

using functional::Conv2dOptions;
using functional::Pool2dOptions;

template <index_t In, index_t Out, index_t K, Conv2dOptions Opt = Conv2dOptions{}, DType T = float>
class Conv2d : public Module<Conv2d<In, Out, K, Opt, T>>, public NoChildren {
  static_assert(In % Opt.groups == 0 && Out % Opt.groups == 0,
                "ctorch: Conv2d: in_channels and out_channels must be divisible by groups");

 public:
  Var<T, Shape<Out, In / Opt.groups, K, K>> weight;
  Var<T, Shape<Out>> bias;

  explicit Conv2d(Generator& gen = default_generator()) {
    weight.requires_grad_();
    bias.requires_grad_();
    init::kaiming_uniform_(weight, std::sqrt(5.0), "fan_in", "leaky_relu", gen);
    init::uniform_(bias, -1.0 / std::sqrt(double(In / Opt.groups * K * K)), 1.0 / std::sqrt(double(In / Opt.groups * K * K)),
                   gen);
  }

  template <class S>
  static constexpr bool accepts = S::rank == 4 && (S::static_extents[1] == In);
  template <class S>
  using output_shape = typename functional::detail::conv2d_check<S, Shape<Out, In / Opt.groups, K, K>, Opt>::out_shape;

  // requires: x [N, In, H, W]. ensures: the convolution (a Var; one node).
  template <class X>
  auto forward(const X& x) const {
    auto vx = autograd::as_var(x);
    using VX = decltype(vx);
    using VW = decltype(weight);
    using VB = decltype(bias);
    return autograd::record(
        "ConvolutionBackward0", functional::conv2d_forward<Opt>(vx.value(), weight.value(), bias.value()),
        [](const auto& g, const auto&, const VX& xin, const VW& w, const VB& b) {
          auto r = functional::conv2d_backward<Opt>(g, xin.value(), w.value(), xin.requires_grad());
          if (xin.requires_grad()) autograd::accumulate(xin, *r.grad_input);
          autograd::accumulate(w, r.grad_weight);
          autograd::accumulate(b, r.grad_bias);
        },
        vx, weight, bias);
  }
  template <class X>
  auto operator()(const X& x) const {
    return forward(x);
  }
  template <class F>
  void visit_parameters(F&& f, const std::string& prefix) {
    f(detail::join(prefix, "weight"), weight);
    f(detail::join(prefix, "bias"), bias);
  }
  auto parameters() { return std::tie(weight, bias); }
  std::string repr() const {
    std::string s = "Conv2d(" + std::to_string(In) + ", " + std::to_string(Out) + ", kernel_size=(" +
                    std::to_string(K) + ", " + std::to_string(K) + "), stride=(" + std::to_string(Opt.stride) + ", " +
                    std::to_string(Opt.stride) + ")";
    if (Opt.padding) s += ", padding=(" + std::to_string(Opt.padding) + ", " + std::to_string(Opt.padding) + ")";
    if (Opt.dilation != 1) s += ", dilation=(" + std::to_string(Opt.dilation) + ", " + std::to_string(Opt.dilation) + ")";
    if (Opt.groups != 1) s += ", groups=" + std::to_string(Opt.groups);
    return s + ")";
  }
};

template <Pool2dOptions Opt>
class MaxPool2d : public Module<MaxPool2d<Opt>>, public NoChildren {
 public:
  template <class S>
  static constexpr bool accepts = S::rank == 4;
  template <class S>
  using output_shape = typename functional::detail::pool2d_check<functional::op::MaxPool2d, S, Opt>::out_shape;

  template <class X>
  auto forward(const X& x) const {
    auto vx = autograd::as_var(x);
    using VX = decltype(vx);
    auto r = functional::max_pool2d_forward<Opt>(vx.value());
    return autograd::record(
        "MaxPool2DWithIndicesBackward0", std::move(r.output),
        [idx = std::move(r.indices)](const auto& g, const auto&, const VX& xin) {
          if (xin.requires_grad())
            autograd::accumulate(xin, functional::max_pool2d_backward<typename VX::shape_type>(g, idx));
        },
        vx);
  }
  template <class X>
  auto operator()(const X& x) const {
    return forward(x);
  }
  template <class F>
  void visit_parameters(F&&, const std::string&) {}
  auto parameters() { return std::tuple<>{}; }
  std::string repr() const {
    const int s = Opt.stride ? Opt.stride : Opt.kernel;
    return "MaxPool2d(kernel_size=" + std::to_string(Opt.kernel) + ", stride=" + std::to_string(s) +
           ", padding=" + std::to_string(Opt.padding) + ", dilation=" + std::to_string(Opt.dilation) +
           ", ceil_mode=" + (Opt.ceil_mode ? "True" : "False") + ")";
  }
};

}  // namespace ctorch::nn
