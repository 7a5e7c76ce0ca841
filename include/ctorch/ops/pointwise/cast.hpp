// ctorch/ops/pointwise/cast.hpp: cast<U>(x), a lazy dtype conversion (Tensor::to<U>() materializes it).
// Shape: same. dtype: U. Gradient: the incoming gradient cast back to x's dtype.
#pragma once
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
template <DType U>
struct Cast {
  static constexpr const char* name = "to";
  template <class... T>
  using compute_t = U;
  template <class... T>
  using result_t = U;
  template <class T>
  CTORCH_HD static U apply(T x) {
    return static_cast<U>(x);
  }
  CTORCH_HD static U f(U x) { return x; }
};
}  // namespace op

// ensures: a lazy expression with x's values converted to U (C++ conversion: float -> int truncates).
template <DType U, Expression X>
auto cast(X&& x) {
  return make_map<op::Cast<U>>(std::forward<X>(x));
}
}  // namespace ctorch
