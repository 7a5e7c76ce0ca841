// ctorch/ops/joining/tril.hpp: tril and triu (torch.tril, torch.triu): x with the elements above
// (tril) or below (triu) the K-th diagonal of its last two dims set to 0, into a new Tensor. Shape and
// dtype: x's; rank >= 2 (a compile error otherwise). tril keeps j - i <= K; triu keeps j - i >= K.
// Gradient: tril (triu) of the gradient, with the same K.
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {
template <class Op, bool Lower, index_t K, class X>
auto tri_impl(const X& x) {
  using S = typename X::shape_type;
  static_assert(joining_check<Op, Args<K>, (S::rank >= 2), S>::ok);
  Tensor<std::remove_const_t<typename X::value_type>, S, typename X::device_type> out(x);
  if constexpr (S::rank >= 2) {
    static_assert(std::is_same_v<typename X::device_type, Cpu>, "ctorch: tril/triu: host tensors only for now");
    const auto ext = out.sizes();
    auto* p = out.data();
    for_each_index(ext, [&](const std::array<index_t, S::rank>& idx) {
      const index_t diff = idx[S::rank - 1] - idx[S::rank - 2];
      if (Lower ? diff > K : diff < K) *p = 0;
      ++p;
    });
  }
  return out;
}
}  // namespace detail

// requires: x of rank >= 2. ensures: a new Tensor, x with elements where col - row > K zeroed.
template <index_t K = 0, Expression X>
auto tril(const X& x) {
  return detail::tri_impl<op::Tril, true, K>(x);
}
// requires: x of rank >= 2. ensures: a new Tensor, x with elements where col - row < K zeroed.
template <index_t K = 0, Expression X>
auto triu(const X& x) {
  return detail::tri_impl<op::Triu, false, K>(x);
}

// Autograd: the op is a mask, so its VJP is the same mask on the gradient.
template <index_t K = 0, Tracked X>
auto tril(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  return autograd::record_linear(
      "TrilBackward0", tril<K>(v.value()), autograd::no_state{},
      [](autograd::no_state, const auto& g, const V& in) { autograd::accumulate(in, tril<K>(g)); },
      [](autograd::no_state, const auto& h) { return tril<K>(h); }, v);
}
template <index_t K = 0, Tracked X>
auto triu(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  return autograd::record_linear(
      "TriuBackward0", triu<K>(v.value()), autograd::no_state{},
      [](autograd::no_state, const auto& g, const V& in) { autograd::accumulate(in, triu<K>(g)); },
      [](autograd::no_state, const auto& h) { return triu<K>(h); }, v);
}

}  // namespace ctorch
