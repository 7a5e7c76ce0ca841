// ctorch/ops/pointwise/ceil.hpp: ceil (torch.ceil), rounds up.
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
struct Ceil : arith_op<Ceil> {
  static constexpr const char* name = "ceil";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::zero_like(x);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    static_assert(!std::is_same_v<T, bool>, "ctorch: ceil: not implemented for bool tensors (as in PyTorch)");
    if constexpr (std::is_integral_v<T>)
      return x;
    else
      return std::ceil(x);
  }
  template <class B>
  static B packet(const B& x) {
    if constexpr (std::is_integral_v<typename B::value_type>)
      return x;
    else
      return xsimd::ceil(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise ceil(x) (rounds up; inf, nan and -0.0 are kept).
template <Expression X>
auto ceil(X&& x) {
  return make_map<op::Ceil>(std::forward<X>(x));
}
}  // namespace ctorch
