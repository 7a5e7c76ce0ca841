// ctorch/ops/pointwise/sigmoid.hpp: sigmoid (torch.sigmoid), 1 / (1 + exp(-x)).
// Shape: same. dtype: integers become float32. Gradient: s * (1 - s).
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Sigmoid : float_op<Sigmoid> {
  static constexpr const char* name = "sigmoid";
  // The derivative below reads only y, so a producer may keep y alone (nn::Linear's fused epilogue).
  static constexpr bool d_from_result = true;
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return y * (dm::k<V>(1) - y);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return T(1) / (T(1) + std::exp(-x));
  }
  template <class B>
  CTORCH_ALWAYS_INLINE static B packet(const B& x) {
    using T = typename B::value_type;
    return B(T(1)) / (B(T(1)) + xsimd::exp(-x));
  }
};
}  // namespace op

// ensures: a lazy elementwise sigmoid(x).
template <Expression X>
auto sigmoid(X&& x) {
  return make_map<op::Sigmoid>(std::forward<X>(x));
}
}  // namespace ctorch
