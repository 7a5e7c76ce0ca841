// ctorch/ops/pointwise/square.hpp: square (torch.square), x * x.
// Shape: same. dtype: unchanged, except bool becomes int64 (torch.square is pow(x, 2)).
// Gradient: grad * 2x.
#pragma once
#include <type_traits>

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Square {
  static constexpr const char* name = "square";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::k<V>(2) * x;
  }
  template <class T>
  using compute_t = std::conditional_t<std::is_same_v<T, bool>, std::int64_t, T>;
  template <class T>
  using result_t = compute_t<T>;
  template <class T>
  CTORCH_HD static compute_t<T> apply(T x) {
    return f(static_cast<compute_t<T>>(x));
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      return T(U(x) * U(x));  // wraps on overflow, as PyTorch does (no UB)
    } else {
      return x * x;
    }
  }
  template <class B>
  static B packet(const B& x) {
    return x * x;
  }
};
}  // namespace op

// ensures: a lazy elementwise x * x.
template <Expression X>
auto square(X&& x) {
  return make_map<op::Square>(std::forward<X>(x));
}
}  // namespace ctorch
