// ctorch/ops/view/permute.hpp: permute (torch.permute): dim i of the result is dim Ds[i] of the input.
// Ds must be a permutation of the dims (negative ones count from the end), checked at compile time.
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {
template <class S, auto P, std::size_t... I>
Shape<S::static_extents[P[I]]...> permuted_shape(std::index_sequence<I...>);

template <class Op, auto P, class T, class S, class D>
auto permute_impl(const TensorView<T, S, D>& v) {
  using R = decltype(permuted_shape<S, P>(std::make_index_sequence<S::rank>{}));
  const auto in = v.dims().array();
  const auto st = v.strides();
  std::array<index_t, S::rank> ext{}, nst{};
  for (std::size_t i = 0; i < S::rank; ++i) {
    ext[i] = in[P[i]];
    nst[i] = st[P[i]];
  }
  return make_view<R, T, D>(v.data(), ext, nst, Op::name);
}
}  // namespace detail

// requires: Ds... a permutation of the dims (compile error naming the shape and Ds otherwise).
// ensures: a view whose dim i is v's dim Ds[i].
template <int... Ds, class T, class S, class D>
auto permute(const TensorView<T, S, D>& v) {
  constexpr auto r = detail::make_perm<sizeof...(Ds)>({Ds...});
  static_assert(view_check<op::Permute, S, Args<Ds...>, (sizeof...(Ds) == S::rank && r.ok)>::ok);
  return detail::permute_impl<op::Permute, r.p>(v);
}
CTORCH_VIEW_FORWARD_TENSOR(permute, (int... Ds), (Ds...))
CTORCH_VIEW_FORWARD_VAR(permute, (int... Ds), (Ds...))

}  // namespace ctorch
