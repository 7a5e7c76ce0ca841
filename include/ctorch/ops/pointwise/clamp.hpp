// ctorch/ops/pointwise/clamp.hpp: clamp (torch.clamp, torch.clip) and clamp_min / clamp_max:
// min(max(x, lo), hi) with tensor or scalar bounds, either bound optional.
// Shape: broadcast of x and the bounds. dtype: promotion with the bounds (clamp(int, 0.5) is float32,
// clamp(int, 0) stays int32), as PyTorch 1.13. NaN in x or in a bound gives nan; lo > hi gives hi.
// Gradient: grad where lo <= x <= hi, else 0 (to the bound that was taken).
#pragma once
#include <optional>
#include <type_traits>

#include "../../core/simd.hpp"

#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct ClampMin : arith_op<ClampMin> {
  static constexpr const char* name = "clamp_min";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& a, const V& b) {
    (void)y, (void)a, (void)b;
    if constexpr (I == 0) return dm::where(a >= b, dm::k<V>(1), dm::k<V>(0));
    else return dm::where(a < b, dm::k<V>(1), dm::k<V>(0));
  }
  template <class T>
  CTORCH_HD static T f(T x, T lo) {
    if constexpr (std::is_floating_point_v<T>)
      if (x != x || lo != lo) return x + lo;  // nan
    return x < lo ? lo : x;
  }
  template <class B>
  static B packet(const B& x, const B& lo) {
    if constexpr (std::is_floating_point_v<typename B::value_type>)
      return xsimd::select(xsimd::isnan(x) || xsimd::isnan(lo), x + lo, xsimd::max(x, lo));
    else
      return xsimd::max(x, lo);
  }
};

struct ClampMax : arith_op<ClampMax> {
  static constexpr const char* name = "clamp_max";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& a, const V& b) {
    (void)y, (void)a, (void)b;
    if constexpr (I == 0) return dm::where(a <= b, dm::k<V>(1), dm::k<V>(0));
    else return dm::where(a > b, dm::k<V>(1), dm::k<V>(0));
  }
  template <class T>
  CTORCH_HD static T f(T x, T hi) {
    if constexpr (std::is_floating_point_v<T>)
      if (x != x || hi != hi) return x + hi;  // nan
    return hi < x ? hi : x;
  }
  template <class B>
  static B packet(const B& x, const B& hi) {
    if constexpr (std::is_floating_point_v<typename B::value_type>)
      return xsimd::select(xsimd::isnan(x) || xsimd::isnan(hi), x + hi, xsimd::min(x, hi));
    else
      return xsimd::min(x, hi);
  }
};

struct Clamp : arith_op<Clamp> {
  static constexpr const char* name = "clamp";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x, const V& lo, const V& hi) {
    (void)y;
    const V one = dm::k<V>(1), zero = dm::k<V>(0);
    if constexpr (I == 0) return dm::where(x >= lo && x <= hi, one, zero);
    else if constexpr (I == 1) return dm::where(x < lo, one, zero);
    else return dm::where(x > hi, one, zero);
  }
  template <class T>
  CTORCH_HD static T f(T x, T lo, T hi) {
    return ClampMax::f(ClampMin::f(x, lo), hi);
  }
  template <class B>
  static B packet(const B& x, const B& lo, const B& hi) {
    return ClampMax::packet(ClampMin::packet(x, lo), hi);
  }
};
}  // namespace op

// requires: x, lo and hi broadcast (lo, hi tensors or numbers). ensures: a lazy min(max(x, lo), hi).
template <Operand X, Operand L, Operand H>
  requires(Expression<X> || Expression<L> || Expression<H>)
auto clamp(X&& x, L&& lo, H&& hi) {
  return make_map<op::Clamp>(std::forward<X>(x), std::forward<L>(lo), std::forward<H>(hi));
}
// requires: x and lo broadcast. ensures: a lazy max(x, lo) (torch.clamp_min, torch.clamp(x, min=lo)).
template <Operand X, Operand L>
  requires(Expression<X> || Expression<L>)
auto clamp_min(X&& x, L&& lo) {
  return make_map<op::ClampMin>(std::forward<X>(x), std::forward<L>(lo));
}
// requires: x and hi broadcast. ensures: a lazy min(x, hi) (torch.clamp_max, torch.clamp(x, max=hi)).
template <Operand X, Operand H>
  requires(Expression<X> || Expression<H>)
auto clamp_max(X&& x, H&& hi) {
  return make_map<op::ClampMax>(std::forward<X>(x), std::forward<H>(hi));
}
// ensures: clamp_min(x, lo) (torch.clamp(x, min=lo) in the C++ API's spelling clamp(x, lo, nullopt)).
template <Expression X, Operand L>
auto clamp(X&& x, L&& lo, std::nullopt_t) {
  return clamp_min(std::forward<X>(x), std::forward<L>(lo));
}
// ensures: clamp_max(x, hi) (torch.clamp(x, max=hi), spelled clamp(x, nullopt, hi)).
template <Expression X, Operand H>
auto clamp(X&& x, std::nullopt_t, H&& hi) {
  return clamp_max(std::forward<X>(x), std::forward<H>(hi));
}
// ensures: clamp(x, lo, hi) (torch.clip).
template <Operand X, Operand L, Operand H>
  requires(Expression<X> || Expression<L> || Expression<H>)
auto clip(X&& x, L&& lo, H&& hi) {
  return clamp(std::forward<X>(x), std::forward<L>(lo), std::forward<H>(hi));
}
}  // namespace ctorch
