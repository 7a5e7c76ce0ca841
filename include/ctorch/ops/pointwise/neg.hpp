// ctorch/ops/pointwise/neg.hpp: neg (torch.neg, torch.negative) and unary operator-, -x.
// Shape: same. dtype: unchanged (bool is an error, as in PyTorch). Gradient: -grad.
#pragma once
#include <type_traits>

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Neg : arith_op<Neg> {
  static constexpr const char* name = "neg";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return -dm::k<V>(1);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    static_assert(!std::is_same_v<T, bool>,
                  "ctorch: neg: negation of a bool tensor is not supported (as in PyTorch); use logical_not");
    if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      return T(U(0) - U(x));  // wraps for the minimum integer, as PyTorch does (no UB)
    } else {
      return -x;
    }
  }
  template <class B>
  static B packet(const B& x) {
    return -x;
  }
};
}  // namespace op

// ensures: a lazy elementwise -x.
template <Expression X>
auto neg(X&& x) {
  return make_map<op::Neg>(std::forward<X>(x));
}
// ensures: a lazy elementwise -x (torch.negative).
template <Expression X>
auto negative(X&& x) {
  return neg(std::forward<X>(x));
}
// ensures: a lazy elementwise -x.
template <Expression X>
auto operator-(X&& x) {
  return neg(std::forward<X>(x));
}
}  // namespace ctorch
