// ctorch/ops/comparison/isinf.hpp: isinf (torch.isinf), true where x is +inf or -inf.
// Shape: same. dtype: bool. Gradient: none (not differentiable).
#pragma once
#include <cmath>
#include <type_traits>

#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Isinf : predicate_op<Isinf> {
  static constexpr const char* name = "isinf";
  template <class T>
  CTORCH_HD static bool f(T x) {
    if constexpr (std::is_floating_point_v<T>)
      return std::isinf(x);
    else
      return false;
  }
};
}  // namespace op

// ensures: a lazy bool expression, true where x is +inf or -inf.
template <Expression X>
auto isinf(X&& x) {
  return make_map<op::Isinf>(std::forward<X>(x));
}
}  // namespace ctorch
