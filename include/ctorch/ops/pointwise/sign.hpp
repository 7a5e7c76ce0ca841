// ctorch/ops/pointwise/sign.hpp: sign (torch.sign): -1, 0 or 1.
// Shape: same. dtype: unchanged (sign of a bool tensor is itself). Gradient: 0.
#pragma once
#include <type_traits>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Sign : arith_op<Sign> {
  static constexpr const char* name = "sign";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::zero_like(x);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    if constexpr (std::is_same_v<T, bool>)
      return x;
    else
      return T(T(0) < x) - T(x < T(0));  // sign(nan) is 0 and sign(-0.0) is +0.0, as PyTorch
  }
  template <class B>
  static B packet(const B& x) {
    using T = typename B::value_type;
    const B zero(T(0)), one(T(1));
    return xsimd::select(x > zero, one, zero) - xsimd::select(x < zero, one, zero);
  }
};
}  // namespace op

// ensures: a lazy elementwise sign(x): 1 where x > 0, -1 where x < 0, 0 elsewhere (0, -0 and nan).
template <Expression X>
auto sign(X&& x) {
  return make_map<op::Sign>(std::forward<X>(x));
}
}  // namespace ctorch
