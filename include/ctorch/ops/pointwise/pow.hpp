// ctorch/ops/pointwise/pow.hpp: pow (torch.pow): tensor ^ tensor, tensor ^ scalar, scalar ^ tensor.
// Shape: broadcast. dtype: promotion with PyTorch's scalar rule (int ^ 2 stays int, int ^ 2.0 is float32).
// Gradient: d/da = b * a^(b - 1), d/db = a^b * log(a).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../../core/error.hpp"
#include "../../core/simd.hpp"

#include "../../expr/map.hpp"

namespace ctorch {
namespace detail {

// Integer power by squaring; wraps on overflow like PyTorch (unsigned arithmetic, no UB). A negative
// exponent gives PyTorch's integer answer: 1 for base 1, +-1 for base -1, 0 otherwise.
template <class T>
CTORCH_HD T int_pow(T a, T b) {
  if (b < 0) return a == 1 ? T(1) : a == T(-1) ? T((b & 1) ? -1 : 1) : T(0);
  using U = std::make_unsigned_t<T>;
  U r = 1, x = U(a);
  for (; b != 0; b >>= 1, x *= x)
    if (b & 1) r *= x;
  return T(r);
}

// pow on float lanes, computed as exp(y log|x|) in double precision: the product's rounding error is far
// below float's resolution, so the result is within one float rounding of the exact power. C's special
// cases (0^-y, (-inf)^y, (-1)^inf, x^0, 1^nan, negative ^ non-integer) are restored by selects.
template <class B>
B packet_pow_f32(const B& x, const B& y) {
  using D = xsimd::batch<double>;
  alignas(64) float xs[B::size], ys[B::size], rs[B::size];
  x.store_aligned(xs);
  y.store_aligned(ys);
  for (std::size_t h = 0; h < B::size; h += D::size) {
    const D a = D::load_unaligned(xs + h), b = D::load_unaligned(ys + h), one(1.0);  // converting loads
    D r = xsimd::exp(b * xsimd::log(xsimd::abs(a)));
    const auto flint = xsimd::trunc(b) == b;  // false for +-inf and nan
    const auto odd = flint && (xsimd::trunc(b * D(0.5)) != b * D(0.5));
    r = xsimd::select(odd, xsimd::copysign(r, a), r);
    const auto neg_finite = (a < D(0.0)) && (a > D(-std::numeric_limits<double>::infinity()));
    r = xsimd::select(neg_finite && !flint && xsimd::isfinite(b), D(std::numeric_limits<double>::quiet_NaN()), r);
    r = xsimd::select((b == D(0.0)) || (a == one) || ((xsimd::abs(a) == one) && xsimd::isinf(b)), one, r);
    r.store_unaligned(rs + h);  // converting store
  }
  return B::load_aligned(rs);
}

// pow on double lanes: xsimd 8.1's pow is exp(y log x) in working precision (hundreds of ulp off for
// large results, and wrong at 0^-y and (-inf)^y), and no wider type is at hand, so each lane calls
// std::pow (correctly rounded in glibc; PyTorch uses Sleef's 1-ulp pow). This is the one scalar libm
// call per element left in a packet path.
template <class B>
B packet_pow_f64(const B& x, const B& y) {
  alignas(64) double xs[B::size], ys[B::size];
  x.store_aligned(xs);
  y.store_aligned(ys);
  for (std::size_t i = 0; i < B::size; ++i) xs[i] = std::pow(xs[i], ys[i]);
  return B::load_aligned(xs);
}

template <class B>
B packet_pow(const B& x, const B& y) {
  if constexpr (std::is_same_v<typename B::value_type, float>)
    return packet_pow_f32(x, y);
  else
    return packet_pow_f64(x, y);
}

}  // namespace detail

namespace op {
// tensor ^ tensor and scalar ^ tensor: C's pow for floating point, int_pow for integers.
struct Pow : arith_op<Pow> {
  static constexpr const char* name = "pow";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& a, const V& b) {
    (void)y, (void)a, (void)b;
    const V zero = dm::k<V>(0);
    if constexpr (I == 0) return dm::where(b == zero, zero, b * dm::pow(a, b - dm::k<V>(1)));
    else return dm::where(a == zero && b >= zero, zero, y * dm::log(a));
  }
  template <class T>
  CTORCH_HD static T f(T a, T b) {
    static_assert(!std::is_same_v<T, bool>, "ctorch: pow: not implemented for bool tensors");
    if constexpr (std::is_integral_v<T>)
      return detail::int_pow(a, b);
    else
      return std::pow(a, b);
  }
  template <class B>
    requires std::is_floating_point_v<typename B::value_type>
  static B packet(const B& a, const B& b) { return detail::packet_pow(a, b); }
};

// tensor ^ scalar (the second operand is always a Scalar node). PyTorch computes the exponents 0.5, 2,
// 3, -0.5, -1 and -2 as sqrt(x), x*x, x*x*x, 1/sqrt(x), 1/x and 1/(x*x) (so pow(-inf, 0.5) is nan and
// pow(x, 3) rounds twice); ctorch does the same, so results match bit for bit there.
struct PowScalar : arith_op<PowScalar> {
  static constexpr const char* name = "pow";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& a, const V& b) {
    (void)y, (void)a, (void)b;
    const V zero = dm::k<V>(0);
    if constexpr (I == 0) return dm::where(b == zero, zero, b * dm::pow(a, b - dm::k<V>(1)));
    else return dm::where(a == zero && b >= zero, zero, y * dm::log(a));
  }
  template <class T>
  CTORCH_HD static T f(T a, T e) {
    static_assert(!std::is_same_v<T, bool>, "ctorch: pow: not implemented for bool tensors");
    if constexpr (std::is_integral_v<T>) {
      return detail::int_pow(a, e);
    } else {
      if (e == T(2)) return a * a;
      if (e == T(0.5)) return std::sqrt(a);
      if (e == T(3)) return a * a * a;
      if (e == T(-0.5)) return T(1) / std::sqrt(a);
      if (e == T(-1)) return T(1) / a;
      if (e == T(-2)) return T(1) / (a * a);
      if (e == T(1)) return a;
      return std::pow(a, e);
    }
  }
  template <class B>
    requires std::is_floating_point_v<typename B::value_type>
  static B packet(const B& a, const B& eb) {
    using T = typename B::value_type;
    const T e = eb.get(0);  // a Scalar: every lane holds the same exponent
    const B one(T(1));
    if (e == T(2)) return a * a;
    if (e == T(0.5)) return xsimd::sqrt(a);
    if (e == T(3)) return a * a * a;
    if (e == T(-0.5)) return one / xsimd::sqrt(a);
    if (e == T(-1)) return one / a;
    if (e == T(-2)) return one / (a * a);
    if (e == T(1)) return a;
    return detail::packet_pow(a, eb);
  }
};
}  // namespace op

// requires: a and b broadcast. ensures: a lazy elementwise a^b (tensor ^ tensor).
template <Expression A, Expression B>
auto pow(A&& a, B&& b) {
  return make_map<op::Pow>(std::forward<A>(a), std::forward<B>(b));
}
// ensures: a lazy elementwise s^b (scalar ^ tensor); the dtype is torch.result_type(s, b).
template <Arithmetic S, Expression B>
auto pow(S s, B&& b) {
  return make_map<op::Pow>(s, std::forward<B>(b));
}
// requires: not an integer tensor with a negative integer exponent (throws value_error, as PyTorch).
// ensures: a lazy elementwise a^e (tensor ^ scalar).
template <Expression A, Arithmetic S>
auto pow(A&& a, S e) {
  auto m = make_map<op::PowScalar>(std::forward<A>(a), e);
  if constexpr (std::is_integral_v<S> && !std::is_same_v<S, bool> &&
                std::is_integral_v<typename decltype(m)::value_type>)
    if (e < 0) throw value_error("ctorch: pow: integers to negative integer powers are not allowed");
  return m;
}
}  // namespace ctorch
