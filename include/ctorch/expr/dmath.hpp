// ctorch/expr/dmath.hpp: the vocabulary an op's derivative is written in.
//
// An elementwise op declares its partial derivatives once, as `template <std::size_t I, class Y, class... X>
// static auto d(const Y& y, const X&... x)` (y the op's result, x its operands). The fused backward pass
// calls it with scalars (float, double) and with xsimd batches, so a derivative is written only with
// arithmetic operators and the functions below, which pick std:: or xsimd:: by argument type. Constants
// go through k<Y>(c) so that a float derivative stays in float.
#pragma once
#include <cmath>
#include <type_traits>

#include "../core/simd.hpp"

namespace ctorch::dm {

template <class V>
inline constexpr bool is_batch = false;
template <class T, class A>
inline constexpr bool is_batch<xsimd::batch<T, A>> = true;

template <class V>
struct elem {
  using type = V;
};
template <class T, class A>
struct elem<xsimd::batch<T, A>> {
  using type = T;
};

// A value type that records operations (autograd's create_graph pass, autograd/graph.hpp) marks
// itself with V::dm_recorded and supplies the functions below as static members V::dm_<name>, so the
// same `d` also builds a differentiable derivative.
template <class V>
concept recorded = requires {
  typename V::dm_recorded;
};

// The constant c in the type of V (a scalar or a batch of its element type).
template <class V>
V k(double c) {
  return V(static_cast<typename elem<V>::type>(c));
}

#define CTORCH_DM_UNARY(fn)         \
  template <class V>                \
  V fn(const V& x) {                \
    if constexpr (is_batch<V>)      \
      return xsimd::fn(x);          \
    else if constexpr (recorded<V>) \
      return V::dm_##fn(x);         \
    else                            \
      return std::fn(x);            \
  }
CTORCH_DM_UNARY(exp)
CTORCH_DM_UNARY(log)
CTORCH_DM_UNARY(sqrt)
CTORCH_DM_UNARY(sin)
CTORCH_DM_UNARY(cos)
CTORCH_DM_UNARY(tanh)
CTORCH_DM_UNARY(cosh)
CTORCH_DM_UNARY(sinh)
CTORCH_DM_UNARY(abs)
#undef CTORCH_DM_UNARY

template <class V>
V pow(const V& x, const V& e) {
  if constexpr (is_batch<V>)
    return xsimd::pow(x, e);
  else if constexpr (recorded<V>)
    return V::dm_pow(x, e);
  else
    return std::pow(x, e);
}

// c ? a : b, elementwise; c is a comparison of Vs.
template <class C, class V>
V where(const C& c, const V& a, const V& b) {
  if constexpr (is_batch<V>)
    return xsimd::select(c, a, b);
  else if constexpr (recorded<V>)
    return V::dm_where(c, a, b);
  else
    return c ? a : b;
}

// -1, 0 or 1 (0 at 0 and for NaN, like torch.sign's derivative uses for abs).
template <class V>
V sign(const V& x) {
  const V zero = k<V>(0), one = k<V>(1);
  return where(x > zero, one, where(x < zero, -one, zero));
}

// A derivative that is zero everywhere (floor, round, sign, ...): PyTorch returns zeros, not an error.
template <class V>
V zero_like(const V&) {
  return k<V>(0);
}

}  // namespace ctorch::dm
