// ctorch/ops/pointwise/exp.hpp: exp (torch.exp), e^x.
// Shape: same. dtype: integers and bool become float32. Gradient: grad * exp(x).
#pragma once
#include <cmath>
#include <type_traits>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Exp : float_op<Exp> {
  static constexpr const char* name = "exp";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return y;
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::exp(x);
  }
  // xsimd 8.1's exp overflows early for float (inf from x > 88.38, where e^x is finite up to 88.72) and
  // flushes double results below DBL_MIN to 0 (x < -708.4); lanes beyond [lo, hi] take exp(x / 2)^2,
  // which is within 2 ulp there. Lanes inside take xsimd's exp unchanged.
  template <class B>
  static B packet(const B& x) {
    using T = typename B::value_type;
    constexpr bool f32 = std::is_same_v<T, float>;
    const B lo(f32 ? T(-87) : T(-708)), hi(f32 ? T(88) : T(709));
    B r = xsimd::exp(x);
    const auto edge = (x > hi) || (x < lo);
    if (xsimd::any(edge)) {
      const B h = xsimd::exp(x * B(T(0.5)));
      r = xsimd::select(edge, h * h, r);
    }
    return r;
  }
};
}  // namespace op

// ensures: a lazy elementwise e^x (inf for large x, 0 for -inf).
template <Expression X>
auto exp(X&& x) {
  return make_map<op::Exp>(std::forward<X>(x));
}
}  // namespace ctorch
