// ctorch/ops/pointwise/cos.hpp: cos (torch.cos), the elementwise cosine.
// Shape: same. dtype: integers and bool become float32. Gradient: grad * -sin(x).
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Cos : float_op<Cos> {
  static constexpr const char* name = "cos";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return -dm::sin(x);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::cos(x);
  }
  template <class B>
  static B packet(const B& x) {
    return xsimd::cos(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise cos(x).
template <Expression X>
auto cos(X&& x) {
  return make_map<op::Cos>(std::forward<X>(x));
}
}  // namespace ctorch
