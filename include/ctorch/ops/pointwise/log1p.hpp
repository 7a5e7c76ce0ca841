// ctorch/ops/pointwise/log1p.hpp: log1p (torch.log1p), the elementwise natural logarithm of 1 + x.
// Shape: same. dtype: integers and bool become float32. Gradient: grad * 1 / (1 + x).
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Log1p : float_op<Log1p> {
  static constexpr const char* name = "log1p";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::k<V>(1) / (x + dm::k<V>(1));
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::log1p(x);
  }
  template <class B>
  static B packet(const B& x) {
    return xsimd::log1p(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise log1p(x); nan below -1, -inf at -1.
template <Expression X>
auto log1p(X&& x) {
  return make_map<op::Log1p>(std::forward<X>(x));
}
}  // namespace ctorch
