// ctorch/ops/pointwise/fmod.hpp: fmod (torch.fmod), the C remainder a - trunc(a / b) * b, with a's sign.
// Shape: broadcast. dtype: promotion (integers stay integers). Gradient: d/da = 1, d/db = -trunc(a / b).
#pragma once
#include <cmath>
#include <limits>
#include <type_traits>

#include "../../core/simd.hpp"

#include "../../expr/map.hpp"
#include "../../core/packet_fma.hpp"

namespace ctorch {
namespace detail {

// Integer a % b without undefined behaviour. PyTorch raises ZeroDivisionError for b == 0; an element
// function cannot throw (it also runs on GPUs), so ctorch defines the result as 0 there.
template <class T>
CTORCH_HD T int_fmod(T a, T b) {
  if (b == 0 || b == T(-1)) return T(0);  // -1 also: INT_MIN % -1 overflows in C++
  return T(a % b);
}

// Exact floating fmod on xsimd batches. With q = trunc(fl(a / b)) and |q| < 2^(digits-1), q is the true
// quotient or one step further from zero (fl(a / b) can round up to the next integer, never below the
// true one), and fma(-q, b, a) is then exact, because a true fmod result is always representable. A
// result whose sign differs from a's reveals the extra step, and the lane is recomputed with q stepped
// back. Lanes with larger quotients, infinities or b == 0 are rare: the batch then goes lane by lane
// through std::fmod (the long division an exact result needs there; PyTorch's Sleef fmod does the same).
template <class B>
B packet_fmod(const B& a, const B& b) {
  using T = typename B::value_type;
  const B q = xsimd::trunc(a / b);
  const auto fast =
      (xsimd::abs(q) < B(T(std::uint64_t(1) << (std::numeric_limits<T>::digits - 1)))) && xsimd::isfinite(b);
  if (!xsimd::all(fast)) {
    alignas(64) T x[B::size], y[B::size];
    a.store_aligned(x);
    b.store_aligned(y);
    for (std::size_t i = 0; i < B::size; ++i) x[i] = std::fmod(x[i], y[i]);
    return B::load_aligned(x);
  }
  const B zero(T(0));
  B r = packet_fma(-q, b, a);
  // (xsimd 8.1's operator^ on AVX-512 batch_bool masks is unreliable: signs are compared with && and ||)
  const auto over = ((r < zero) && (a > zero)) || ((r > zero) && (a < zero));
  if (xsimd::any(over)) r = xsimd::select(over, packet_fma(-(q - xsimd::copysign(B(T(1)), q)), b, a), r);
  return xsimd::copysign(r, a);  // a zero result keeps a's sign, as C's fmod
}

}  // namespace detail

namespace op {
struct Fmod : arith_op<Fmod> {
  static constexpr const char* name = "fmod";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& a, const V& b) {
    (void)y, (void)a, (void)b;
    if constexpr (I == 0) return dm::k<V>(1);
    else return -((a - y) / b);  // -trunc(a / b)
  }
  template <class T>
  CTORCH_HD static T f(T a, T b) {
    static_assert(!std::is_same_v<T, bool>, "ctorch: fmod: not implemented for bool tensors (as in PyTorch)");
    if constexpr (std::is_integral_v<T>)
      return detail::int_fmod(a, b);
    else
      return std::fmod(a, b);
  }
  template <class B>
    requires std::is_floating_point_v<typename B::value_type>
  static B packet(const B& a, const B& b) { return detail::packet_fmod(a, b); }
};
}  // namespace op

// requires: a and b broadcast. ensures: a lazy elementwise fmod(a, b), exact, with a's sign (nan for
// b == 0 or infinite a; a for infinite b). Integer b == 0 gives 0 (PyTorch raises ZeroDivisionError).
template <Operand A, Operand B>
  requires(Expression<A> || Expression<B>)
auto fmod(A&& a, B&& b) {
  return make_map<op::Fmod>(std::forward<A>(a), std::forward<B>(b));
}
}  // namespace ctorch
