// ctorch/ops/pointwise/acos.hpp: acos (torch.acos), the elementwise arccosine.
// Shape: same. dtype: integers and bool become float32. Gradient: grad * -1 / sqrt(1 - x^2).
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Acos : float_op<Acos> {
  static constexpr const char* name = "acos";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return -dm::k<V>(1) / dm::sqrt(dm::k<V>(1) - x * x);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::acos(x);
  }
  template <class B>
  static B packet(const B& x) {
    return xsimd::acos(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise acos(x); nan outside [-1, 1].
template <Expression X>
auto acos(X&& x) {
  return make_map<op::Acos>(std::forward<X>(x));
}
}  // namespace ctorch
