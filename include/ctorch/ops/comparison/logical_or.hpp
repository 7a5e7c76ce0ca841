// ctorch/ops/comparison/logical_or.hpp: logical_or (torch.logical_or), a || b on truth values.
// Shape: broadcast. dtype: bool; any dtype is read as its truth value (nonzero, nan included, is true).
// Gradient: none (not differentiable).
#pragma once
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct LogicalOr : logical_op<LogicalOr> {
  static constexpr const char* name = "logical_or";
  CTORCH_HD static bool f(bool a, bool b) { return a || b; }
};
}  // namespace op

// requires: a and b broadcast (tensors, expressions or numbers). ensures: a lazy bool expression.
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto logical_or(A&& a, B&& b) {
  return make_map<op::LogicalOr>(std::forward<A>(a), std::forward<B>(b));
}
}  // namespace ctorch
