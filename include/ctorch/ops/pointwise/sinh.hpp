// ctorch/ops/pointwise/sinh.hpp: sinh (torch.sinh), the elementwise hyperbolic sine.
// Shape: same. dtype: integers and bool become float32. Gradient: grad * cosh(x).
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Sinh : float_op<Sinh> {
  static constexpr const char* name = "sinh";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::cosh(x);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::sinh(x);
  }
  template <class B>
  static B packet(const B& x) {
    return xsimd::sinh(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise sinh(x).
template <Expression X>
auto sinh(X&& x) {
  return make_map<op::Sinh>(std::forward<X>(x));
}
}  // namespace ctorch
