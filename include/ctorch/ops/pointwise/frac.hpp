// ctorch/ops/pointwise/frac.hpp: frac (torch.frac), x - trunc(x), the fractional part with x's sign.
// Shape: same. dtype: floating point only (integer and bool tensors are an error, as in PyTorch).
// Gradient: grad.
#pragma once
#include <cmath>
#include <type_traits>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Frac : arith_op<Frac> {
  static constexpr const char* name = "frac";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::k<V>(1);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    static_assert(std::is_floating_point_v<T>, "ctorch: frac: only floating point tensors (as in PyTorch)");
    return x - std::trunc(x);
  }
  template <class B>
  static B packet(const B& x) {
    return x - xsimd::trunc(x);
  }
};
}  // namespace op

// requires: a floating point x. ensures: a lazy elementwise x - trunc(x) (nan for +-inf, as PyTorch).
template <Expression X>
auto frac(X&& x) {
  return make_map<op::Frac>(std::forward<X>(x));
}
}  // namespace ctorch
