// ctorch/nn/linear.hpp: nn::Linear<In, Out, Bias> (torch.nn.Linear): y = x W^T + b.
// Shape: [N, In] -> [N, Out], N static or Dyn; another In is a compile error (see Sequential).
// Init as PyTorch: weight kaiming_uniform_(a = sqrt(5)), i.e. U(-1/sqrt(In), 1/sqrt(In)), bias the same
// bound, drawn in that order from the generator (so manual_seed gives torch's initial weights).
#pragma once
#include <cmath>
#include <string>

#include "functional/linear.hpp"
#include "init.hpp"
#include "module.hpp"

namespace ctorch::nn {

template <index_t In, index_t Out, bool Bias = true, DType T = float>
class Linear : public Module<Linear<In, Out, Bias, T>>, public NoChildren {
  static_assert(In > 0 && Out > 0, "ctorch: Linear: in_features and out_features must be positive");

 public:
  static constexpr index_t in_features = In, out_features = Out;
  Var<T, Shape<Out, In>> weight;
  Var<T, Shape<Out>> bias;  // zero-sized use when Bias is false: never read

  explicit Linear(Generator& gen = default_generator()) {
    weight.requires_grad_();
    init::kaiming_uniform_(weight, std::sqrt(5.0), "fan_in", "leaky_relu", gen);
    if constexpr (Bias) {
      bias.requires_grad_();
      const double bound = 1.0 / std::sqrt(double(In));
      init::uniform_(bias, -bound, bound, gen);
    }
  }

  // The output shape for an input shape, and whether it fits (Sequential's compile-time check).
  template <class S>
  static constexpr bool accepts = S::rank == 2 && (S::static_extents[1] == In || S::static_extents[1] == Dyn);
  template <class S>
  using output_shape = Shape<S::static_extents[0], Out>;

  // requires: x [N, In]. ensures: x W^T + b (a Var; records when the parameters require grad).
  template <class X>
  auto forward(const X& x) const {
    if constexpr (Bias)
      return functional::linear(x, weight, bias);
    else
      return functional::linear(x, weight);
  }
  template <class X>
  auto operator()(const X& x) const {
    return forward(x);
  }
  // Act(x W^T + b) in one GEMM pass (the bias and Act in its epilogue): what nn::Sequential runs for this
  // layer followed by an activation whose derivative follows from its result (ReLU, Tanh, Sigmoid).
  static constexpr bool fuses_activation = Bias;
  template <class Act, class X>
  auto forward_act(const X& x) const {
    return functional::linear_act<Act>(x, weight, bias);
  }

  template <class F>
  void visit_parameters(F&& f, const std::string& prefix) {
    f(detail::join(prefix, "weight"), weight);
    if constexpr (Bias) f(detail::join(prefix, "bias"), bias);
  }
  auto parameters() {
    if constexpr (Bias)
      return std::tie(weight, bias);
    else
      return std::tie(weight);
  }
  std::string repr() const {
    return "Linear(in_features=" + std::to_string(In) + ", out_features=" + std::to_string(Out) +
           ", bias=" + (Bias ? "True" : "False") + ")";
  }
};

}  // namespace ctorch::nn
