// ctorch/ops/comparison/eq.hpp: eq (torch.eq) and operator==: a == b, a lazy bool expression.
// Shape: broadcast. dtype: bool; the operands are compared in their promoted dtype (an int32 tensor
// against 2.5 is compared as float32, as PyTorch). nan compares unequal to everything.
// Gradient: none (not differentiable).
#pragma once
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Eq : predicate_op<Eq> {
  static constexpr const char* name = "eq";
  template <class T>
  CTORCH_HD static bool f(T a, T b) {
    return a == b;
  }
};
}  // namespace op

// requires: a and b broadcast (tensors, expressions or numbers). ensures: a lazy bool expression a == b.
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto eq(A&& a, B&& b) {
  return make_map<op::Eq>(std::forward<A>(a), std::forward<B>(b));
}
// ensures: eq(a, b), elementwise and lazy (not a whole-tensor comparison: use all() or equal() for that).
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto operator==(A&& a, B&& b) {
  return eq(std::forward<A>(a), std::forward<B>(b));
}
}  // namespace ctorch
