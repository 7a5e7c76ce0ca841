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
    init::uniform_(bias, -1.0 / std::sqrt(double(In / Opt.groups * K * K)),
                   1.0 / std::sqrt(double(In / Opt.groups * K * K)), gen);
  }

  template <class S>
  static constexpr bool accepts = S::rank == 4 && (S::static_extents[1] == In);
  template <class S>
  using output_shape = typename functional::detail::conv2d_check<S, Shape<Out, In / Opt.groups, K, K>, Opt>::out_shape;

  // requires: x [N, In, H, W]. ensures: the convolution (a Var; one node: functional::conv2d).
  template <class X>
  auto forward(const X& x) const {
    return functional::conv2d<Opt>(autograd::as_var(x), weight, bias);
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
    if (Opt.dilation != 1)
      s += ", dilation=(" + std::to_string(Opt.dilation) + ", " + std::to_string(Opt.dilation) + ")";
    if (Opt.groups != 1) s += ", groups=" + std::to_string(Opt.groups);
    return s + ")";
  }
};

// What the pooling layers share: no parameters, NCHW input, the output shape of functional Op's rule.
template <class Self, class Op, Pool2dOptions Opt>
struct Pool2dModule : Module<Self>, NoChildren {
  template <class S>
  static constexpr bool accepts = S::rank == 4;
  template <class S>
  using output_shape = typename functional::detail::pool2d_check<Op, S, Opt>::out_shape;
  template <class X>
  auto operator()(const X& x) const {
    return static_cast<const Self&>(*this).forward(x);
  }
  template <class F>
  void visit_parameters(F&&, const std::string&) {}
  auto parameters() { return std::tuple<>{}; }
  static std::string window_repr() {
    return "kernel_size=" + std::to_string(Opt.kernel) +
           ", stride=" + std::to_string(Opt.stride ? Opt.stride : Opt.kernel) +
           ", padding=" + std::to_string(Opt.padding);
  }
};

// torch.nn.MaxPool2d(kernel_size, stride, padding, dilation, ceil_mode): the gradient goes to each
// window's (first) maximum, through the indices kept by the forward pass.
template <Pool2dOptions Opt>
struct MaxPool2d : Pool2dModule<MaxPool2d<Opt>, functional::op::MaxPool2d, Opt> {
  static constexpr bool takes_max = true;  // Sequential may run a preceding ReLU after it (activation.hpp)
  // requires: x [N, C, H, W] with a window that fits (static_assert). ensures: the maxima [N, C, Ho, Wo]
  // (one node: functional::max_pool2d).
  template <class X>
  auto forward(const X& x) const {
    return functional::max_pool2d<Opt>(autograd::as_var(x));
  }
  std::string repr() const {
    return "MaxPool2d(" + this->window_repr() + ", dilation=" + std::to_string(Opt.dilation) +
           ", ceil_mode=" + (Opt.ceil_mode ? "True" : "False") + ")";
  }
};

// torch.nn.AvgPool2d(kernel_size, stride, padding, ceil_mode, count_include_pad): the gradient spreads
// grad_out / divisor over each window (functional::avg_pool2d_backward).
template <Pool2dOptions Opt>
struct AvgPool2d : Pool2dModule<AvgPool2d<Opt>, functional::op::AvgPool2d, Opt> {
  // requires: x [N, C, H, W] with a window that fits (static_assert). ensures: the averages [N, C, Ho, Wo]
  // (one node: functional::avg_pool2d).
  template <class X>
  auto forward(const X& x) const {
    return functional::avg_pool2d<Opt>(autograd::as_var(x));
  }
  std::string repr() const { return "AvgPool2d(" + this->window_repr() + ")"; }
};

}  // namespace ctorch::nn
