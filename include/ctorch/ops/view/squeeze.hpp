// ctorch/ops/view/squeeze.hpp: squeeze (torch.squeeze): dims of size 1 removed. squeeze<Dim> removes one
// dim, which must be statically 1 (a compile error names the shape otherwise); squeeze() removes every
// statically-1 dim. A Dyn extent is never removed, even when it is 1 at run time (unlike PyTorch: the
// result's rank is part of its type).
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {
template <class S, std::size_t... Keep>
auto keep_dims_view(const auto& v, std::index_sequence<Keep...>) {
  using R = Shape<S::static_extents[Keep]...>;
  const auto in = v.dims().array();
  const auto st = v.strides();
  using V = std::remove_cvref_t<decltype(v)>;
  return make_view<R, typename V::element_type, typename V::device_type>(
      v.data(), std::array<index_t, R::rank>{in[Keep]...}, std::array<index_t, R::rank>{st[Keep]...}, "squeeze");
}
template <class S, bool All, std::size_t Dim>
constexpr auto squeeze_keep() {
  constexpr std::size_t n = [] {
    std::size_t c = 0;
    for (std::size_t i = 0; i < S::rank; ++i) c += All ? S::static_extents[i] != 1 : i != Dim;
    return c;
  }();
  std::array<std::size_t, n> k{};
  std::size_t c = 0;
  for (std::size_t i = 0; i < S::rank; ++i)
    if (All ? S::static_extents[i] != 1 : i != Dim) k[c++] = i;
  return k;
}
template <auto Arr, std::size_t... I>
std::index_sequence<Arr[I]...> as_sequence(std::index_sequence<I...>);
template <class S, bool All, std::size_t Dim>
using squeeze_seq_t =
    decltype(as_sequence<squeeze_keep<S, All, Dim>()>(std::make_index_sequence<squeeze_keep<S, All, Dim>().size()>{}));
}  // namespace detail

// requires: Dim in [-rank, rank) and v's extent there statically 1. ensures: a view without that dim.
template <int Dim, class T, class S, class D>
auto squeeze(const TensorView<T, S, D>& v) {
  constexpr std::size_t d = view_dim_check<op::Squeeze, S, Dim>::value;
  static_assert(view_check<op::Squeeze, S, Args<Dim>, S::static_extents[d] == 1>::ok);
  return detail::keep_dims_view<S>(v, detail::squeeze_seq_t<S, false, d>{});
}
// ensures: a view without the dims that are statically 1.
template <class T, class S, class D>
auto squeeze(const TensorView<T, S, D>& v) {
  return detail::keep_dims_view<S>(v, detail::squeeze_seq_t<S, true, 0>{});
}
CTORCH_VIEW_FORWARD_TENSOR(squeeze, (int Dim), (Dim))
CTORCH_VIEW_FORWARD_VAR(squeeze, (int Dim), (Dim))
template <class T, class S, class D>
auto squeeze(Tensor<T, S, D>& t) {
  return squeeze(t.view());
}
template <class T, class S, class D>
auto squeeze(const Tensor<T, S, D>& t) {
  return squeeze(t.view());
}
template <class T, class S, class D>
void squeeze(Tensor<T, S, D>&& t) = delete;

template <class T, class S, class D>
auto squeeze(const Var<T, S, D>& v) {
  return autograd::view_op("squeeze", v, [](const auto& x) { return squeeze(x); });
}

}  // namespace ctorch
