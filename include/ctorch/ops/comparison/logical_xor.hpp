// ctorch/ops/comparison/logical_xor.hpp: logical_xor (torch.logical_xor), a != b on truth values.
// Shape: broadcast. dtype: bool; any dtype is read as its truth value (nonzero, nan included, is true).
// Gradient: none (not differentiable).
#pragma once
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct LogicalXor : logical_op<LogicalXor> {
  static constexpr const char* name = "logical_xor";
  CTORCH_HD static bool f(bool a, bool b) { return a != b; }
};
}  // namespace op

// requires: a and b broadcast (tensors, expressions or numbers). ensures: a lazy bool expression.
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto logical_xor(A&& a, B&& b) {
  return make_map<op::LogicalXor>(std::forward<A>(a), std::forward<B>(b));
}
}  // namespace ctorch
