// ctorch/ops/comparison/logical_not.hpp: logical_not (torch.logical_not), true where x is zero.
// Shape: same. dtype: bool; any dtype is read as its truth value (nonzero, nan included, is true).
// Gradient: none (not differentiable).
#pragma once
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct LogicalNot : logical_op<LogicalNot> {
  static constexpr const char* name = "logical_not";
  CTORCH_HD static bool f(bool x) { return !x; }
};
}  // namespace op

// ensures: a lazy bool expression, true where x is zero (false).
template <Expression X>
auto logical_not(X&& x) {
  return make_map<op::LogicalNot>(std::forward<X>(x));
}
}  // namespace ctorch
