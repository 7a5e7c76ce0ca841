// ctorch/ops/pointwise/minimum.hpp: minimum (torch.minimum), the elementwise smaller value, NaN-propagating.
// Shape: broadcast. dtype: promotion. Gradient: grad to the smaller operand (split evenly on ties).
#pragma once
#include <type_traits>

#include "../../core/simd.hpp"

#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Minimum : arith_op<Minimum> {
  static constexpr const char* name = "minimum";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& a, const V& b) {
    (void)y, (void)a, (void)b;
    const V one = dm::k<V>(1), half = dm::k<V>(0.5), zero = dm::k<V>(0);
    if constexpr (I == 0) return dm::where(a < b, one, dm::where(a == b, half, zero));
    else return dm::where(b < a, one, dm::where(a == b, half, zero));
  }
  template <class T>
  CTORCH_HD static T f(T a, T b) {
    if constexpr (std::is_floating_point_v<T>)
      if (a != a || b != b) return a + b;  // nan
    return b < a ? b : a;                  // std::min, as PyTorch's scalar path
  }
  template <class B>
  static B packet(const B& a, const B& b) {
    if constexpr (std::is_floating_point_v<typename B::value_type>)
      return xsimd::select(xsimd::isnan(a) || xsimd::isnan(b), a + b, xsimd::min(a, b));
    else
      return xsimd::min(a, b);
  }
};
}  // namespace op

// requires: a and b broadcast. ensures: a lazy elementwise min(a, b); nan where either is nan.
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto minimum(A&& a, B&& b) {
  return make_map<op::Minimum>(std::forward<A>(a), std::forward<B>(b));
}
}  // namespace ctorch
