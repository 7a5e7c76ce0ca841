// ctorch/ops/pointwise/cast.hpp: cast<U>(x), a lazy dtype conversion (Tensor::to<U>() materializes it).
// Shape: same. dtype: U. Gradient: the incoming gradient cast back to x's dtype.
#pragma once
#include "../../expr/cast.hpp"
#include "../../expr/map.hpp"

namespace ctorch {

// ensures: a lazy expression with x's values converted to U (C++ conversion: float -> int truncates).
template <DType U, Expression X>
auto cast(X&& x) {
  return make_map<op::Cast<U>>(std::forward<X>(x));
}
}  // namespace ctorch
