// ctorch/ops/sorting/isclose.hpp: isclose (torch.isclose): whether a and b are close, elementwise:
// a == b, or both finite-distance with |a - b| <= atol + rtol * |b|; with equal_nan, NaN is close to NaN.
// A lazy bool expression (fused like any pointwise op). Shape: broadcast of a and b (a compile error /
// shape_error otherwise). a and b must share a dtype, as in PyTorch (a compile error otherwise); rtol
// and atol must be >= 0 (value_error). Gradient: none.
#pragma once
#include <cmath>

#include "../../expr/map.hpp"
#include "common.hpp"

namespace ctorch {
namespace op {
// close(a, b, rtol, atol, equal_nan) in the operands' (floating) dtype.
struct IscloseOp : predicate_op<IscloseOp> {
  static constexpr const char* name = "isclose";
  template <class T>
  CTORCH_HD static bool f(T a, T b, T rtol, T atol, T equal_nan) {
    if (a == b) return true;
    if (equal_nan != T(0) && a != a && b != b) return true;
    const T diff = std::fabs(a - b);
    return std::isfinite(diff) && diff <= atol + std::fabs(rtol * b);
  }
};
}  // namespace op

// requires: a, b expressions of one dtype, broadcastable; rtol, atol >= 0 (value_error). ensures: a lazy
// bool expression, true where a and b are close. Floating operands are compared in their dtype (rtol and
// atol converted to it), integer and bool ones in double.
template <Expression A, Expression B>
auto isclose(A&& a, B&& b, double rtol = 1e-05, double atol = 1e-08, bool equal_nan = false) {
  using TA = std::remove_const_t<typename std::remove_cvref_t<A>::value_type>;
  using TB = std::remove_const_t<typename std::remove_cvref_t<B>::value_type>;
  static_assert(std::is_same_v<TA, TB>, "ctorch: isclose: a and b must have the same dtype, as in PyTorch");
  if (!(rtol >= 0))
    throw value_error("ctorch: isclose: rtol must be greater than or equal to zero, but got " + std::to_string(rtol));
  if (!(atol >= 0))
    throw value_error("ctorch: isclose: atol must be greater than or equal to zero, but got " + std::to_string(atol));
  const double en = equal_nan ? 1.0 : 0.0;
  if constexpr (std::is_floating_point_v<TA>)
    return make_map<op::IscloseOp>(std::forward<A>(a), std::forward<B>(b), rtol, atol, en);
  else
    return make_map<op::IscloseOp>(cast<double>(std::forward<A>(a)), cast<double>(std::forward<B>(b)), rtol, atol, en);
}

}  // namespace ctorch
