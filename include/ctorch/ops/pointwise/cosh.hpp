// ctorch/ops/pointwise/cosh.hpp: cosh (torch.cosh), the elementwise hyperbolic cosine.
// Shape: same. dtype: integers and bool become float32. Gradient: grad * sinh(x).
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Cosh : float_op<Cosh> {
  static constexpr const char* name = "cosh";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::sinh(x);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::cosh(x);
  }
  template <class B>
  static B packet(const B& x) {
    return xsimd::cosh(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise cosh(x).
template <Expression X>
auto cosh(X&& x) {
  return make_map<op::Cosh>(std::forward<X>(x));
}
}  // namespace ctorch
