// ctorch/ops/pointwise/rsqrt.hpp: rsqrt (torch.rsqrt), 1 / sqrt(x) in two correctly rounded steps, as
// PyTorch computes it (not xsimd's approximate rsqrt).
// Shape: same. dtype: integers and bool become float32. Gradient: grad * -1 / (2 x^(3/2)).
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Rsqrt : float_op<Rsqrt> {
  static constexpr const char* name = "rsqrt";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::k<V>(-0.5) * y * y * y;
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return T(1) / std::sqrt(x);
  }
  template <class B>
  static B packet(const B& x) {
    using T = typename B::value_type;
    return B(T(1)) / xsimd::sqrt(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise rsqrt(x).
template <Expression X>
auto rsqrt(X&& x) {
  return make_map<op::Rsqrt>(std::forward<X>(x));
}
}  // namespace ctorch
