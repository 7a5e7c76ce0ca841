// ctorch/ops/pointwise/floor.hpp: floor (torch.floor), rounds down.
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
struct Floor : arith_op<Floor> {
  static constexpr const char* name = "floor";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::zero_like(x);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    static_assert(!std::is_same_v<T, bool>, "ctorch: floor: not implemented for bool tensors (as in PyTorch)");
    if constexpr (std::is_integral_v<T>)
      return x;
    else
      return std::floor(x);
  }
  template <class B>
  static B packet(const B& x) {
    if constexpr (std::is_integral_v<typename B::value_type>)
      return x;
    else
      return xsimd::floor(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise floor(x) (rounds down; inf, nan and -0.0 are kept).
template <Expression X>
auto floor(X&& x) {
  return make_map<op::Floor>(std::forward<X>(x));
}
}  // namespace ctorch
