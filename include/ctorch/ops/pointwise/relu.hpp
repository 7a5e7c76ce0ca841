// ctorch/ops/pointwise/relu.hpp: relu (torch.relu, nn.functional.relu), max(x, 0); NaN stays NaN.
// Shape: same. dtype: same (bool not supported, as PyTorch). Gradient: 1 where y > 0, else 0.
#pragma once
#include "../../core/simd.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Relu : arith_op<Relu> {
  static constexpr const char* name = "relu";
  // The derivative below reads only y, so a producer may keep y alone (nn::Linear's fused epilogue).
  static constexpr bool d_from_result = true;
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V&) {
    return dm::where(y > dm::k<V>(0), dm::k<V>(1), dm::k<V>(0));
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    static_assert(!std::is_same_v<T, bool>, "ctorch: relu: not implemented for bool tensors (as in PyTorch)");
    return x < T(0) ? T(0) : x;
  }
  template <class B>
  static B packet(const B& x) {
    using T = typename B::value_type;
    return xsimd::select(x < B(T(0)), B(T(0)), x);
  }
};
}  // namespace op

// ensures: a lazy elementwise max(x, 0).
template <Expression X>
auto relu(X&& x) {
  return make_map<op::Relu>(std::forward<X>(x));
}
}  // namespace ctorch
