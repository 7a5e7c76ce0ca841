// ctorch/ops/inplace_more.hpp: the in-place ops that are not twins of a pointwise op: copy_ (Tensor.copy_),
// tril_ and triu_, renorm_, masked_copy_ (the legacy name of masked_scatter_), and the CPU element loops
// apply_ and map_ (Tensor.apply_(callable), Tensor.map_(tensor, callable)). Each writes into x (a Tensor or a
// writable TensorView, whose base sees the change) and returns x. A Var is not accepted (in-place changes to
// tracked values go through Var::data_(), as for ops/inplace.hpp; Var has its own copy_).
#pragma once
#include <type_traits>
#include <utility>

#include "inplace.hpp"
#include "joining/common.hpp"
#include "joining/masked_scatter.hpp"
#include "joining/tril.hpp"
#include "reduction.hpp"
#include "sorting/renorm.hpp"

namespace ctorch {

namespace detail {
template <class X>
using inplace_value_t = std::remove_const_t<typename std::remove_cvref_t<X>::value_type>;

template <class X>
auto writable_view(X& x) {
  if constexpr (is_writable_view<std::remove_cvref_t<X>>::value)
    return x;
  else
    return x.view();
}
}  // namespace detail

// requires: src broadcasts to x's shape (static mismatch: compile error; Dyn: shape_error). ensures: x holds
// src's values converted to x's dtype (as torch's copy_); an src that overlaps x is read before x is written.
template <detail::InPlaceTarget X, Expression E>
X& copy_(X& x, const E& src) {
  using T = detail::inplace_value_t<X>;
  if constexpr (std::is_same_v<typename std::remove_cvref_t<E>::value_type, T>)
    return detail::assign_in_place(x, src);
  else
    return detail::assign_in_place(x, cast<T>(src));
}

// requires: x of rank >= 2 (compile error otherwise). ensures: x = tril<K>(x) (elements with col - row > K
// zeroed) / x = triu<K>(x) (col - row < K zeroed); returns x.
template <index_t K = 0, detail::InPlaceTarget X>
X& tril_(X& x) {
  return detail::assign_in_place(x, tril<K>(x));
}
template <index_t K = 0, detail::InPlaceTarget X>
X& triu_(X& x) {
  return detail::assign_in_place(x, triu<K>(x));
}

// requires: as renorm (floating dtype, p > 0, maxnorm >= 0). ensures: x = renorm<Dim>(x, p, maxnorm).
template <int Dim, detail::InPlaceTarget X>
X& renorm_(X& x, double p, double maxnorm) {
  return detail::assign_in_place(x, renorm<Dim>(x, p, maxnorm));
}

// masked_copy_ is PyTorch 0.x's name of masked_scatter_: requires and ensures as masked_scatter_.
template <detail::InPlaceTarget X, Expression M, Expression Src>
X& masked_copy_(X& x, const M& mask, const Src& source) {
  masked_scatter_(detail::writable_view(x), mask, source);
  return x;
}

// requires: a host tensor or view; f callable with an element, returning something convertible to the dtype.
// ensures: every element e of x replaced by f(e), one at a time in row-major order (a CPU loop, as torch's
// apply_: for speed write the expression, x = f-as-an-expression(x)); returns x.
template <detail::InPlaceTarget X, class F>
X& apply_(X& x, F&& f) {
  const auto v = detail::writable_view(x);
  using V = std::remove_cvref_t<decltype(v)>;
  static_assert(std::is_same_v<typename V::device_type, Cpu>, "ctorch: apply_: host tensors only (as in PyTorch)");
  using T = typename V::value_type;
  const auto st = v.strides();
  T* p = v.data();
  detail::for_each_index(v.sizes(), [&](const auto& idx) {
    p[detail::offset_of(idx, st)] = static_cast<T>(f(p[detail::offset_of(idx, st)]));
  });
  return x;
}

// requires: a host x; other broadcasts to x's shape; f callable with (element of x, element of other).
// ensures: every element e of x replaced by f(e, o), o the element of other broadcast to e's place; other is
// read in full before x is written (so other may alias x); returns x.
template <detail::InPlaceTarget X, Expression O, class F>
X& map_(X& x, const O& other, F&& f) {
  const auto v = detail::writable_view(x);
  using V = std::remove_cvref_t<decltype(v)>;
  static_assert(std::is_same_v<typename V::device_type, Cpu>, "ctorch: map_: host tensors only (as in PyTorch)");
  using T = typename V::value_type;
  using OT = std::remove_const_t<typename std::remove_cvref_t<O>::value_type>;
  Tensor<OT, typename V::shape_type, Cpu> o(v.dims());  // other broadcast to x's shape
  assign(o.view(), other);
  const auto st = v.strides();
  T* p = v.data();
  const OT* q = o.data();
  detail::for_each_index(v.sizes(), [&](const auto& idx) {
    T& e = p[detail::offset_of(idx, st)];
    e = static_cast<T>(f(e, *q++));
  });
  return x;
}

}  // namespace ctorch
