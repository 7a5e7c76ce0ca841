// ctorch/ops/pointwise/log10.hpp: log10 (torch.log10), the base-10 logarithm.
// Shape: same. dtype: integers and bool become float32. Gradient: grad / (x ln 10).
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"
#include "log.hpp"

namespace ctorch {
namespace op {
struct Log10 : float_op<Log10> {
  static constexpr const char* name = "log10";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::k<V>(1) / (x * dm::k<V>(2.302585092994046));
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::log10(x);
  }
  template <class B>
  static B packet(const B& x) {
    return ctorch::detail::log_subnormal_safe(
        x, [](const B& v) { return xsimd::log10(v); }, typename B::value_type(54 * 0.30102999566398119521));
  }
};
}  // namespace op

// ensures: a lazy elementwise base-10 logarithm (nan below 0, -inf at 0).
template <Expression X>
auto log10(X&& x) {
  return make_map<op::Log10>(std::forward<X>(x));
}
}  // namespace ctorch
