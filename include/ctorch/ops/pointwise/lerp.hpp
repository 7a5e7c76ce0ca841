// ctorch/ops/pointwise/lerp.hpp: lerp (torch.lerp), start + weight * (end - start), weight a tensor or a number.
// Shape: broadcast of the three. dtype: floating point only (promotion between the operands; PyTorch
// requires start and end to share a dtype). Gradient: d/dstart = 1 - w, d/dend = w, d/dw = end - start.
#pragma once
#include <cmath>
#include <type_traits>

#include "../../core/simd.hpp"

#include "../../expr/map.hpp"
#include "../../core/packet_fma.hpp"

namespace ctorch {
namespace op {
// PyTorch 1.13's form, exact at both ends: w < 0.5 ? start + w (end - start) : end - (end - start)(1 - w)
// (w, not |w|: a large negative weight takes the first form), evaluated as one fma.
struct Lerp : arith_op<Lerp> {
  static constexpr const char* name = "lerp";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& start, const V& end, const V& w) {
    (void)y;
    if constexpr (I == 0) return dm::k<V>(1) - w;
    else if constexpr (I == 1) return w;
    else return end - start;
  }
  template <class T>
  CTORCH_HD static T f(T start, T end, T w) {
    static_assert(std::is_floating_point_v<T>, "ctorch: lerp: only floating point tensors (as in PyTorch)");
    const bool small = w < T(0.5);
    return std::fma(small ? w : w - T(1), end - start, small ? start : end);
  }
  template <class B>
  static B packet(const B& start, const B& end, const B& w) {
    using T = typename B::value_type;
    const auto small = w < B(T(0.5));
    return detail::packet_fma(xsimd::select(small, w, w - B(T(1))), end - start, xsimd::select(small, start, end));
  }
};
}  // namespace op

// requires: floating point start/end; start, end and weight broadcast. ensures: a lazy linear interpolation.
template <Operand S, Operand E, Operand W>
  requires(Expression<S> || Expression<E>)
auto lerp(S&& start, E&& end, W&& weight) {
  return make_map<op::Lerp>(std::forward<S>(start), std::forward<E>(end), std::forward<W>(weight));
}
}  // namespace ctorch
