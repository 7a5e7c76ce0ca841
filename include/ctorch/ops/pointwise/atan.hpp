// ctorch/ops/pointwise/atan.hpp: atan (torch.atan), the elementwise arctangent.
// Shape: same. dtype: integers and bool become float32. Gradient: grad * 1 / (1 + x^2).
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Atan : float_op<Atan> {
  static constexpr const char* name = "atan";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::k<V>(1) / (dm::k<V>(1) + x * x);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::atan(x);
  }
  template <class B>
  static B packet(const B& x) {
    return xsimd::atan(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise atan(x).
template <Expression X>
auto atan(X&& x) {
  return make_map<op::Atan>(std::forward<X>(x));
}
}  // namespace ctorch
