// ctorch/ops/pointwise/div.hpp: div (torch.div, true division), a / b.
// Shape: broadcast. dtype: promotion, integers become float32 (PyTorch's true division).
// Gradient: d/da = 1/b, d/db = -a/b^2.
#pragma once
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Div : float_op<Div> {
  static constexpr const char* name = "div";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& a, const V& b) {
    (void)y, (void)a, (void)b;
    if constexpr (I == 0) return dm::k<V>(1) / b;
    else return -(a / b) / b;
  }
  template <class T>
  CTORCH_HD static T f(T a, T b) {
    return a / b;
  }
  template <class B>
  static B packet(const B& a, const B& b) {
    return a / b;
  }
};
}  // namespace op

// requires: a and b broadcast. ensures: a lazy a / b (IEEE: x/0 is +-inf or nan).
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto div(A&& a, B&& b) {
  return make_map<op::Div>(std::forward<A>(a), std::forward<B>(b));
}
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto operator/(A&& a, B&& b) {
  return div(std::forward<A>(a), std::forward<B>(b));
}
}  // namespace ctorch
