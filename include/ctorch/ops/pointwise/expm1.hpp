// ctorch/ops/pointwise/expm1.hpp: expm1 (torch.expm1), e^x - 1, accurate for small x.
// Shape: same. dtype: integers and bool become float32. Gradient: grad * exp(x).
#pragma once
#include <cmath>
#include <type_traits>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"
#include "exp.hpp"

namespace ctorch {
namespace op {
struct Expm1 : float_op<Expm1> {
  static constexpr const char* name = "expm1";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return y + dm::k<V>(1);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::expm1(x);
  }
  // xsimd 8.1's expm1 overflows early for float like its exp (see exp.hpp); where e^x - 1 rounds to
  // e^x (x > 88 for float, x > 709 for double) the lanes take Exp's corrected packet.
  template <class B>
  static B packet(const B& x) {
    using T = typename B::value_type;
    const B hi(std::is_same_v<T, float> ? T(88) : T(709));
    B r = xsimd::expm1(x);
    const auto edge = x > hi;
    if (xsimd::any(edge)) r = xsimd::select(edge, Exp::packet(x), r);
    return r;
  }
};
}  // namespace op

// ensures: a lazy elementwise e^x - 1.
template <Expression X>
auto expm1(X&& x) {
  return make_map<op::Expm1>(std::forward<X>(x));
}
}  // namespace ctorch
