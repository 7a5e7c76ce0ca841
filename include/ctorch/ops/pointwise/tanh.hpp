// ctorch/ops/pointwise/tanh.hpp: tanh (torch.tanh).
// Shape: same. dtype: integers become float32. Gradient: 1 - tanh(x)^2.
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Tanh : float_op<Tanh> {
  static constexpr const char* name = "tanh";
  // The derivative below reads only y, so a producer may keep y alone (nn::Linear's fused epilogue).
  static constexpr bool d_from_result = true;
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::k<V>(1) - y * y;
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::tanh(x);
  }
  template <class B>
  static B packet(const B& x) {
    return xsimd::tanh(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise tanh(x).
template <Expression X>
auto tanh(X&& x) {
  return make_map<op::Tanh>(std::forward<X>(x));
}
}  // namespace ctorch
