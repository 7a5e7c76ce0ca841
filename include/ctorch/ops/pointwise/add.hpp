// ctorch/ops/pointwise/add.hpp: add (torch.add), a + b, with alpha.
// Shape: broadcast. dtype: promotion. Gradient: d/da = 1, d/db = alpha.
#pragma once
#include "mul.hpp"

namespace ctorch {
namespace op {
struct Add : arith_op<Add> {
  static constexpr const char* name = "add";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& a, const V& b) {
    (void)y, (void)a, (void)b;
    return dm::k<V>(1);
  }
  template <class T>
  CTORCH_HD static T f(T a, T b) {
    if constexpr (std::is_same_v<T, bool>) return a || b;
    else return a + b;
  }
  template <class B>
  static B packet(const B& a, const B& b) {
    return a + b;
  }
};
}  // namespace op

// requires: a and b broadcast. ensures: a lazy a + b.
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto add(A&& a, B&& b) {
  return make_map<op::Add>(std::forward<A>(a), std::forward<B>(b));
}
// torch.add(input, other, alpha=...): a + alpha * b.
template <Operand A, Operand B, Arithmetic S>
  requires(Expression<A> || Expression<B>)
auto add(A&& a, B&& b, S alpha) {
  return add(std::forward<A>(a), mul(std::forward<B>(b), alpha));
}

template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto operator+(A&& a, B&& b) {
  return add(std::forward<A>(a), std::forward<B>(b));
}
}  // namespace ctorch
