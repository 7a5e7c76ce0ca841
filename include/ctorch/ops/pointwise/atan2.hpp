// ctorch/ops/pointwise/atan2.hpp: atan2 (torch.atan2, torch.arctan2), the angle of the point (other, input).
// Shape: broadcast. dtype: promotion, integers and bool become float32.
// Gradient: d/da = b / (a^2 + b^2), d/db = -a / (a^2 + b^2).
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Atan2 : float_op<Atan2> {
  static constexpr const char* name = "atan2";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& a, const V& b) {
    (void)y, (void)a, (void)b;
    if constexpr (I == 0) return b / (a * a + b * b);
    else return -a / (a * a + b * b);
  }
  template <class T>
  CTORCH_HD static T f(T a, T b) {
    return std::atan2(a, b);
  }
  // xsimd 8.1's atan2 gives nan for two zeros and for two infinities; those lanes get C's values:
  // atan2(+-0, +0) = +-0, atan2(+-0, -0) = +-pi, atan2(+-inf, +inf) = +-pi/4, atan2(+-inf, -inf) = +-3pi/4.
  template <class B>
  static B packet(const B& a, const B& b) {
    using T = typename B::value_type;
    B r = xsimd::atan2(a, b);
    const auto zeros = (a == B(T(0))) && (b == B(T(0)));
    const auto infs = xsimd::isinf(a) && xsimd::isinf(b);
    if (xsimd::any(zeros || infs)) {
      const B pi(T(3.141592653589793238)), one(T(1));
      const auto bneg = xsimd::copysign(one, b) < B(T(0));
      const B z = xsimd::select(bneg, pi, B(T(0)));
      const B i = xsimd::select(bneg, B(T(2.356194490192344929)), B(T(0.7853981633974483096)));
      r = xsimd::select(zeros, xsimd::copysign(z, a), xsimd::select(infs, xsimd::copysign(i, a), r));
    }
    return r;
  }
};
}  // namespace op

// requires: a and b broadcast. ensures: a lazy elementwise atan2(a, b) in [-pi, pi] (C's atan2 for signed zeros and
// infinities).
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto atan2(A&& a, B&& b) {
  return make_map<op::Atan2>(std::forward<A>(a), std::forward<B>(b));
}
// ensures: atan2(a, b) (torch.arctan2).
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto arctan2(A&& a, B&& b) {
  return atan2(std::forward<A>(a), std::forward<B>(b));
}
}  // namespace ctorch
