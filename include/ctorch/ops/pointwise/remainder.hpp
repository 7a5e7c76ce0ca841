// ctorch/ops/pointwise/remainder.hpp: remainder (torch.remainder), Python's a % b: the sign of b.
// Shape: broadcast. dtype: promotion (integers stay integers).
// Gradient: d/da = 1, d/db = -floor(a / b).
#pragma once
#include <cmath>
#include <type_traits>

#include "../../core/simd.hpp"

#include "../../expr/map.hpp"
#include "fmod.hpp"

namespace ctorch {
namespace op {
struct Remainder : arith_op<Remainder> {
  static constexpr const char* name = "remainder";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& a, const V& b) {
    (void)y, (void)a, (void)b;
    if constexpr (I == 0) return dm::k<V>(1);
    else return -((a - y) / b);  // -floor(a / b)
  }
  // PyTorch's definition: m = fmod(a, b), moved by b when it is nonzero and its sign differs from b's.
  template <class T>
  CTORCH_HD static T f(T a, T b) {
    static_assert(!std::is_same_v<T, bool>, "ctorch: remainder: not implemented for bool tensors (as in PyTorch)");
    T m;
    if constexpr (std::is_integral_v<T>)
      m = detail::int_fmod(a, b);
    else
      m = std::fmod(a, b);
    return (m != T(0) && ((b < T(0)) != (m < T(0)))) ? T(m + b) : m;
  }
  template <class B>
    requires std::is_floating_point_v<typename B::value_type>
  static B packet(const B& a, const B& b) {
    const B zero(typename B::value_type(0));
    const B m = detail::packet_fmod(a, b);
    return xsimd::select(((m < zero) && (b > zero)) || ((m > zero) && (b < zero)), m + b, m);
  }
};
}  // namespace op

// requires: a and b broadcast. ensures: a lazy elementwise a - floor(a / b) * b computed as PyTorch
// does (exact fmod, then moved by b), with b's sign. Integer b == 0 gives 0 (PyTorch raises).
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto remainder(A&& a, B&& b) {
  return make_map<op::Remainder>(std::forward<A>(a), std::forward<B>(b));
}
}  // namespace ctorch
