// ctorch/ops/pointwise/asin.hpp: asin (torch.asin), the elementwise arcsine.
// Shape: same. dtype: integers and bool become float32. Gradient: grad * 1 / sqrt(1 - x^2).
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Asin : float_op<Asin> {
  static constexpr const char* name = "asin";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::k<V>(1) / dm::sqrt(dm::k<V>(1) - x * x);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::asin(x);
  }
  template <class B>
  static B packet(const B& x) {
    return xsimd::asin(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise asin(x); nan outside [-1, 1].
template <Expression X>
auto asin(X&& x) {
  return make_map<op::Asin>(std::forward<X>(x));
}
}  // namespace ctorch
