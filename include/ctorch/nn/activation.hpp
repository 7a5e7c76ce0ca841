// ctorch/nn/activation.hpp: parameter-free layers: ReLU, Tanh, Sigmoid, Flatten, Dropout.
// Each keeps its input's shape (Flatten: [N, ...] -> [N, prod(...)]); elementwise ones fuse with the
// expression they are applied to (one node).
#pragma once
#include <random>
#include <string>

#include "../core/generator.hpp"
#include "../ops/pointwise/mul.hpp"
#include "../ops/pointwise/relu.hpp"
#include "../ops/pointwise/sigmoid.hpp"
#include "../ops/pointwise/tanh.hpp"
#include "../ops/random/bernoulli.hpp"
#include "../ops/view/flatten.hpp"
#include "module.hpp"

namespace ctorch::nn {

// The parameter-free part of a module.
template <class Self>
struct Stateless : Module<Self>, NoChildren {
  template <class F>
  void visit_parameters(F&&, const std::string&) {}
  auto parameters() { return std::tuple<>{}; }
  template <class S>
  static constexpr bool accepts = true;
  template <class S>
  using output_shape = S;
};

// op_type: the pointwise op, so Sequential can fold it into a preceding Linear's GEMM epilogue.
// commutes_with_max: relu(max(x)) == max(relu(x)), values and gradients alike (ReLU keeps positive values
// distinct and sends no gradient through the rest), so Sequential runs a ReLU after a following MaxPool2d,
// on the pooled tensor. Not tanh or sigmoid: rounding can make distinct inputs tie, which moves the gradient.
#define CTORCH_NN_ELEMENTWISE(Name, fn, Op, text, commutes) \
  struct Name : Stateless<Name> {                           \
    using op_type = Op;                                     \
    static constexpr bool commutes_with_max = commutes;     \
    template <class X>                                      \
    auto forward(const X& x) const {                        \
      return Var(fn(x));                                    \
    }                                                       \
    template <class X>                                      \
    auto operator()(const X& x) const {                     \
      return forward(x);                                    \
    }                                                       \
    std::string repr() const { return text; }               \
  };
CTORCH_NN_ELEMENTWISE(ReLU, relu, op::Relu, "ReLU()", true)
CTORCH_NN_ELEMENTWISE(Tanh, tanh, op::Tanh, "Tanh()", false)
CTORCH_NN_ELEMENTWISE(Sigmoid, sigmoid, op::Sigmoid, "Sigmoid()", false)
#undef CTORCH_NN_ELEMENTWISE

// torch.nn.Flatten(start_dim=1): [N, d1, d2, ...] -> [N, d1 * d2 * ...].
struct Flatten : Stateless<Flatten> {
  template <class S>
  static constexpr bool accepts = S::rank >= 2;
  template <class S>
  using output_shape = typename decltype(ctorch::flatten<1>(std::declval<TensorView<const float, S>>()))::shape_type;
  template <class X>
  auto forward(const X& x) const {
    if constexpr (is_tensor_v<X>)  // a constant: one copy of the flattened view (as_var then flatten: two)
      return autograd::as_var(ctorch::flatten<1>(x.view()));
    else
      return ctorch::flatten<1>(autograd::as_var(x));
  }
  template <class X>
  auto operator()(const X& x) const {
    return forward(x);
  }
  std::string repr() const { return "Flatten(start_dim=1, end_dim=-1)"; }
};

// torch.nn.Dropout(p): in training, zeroes each element with probability p and scales the rest by
// 1 / (1 - p); in eval, the identity. requires: 0 <= p <= 1 (value_error otherwise).
class Dropout : public Stateless<Dropout> {
 public:
  explicit Dropout(double p = 0.5, Generator& gen = default_generator()) : p_(p), gen_(&gen) {
    if (!(p >= 0 && p <= 1))
      throw value_error("ctorch: Dropout: dropout probability has to be between 0 and 1, but got " + std::to_string(p));
  }
  template <class X>
  auto forward(const X& x) const {
    auto v = autograd::as_var(x);
    using V = decltype(v);
    using T = typename V::value_type;
    if (!this->training_ || p_ == 0) return v;
    typename V::tensor_type mask(v.dims());
    if (p_ < 1) {
      bernoulli_(mask, 1 - p_, *gen_);
      mask = mask * T(1 / (1 - p_));
    }
    return V(v * std::move(mask));
  }
  template <class X>
  auto operator()(const X& x) const {
    return forward(x);
  }
  std::string repr() const { return "Dropout(p=" + std::to_string(p_) + ", inplace=False)"; }
  double p() const noexcept { return p_; }

 private:
  double p_;
  Generator* gen_;
};

}  // namespace ctorch::nn
