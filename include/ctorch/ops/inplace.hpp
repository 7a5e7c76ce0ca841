// ctorch/ops/inplace.hpp: the in-place twins of the pointwise ops (torch's x.abs_(), x.add_(y),
// x.clamp_(lo, hi), x.eq_(y), ...) as free functions: abs_(x), add_(x, y), clamp_(x, lo, hi), eq_(x, y).
// Shape: the result is written into x, so the other operands must broadcast to x's shape (static
// mismatch: the assignment's compile error; Dyn: shape_error). dtype: x's (comparisons store 1 or 0).
// One fused pass into x's memory (an operand that aliases x with another layout goes through a
// temporary, as any assignment). For Tensor and writable TensorView; a Var is not accepted (in-place
// changes to tracked values go through Var::data_(), which bumps the version counter).
//
//   Tensor<float, Shape<3, 4>> x = ...;
//   relu_(add_(x, b));        // x = relu(x + b), two passes; write `x = relu(x + b)` for one
#pragma once
#include <type_traits>
#include <utility>

#include "../core/tensor.hpp"
#include "comparison.hpp"
#include "pointwise.hpp"

namespace ctorch {

namespace detail {
template <class X>
struct is_writable_view : std::false_type {};
template <class T, class S, class D>
struct is_writable_view<TensorView<T, S, D>> : std::bool_constant<!std::is_const_v<T>> {};

// What an in-place op may write into: a Tensor or a TensorView of non-const elements.
template <class X>
concept InPlaceTarget = is_writable_view<std::remove_cvref_t<X>>::value || requires(X& x) {
  typename std::remove_cvref_t<X>::view_type;
  { x.view() } -> std::same_as<typename std::remove_cvref_t<X>::view_type>;
};

// requires: e broadcasts to x's shape. ensures: x holds e (evaluated with x's old values); returns x.
template <class X, class E>
X& assign_in_place(X& x, const E& e) {
  if constexpr (is_writable_view<std::remove_cvref_t<X>>::value)
    assign(x, e);
  else
    assign(x.view(), e);
  return x;
}
}  // namespace detail

// Unary: x = f(x).
#define CTORCH_INPLACE_UNARY(f)              \
  template <detail::InPlaceTarget X>         \
  X& f##_(X& x) {                            \
    return detail::assign_in_place(x, f(x)); \
  }
CTORCH_INPLACE_UNARY(abs)
CTORCH_INPLACE_UNARY(acos)
CTORCH_INPLACE_UNARY(asin)
CTORCH_INPLACE_UNARY(atan)
CTORCH_INPLACE_UNARY(ceil)
CTORCH_INPLACE_UNARY(cos)
CTORCH_INPLACE_UNARY(cosh)
CTORCH_INPLACE_UNARY(erf)
CTORCH_INPLACE_UNARY(erfinv)
CTORCH_INPLACE_UNARY(exp)
CTORCH_INPLACE_UNARY(expm1)
CTORCH_INPLACE_UNARY(floor)
CTORCH_INPLACE_UNARY(frac)
CTORCH_INPLACE_UNARY(log)
CTORCH_INPLACE_UNARY(log10)
CTORCH_INPLACE_UNARY(log1p)
CTORCH_INPLACE_UNARY(log2)
CTORCH_INPLACE_UNARY(neg)
CTORCH_INPLACE_UNARY(reciprocal)
CTORCH_INPLACE_UNARY(relu)
CTORCH_INPLACE_UNARY(round)
CTORCH_INPLACE_UNARY(rsqrt)
CTORCH_INPLACE_UNARY(sigmoid)
CTORCH_INPLACE_UNARY(sign)
CTORCH_INPLACE_UNARY(sin)
CTORCH_INPLACE_UNARY(sinh)
CTORCH_INPLACE_UNARY(sqrt)
CTORCH_INPLACE_UNARY(square)
CTORCH_INPLACE_UNARY(tan)
CTORCH_INPLACE_UNARY(tanh)
CTORCH_INPLACE_UNARY(trunc)
#undef CTORCH_INPLACE_UNARY

// Binary and beyond: x = f(x, args...), the arguments tensors, expressions or numbers as f takes them.
#define CTORCH_INPLACE_NARY(f)                                      \
  template <detail::InPlaceTarget X, class... A>                    \
  X& f##_(X& x, A&&... a) {                                         \
    return detail::assign_in_place(x, f(x, std::forward<A>(a)...)); \
  }
CTORCH_INPLACE_NARY(add)
CTORCH_INPLACE_NARY(sub)
CTORCH_INPLACE_NARY(mul)
CTORCH_INPLACE_NARY(div)
CTORCH_INPLACE_NARY(pow)
CTORCH_INPLACE_NARY(fmod)
CTORCH_INPLACE_NARY(remainder)
CTORCH_INPLACE_NARY(atan2)
CTORCH_INPLACE_NARY(lerp)
CTORCH_INPLACE_NARY(clamp)
CTORCH_INPLACE_NARY(clamp_min)
CTORCH_INPLACE_NARY(clamp_max)
CTORCH_INPLACE_NARY(addcmul)
CTORCH_INPLACE_NARY(addcdiv)
#undef CTORCH_INPLACE_NARY

// Comparisons: x = (x op y) as x's dtype (1 or 0), as torch's x.eq_(y).
#define CTORCH_INPLACE_COMPARE(f)                                                                                   \
  template <detail::InPlaceTarget X, class Y>                                                                       \
  X& f##_(X& x, Y&& y) {                                                                                            \
    return detail::assign_in_place(x, cast<typename std::remove_cvref_t<X>::value_type>(f(x, std::forward<Y>(y)))); \
  }
CTORCH_INPLACE_COMPARE(eq)
CTORCH_INPLACE_COMPARE(ne)
CTORCH_INPLACE_COMPARE(lt)
CTORCH_INPLACE_COMPARE(le)
CTORCH_INPLACE_COMPARE(gt)
CTORCH_INPLACE_COMPARE(ge)
#undef CTORCH_INPLACE_COMPARE

}  // namespace ctorch
