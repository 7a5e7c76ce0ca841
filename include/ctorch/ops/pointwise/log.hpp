// ctorch/ops/pointwise/log.hpp: log (torch.log), the natural logarithm.
// Shape: same. dtype: integers and bool become float32. Gradient: grad / x.
#pragma once
#include <cmath>
#include <limits>
#include <type_traits>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace detail {
// xsimd 8.1's double log, log2 and log10 misread subnormal inputs (log(4.9e-324) comes out as -746.5
// instead of -744.4); such lanes are scaled by 2^54 first and the logarithm of 2^54 is subtracted
// (`shift` is that logarithm in the function's base). Float inputs are handled by xsimd itself.
template <class B, class F>
B log_subnormal_safe(const B& x, F&& fn, typename B::value_type shift) {
  using T = typename B::value_type;
  if constexpr (std::is_same_v<T, double>) {
    const auto sub = (x > B(T(0))) && (x < B(std::numeric_limits<T>::min()));
    if (xsimd::any(sub)) return xsimd::select(sub, fn(x * B(T(0x1p54))) - B(shift), fn(x));
  }
  return fn(x);
}
}  // namespace detail

namespace op {
struct Log : float_op<Log> {
  static constexpr const char* name = "log";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::k<V>(1) / x;
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::log(x);
  }
  template <class B>
  static B packet(const B& x) {
    return ctorch::detail::log_subnormal_safe(
        x, [](const B& v) { return xsimd::log(v); }, typename B::value_type(54 * 0.69314718055994530942));
  }
};
}  // namespace op

// ensures: a lazy elementwise natural logarithm (nan below 0, -inf at 0).
template <Expression X>
auto log(X&& x) {
  return make_map<op::Log>(std::forward<X>(x));
}
}  // namespace ctorch
