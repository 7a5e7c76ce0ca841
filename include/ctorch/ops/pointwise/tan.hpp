// ctorch/ops/pointwise/tan.hpp: tan (torch.tan), the elementwise tangent.
// Shape: same. dtype: integers and bool become float32. Gradient: grad * 1 + tan(x)^2.
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Tan : float_op<Tan> {
  static constexpr const char* name = "tan";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::k<V>(1) + y * y;
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::tan(x);
  }
  template <class B>
  static B packet(const B& x) {
    return xsimd::tan(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise tan(x).
template <Expression X>
auto tan(X&& x) {
  return make_map<op::Tan>(std::forward<X>(x));
}
}  // namespace ctorch
