// ctorch/ops/pointwise/log2.hpp: log2 (torch.log2), the base-2 logarithm.
// Shape: same. dtype: integers and bool become float32. Gradient: grad / (x ln 2).
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"
#include "log.hpp"

namespace ctorch {
namespace op {
struct Log2 : float_op<Log2> {
  static constexpr const char* name = "log2";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::k<V>(1) / (x * dm::k<V>(0.69314718055994531));
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::log2(x);
  }
  template <class B>
  static B packet(const B& x) {
    return ctorch::detail::log_subnormal_safe(
        x, [](const B& v) { return xsimd::log2(v); }, typename B::value_type(54.0));
  }
};
}  // namespace op

// ensures: a lazy elementwise base-2 logarithm (nan below 0, -inf at 0).
template <Expression X>
auto log2(X&& x) {
  return make_map<op::Log2>(std::forward<X>(x));
}
}  // namespace ctorch
