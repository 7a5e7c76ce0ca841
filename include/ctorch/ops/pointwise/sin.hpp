// ctorch/ops/pointwise/sin.hpp: sin (torch.sin), the elementwise sine.
// Shape: same. dtype: integers and bool become float32. Gradient: grad * cos(x).
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Sin : float_op<Sin> {
  static constexpr const char* name = "sin";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::cos(x);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::sin(x);
  }
  template <class B>
  static B packet(const B& x) {
    return xsimd::sin(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise sin(x).
template <Expression X>
auto sin(X&& x) {
  return make_map<op::Sin>(std::forward<X>(x));
}
}  // namespace ctorch
