// ctorch/ops/pointwise/sqrt.hpp: sqrt (torch.sqrt), the elementwise square root.
// Shape: same. dtype: integers and bool become float32. Gradient: grad * 1 / (2 sqrt(x)).
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Sqrt : float_op<Sqrt> {
  static constexpr const char* name = "sqrt";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::k<V>(0.5) / y;
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::sqrt(x);
  }
  template <class B>
  static B packet(const B& x) {
    return xsimd::sqrt(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise sqrt(x); nan below 0 (correctly rounded, as PyTorch).
template <Expression X>
auto sqrt(X&& x) {
  return make_map<op::Sqrt>(std::forward<X>(x));
}
}  // namespace ctorch
