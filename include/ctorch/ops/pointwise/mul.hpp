// ctorch/ops/pointwise/mul.hpp: mul (torch.mul), a * b.
// Shape: broadcast. dtype: promotion. Gradient: d/da = b, d/db = a.
#pragma once
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Mul : arith_op<Mul> {
  static constexpr const char* name = "mul";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& a, const V& b) {
    (void)y, (void)a, (void)b;
    if constexpr (I == 0) return b;
    else return a;
  }
  template <class T>
  CTORCH_HD static T f(T a, T b) {
    if constexpr (std::is_same_v<T, bool>) return a && b;
    else return a * b;
  }
  template <class B>
  static B packet(const B& a, const B& b) {
    return a * b;
  }
};
}  // namespace op

// requires: a and b broadcast. ensures: a lazy a * b.
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto mul(A&& a, B&& b) {
  return make_map<op::Mul>(std::forward<A>(a), std::forward<B>(b));
}
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto operator*(A&& a, B&& b) {
  return mul(std::forward<A>(a), std::forward<B>(b));
}
}  // namespace ctorch
