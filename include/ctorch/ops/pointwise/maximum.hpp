// ctorch/ops/pointwise/maximum.hpp: maximum (torch.maximum), the elementwise larger value, NaN-propagating.
// Shape: broadcast. dtype: promotion. Gradient: grad to the larger operand (split evenly on ties).
#pragma once
#include <type_traits>

#include "../../core/simd.hpp"

#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Maximum : arith_op<Maximum> {
  static constexpr const char* name = "maximum";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& a, const V& b) {
    (void)y, (void)a, (void)b;
    // PyTorch splits a tie evenly between the two operands.
    const V one = dm::k<V>(1), half = dm::k<V>(0.5), zero = dm::k<V>(0);
    if constexpr (I == 0) return dm::where(a > b, one, dm::where(a == b, half, zero));
    else return dm::where(b > a, one, dm::where(a == b, half, zero));
  }
  template <class T>
  CTORCH_HD static T f(T a, T b) {
    if constexpr (std::is_floating_point_v<T>)
      if (a != a || b != b) return a + b;  // nan
    return a < b ? b : a;                  // std::max, as PyTorch's scalar path
  }
  template <class B>
  static B packet(const B& a, const B& b) {
    if constexpr (std::is_floating_point_v<typename B::value_type>)
      return xsimd::select(xsimd::isnan(a) || xsimd::isnan(b), a + b, xsimd::max(a, b));
    else
      return xsimd::max(a, b);
  }
};
}  // namespace op

// requires: a and b broadcast. ensures: a lazy elementwise max(a, b); nan where either is nan.
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto maximum(A&& a, B&& b) {
  return make_map<op::Maximum>(std::forward<A>(a), std::forward<B>(b));
}
}  // namespace ctorch
