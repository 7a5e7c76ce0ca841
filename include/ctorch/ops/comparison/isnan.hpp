// ctorch/ops/comparison/isnan.hpp: isnan (torch.isnan), true where x is nan.
// Shape: same. dtype: bool. Gradient: none (not differentiable).
#pragma once
#include <cmath>
#include <type_traits>

#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Isnan : predicate_op<Isnan> {
  static constexpr const char* name = "isnan";
  template <class T>
  CTORCH_HD static bool f(T x) {
    if constexpr (std::is_floating_point_v<T>)
      return x != x;
    else
      return false;
  }
};
}  // namespace op

// ensures: a lazy bool expression, true where x is nan (false for integer and bool tensors).
template <Expression X>
auto isnan(X&& x) {
  return make_map<op::Isnan>(std::forward<X>(x));
}
}  // namespace ctorch
