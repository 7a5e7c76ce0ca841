// ctorch/ops/pointwise/round.hpp: round (torch.round), rounds half to even: 0.5 -> 0, 1.5 -> 2, -2.5 -> -2.
// Shape: same. dtype: unchanged (integers are returned as they are; bool is an error, as in PyTorch).
// Gradient: 0.
#pragma once
#include <cmath>
#include <type_traits>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Round : arith_op<Round> {
  static constexpr const char* name = "round";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::zero_like(x);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    static_assert(!std::is_same_v<T, bool>, "ctorch: round: not implemented for bool tensors (as in PyTorch)");
    if constexpr (std::is_integral_v<T>)
      return x;
    else
      return std::nearbyint(x);
  }
  template <class B>
  static B packet(const B& x) {
    if constexpr (std::is_integral_v<typename B::value_type>)
      return x;
    else
      return xsimd::nearbyint(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise round(x), half to even (std::nearbyint in the default rounding mode).
template <Expression X>
auto round(X&& x) {
  return make_map<op::Round>(std::forward<X>(x));
}
}  // namespace ctorch
