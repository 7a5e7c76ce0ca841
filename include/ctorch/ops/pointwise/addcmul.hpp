// ctorch/ops/pointwise/addcmul.hpp: addcmul (torch.addcmul), input + value * t1 * t2.
// Shape: broadcast of the three tensors. dtype: promotion of the tensors; value is converted to it
// (so an integer input truncates a fractional value, as PyTorch does).
// Gradient: d/dinput = 1, d/dt1 = value * t2, d/dt2 = value * t1.
#pragma once
#include <cmath>
#include <type_traits>

#include "../../core/simd.hpp"

#include "../../expr/map.hpp"
#include "../../core/packet_fma.hpp"

namespace ctorch {
namespace op {
struct Addcmul : arith_op<Addcmul> {
  static constexpr const char* name = "addcmul";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& self, const V& t1, const V& t2, const V& value) {
    (void)y;
    (void)self;
    if constexpr (I == 0) return dm::k<V>(1);
    else if constexpr (I == 1) return value * t2;
    else if constexpr (I == 2) return value * t1;
    else return t1 * t2;
  }
  template <class T>
  CTORCH_HD static T f(T self, T t1, T t2, T value) {
    static_assert(!std::is_same_v<T, bool>, "ctorch: addcmul: not implemented for bool tensors");
    if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      return T(U(self) + U(value) * U(t1) * U(t2));  // wraps on overflow (no UB)
    } else {
      return std::fma(value * t1, t2, self);  // as PyTorch's kernel (compiled with FMA contraction) computes it
    }
  }
  template <class B>
  static B packet(const B& self, const B& t1, const B& t2, const B& value) {
    if constexpr (std::is_integral_v<typename B::value_type>)
      return self + value * t1 * t2;
    else
      return detail::packet_fma(value * t1, t2, self);
  }
};
}  // namespace op

// requires: input, t1 and t2 broadcast. ensures: a lazy input + value * t1 * t2.
template <Expression I, Expression A, Expression B, Arithmetic V = int>
auto addcmul(I&& input, A&& t1, B&& t2, V value = 1) {
  using T = promote_all_t<typename std::remove_cvref_t<I>::value_type, typename std::remove_cvref_t<A>::value_type,
                          typename std::remove_cvref_t<B>::value_type>;
  return make_map<op::Addcmul>(std::forward<I>(input), std::forward<A>(t1), std::forward<B>(t2),
                               Scalar<T>(static_cast<T>(value)));
}
}  // namespace ctorch
