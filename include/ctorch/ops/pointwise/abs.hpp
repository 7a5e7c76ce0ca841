// ctorch/ops/pointwise/abs.hpp: abs (torch.abs), |x|.
// Shape: same. dtype: unchanged (integers stay integers; bool is an error, as in PyTorch).
// Gradient: grad * sign(x).
#pragma once
#include <cmath>
#include <type_traits>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Abs : arith_op<Abs> {
  static constexpr const char* name = "abs";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::sign(x);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    static_assert(!std::is_same_v<T, bool>, "ctorch: abs: not implemented for bool tensors (as in PyTorch)");
    if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      return x < 0 ? T(U(0) - U(x)) : x;  // wraps for the minimum integer, as PyTorch does (no UB)
    } else {
      return std::fabs(x);
    }
  }
  template <class B>
  static B packet(const B& x) {
    return xsimd::abs(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise |x| (abs(-0.0) is +0.0, abs(nan) is nan).
template <Expression X>
auto abs(X&& x) {
  return make_map<op::Abs>(std::forward<X>(x));
}
}  // namespace ctorch
