// ctorch/ops/comparison/ge.hpp: ge (torch.ge) and operator>=: a >= b, a lazy bool expression.
// Shape: broadcast. dtype: bool; the operands are compared in their promoted dtype (an int32 tensor
// against 2.5 is compared as float32, as PyTorch). nan compares unequal to everything.
// Gradient: none (not differentiable).
#pragma once
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Ge : predicate_op<Ge> {
  static constexpr const char* name = "ge";
  template <class T>
  CTORCH_HD static bool f(T a, T b) {
    return a >= b;
  }
};
}  // namespace op

// requires: a and b broadcast (tensors, expressions or numbers). ensures: a lazy bool expression a >= b.
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto ge(A&& a, B&& b) {
  return make_map<op::Ge>(std::forward<A>(a), std::forward<B>(b));
}
// ensures: ge(a, b), elementwise and lazy (not a whole-tensor comparison: use all() or equal() for that).
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto operator>=(A&& a, B&& b) {
  return ge(std::forward<A>(a), std::forward<B>(b));
}
}  // namespace ctorch
