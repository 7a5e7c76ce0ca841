// ctorch/ops/pointwise/reciprocal.hpp: reciprocal (torch.reciprocal), 1 / x as a correctly rounded division,
// as PyTorch computes it (not xsimd's approximate reciprocal).
// Shape: same. dtype: integers and bool become float32. Gradient: grad * -1 / x^2.
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Reciprocal : float_op<Reciprocal> {
  static constexpr const char* name = "reciprocal";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return -(y * y);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return T(1) / x;
  }
  template <class B>
  static B packet(const B& x) {
    using T = typename B::value_type;
    return B(T(1)) / x;
  }
};
}  // namespace op

// ensures: a lazy elementwise reciprocal(x).
template <Expression X>
auto reciprocal(X&& x) {
  return make_map<op::Reciprocal>(std::forward<X>(x));
}
}  // namespace ctorch
