// ctorch/ops/pointwise/erf.hpp: erf (torch.erf), the elementwise error function.
// Shape: same. dtype: integers and bool become float32. Gradient: grad * 2 / sqrt(pi) * exp(-x^2).
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Erf : float_op<Erf> {
  static constexpr const char* name = "erf";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::k<V>(1.1283791670955126) * dm::exp(-x * x);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::erf(x);
  }
  template <class B>
  static B packet(const B& x) {
    return xsimd::erf(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise erf(x).
template <Expression X>
auto erf(X&& x) {
  return make_map<op::Erf>(std::forward<X>(x));
}
}  // namespace ctorch
