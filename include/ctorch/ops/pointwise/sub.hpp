// ctorch/ops/pointwise/sub.hpp: sub (torch.sub), a - b, with alpha.
// Shape: broadcast. dtype: promotion (bool - bool is an error, as in PyTorch). Gradient: 1, -alpha.
#pragma once
#include "mul.hpp"

namespace ctorch {
namespace op {
struct Sub : arith_op<Sub> {
  static constexpr const char* name = "sub";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& a, const V& b) {
    (void)y, (void)a, (void)b;
    return I == 0 ? dm::k<V>(1) : dm::k<V>(-1);
  }
  template <class T>
  CTORCH_HD static T f(T a, T b) {
    static_assert(!std::is_same_v<T, bool>, "ctorch: sub: subtraction of bool tensors is not supported; use logical_xor");
    return a - b;
  }
  template <class B>
  static B packet(const B& a, const B& b) {
    return a - b;
  }
};
}  // namespace op

// requires: a and b broadcast. ensures: a lazy a - b.
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto sub(A&& a, B&& b) {
  return make_map<op::Sub>(std::forward<A>(a), std::forward<B>(b));
}
// torch.sub(input, other, alpha=...): a - alpha * b.
template <Operand A, Operand B, Arithmetic S>
  requires(Expression<A> || Expression<B>)
auto sub(A&& a, B&& b, S alpha) {
  return sub(std::forward<A>(a), mul(std::forward<B>(b), alpha));
}
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto operator-(A&& a, B&& b) {
  return sub(std::forward<A>(a), std::forward<B>(b));
}
}  // namespace ctorch
