// ctorch/ops/comparison/le.hpp: le (torch.le) and operator<=: a <= b, a lazy bool expression.
// Shape: broadcast. dtype: bool; the operands are compared in their promoted dtype (an int32 tensor
// against 2.5 is compared as float32, as PyTorch). nan compares unequal to everything.
// Gradient: none (not differentiable).
#pragma once
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Le : predicate_op<Le> {
  static constexpr const char* name = "le";
  template <class T>
  CTORCH_HD static bool f(T a, T b) {
    return a <= b;
  }
};
}  // namespace op

// requires: a and b broadcast (tensors, expressions or numbers). ensures: a lazy bool expression a <= b.
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto le(A&& a, B&& b) {
  return make_map<op::Le>(std::forward<A>(a), std::forward<B>(b));
}
// ensures: le(a, b), elementwise and lazy (not a whole-tensor comparison: use all() or equal() for that).
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto operator<=(A&& a, B&& b) {
  return le(std::forward<A>(a), std::forward<B>(b));
}
}  // namespace ctorch
