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
