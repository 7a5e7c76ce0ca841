// ctorch/ops/comparison/isfinite.hpp: isfinite (torch.isfinite), true where x is neither inf nor nan.
// Shape: same. dtype: bool. Gradient: none (not differentiable).
#pragma once
#include <cmath>
#include <type_traits>

#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Isfinite : predicate_op<Isfinite> {
  static constexpr const char* name = "isfinite";
  template <class T>
  CTORCH_HD static bool f(T x) {
    if constexpr (std::is_floating_point_v<T>)
      return std::isfinite(x);
    else
      return true;
  }
};
}  // namespace op

// ensures: a lazy bool expression, true where x is neither inf nor nan (true for integer and bool tensors).
template <Expression X>
auto isfinite(X&& x) {
  return make_map<op::Isfinite>(std::forward<X>(x));
}
}  // namespace ctorch
