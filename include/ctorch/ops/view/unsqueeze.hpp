// ctorch/ops/view/unsqueeze.hpp: unsqueeze (torch.unsqueeze): a dim of size 1 inserted at Dim, in
// [-rank-1, rank] (negative counts from the end of the result). Its stride is PyTorch's (extent *
// stride of the dim it precedes, 1 at the end).
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {
template <class S, std::size_t P, std::size_t... I>
Shape<(I == P ? index_t(1) : S::static_extents[I < P ? I : I - 1])...> unsqueeze_shape(std::index_sequence<I...>);
}  // namespace detail

// requires: Dim in [-rank-1, rank]. ensures: a view with a size-1 dim at Dim, aliasing v.
template <int Dim, class T, class S, class D>
auto unsqueeze(const TensorView<T, S, D>& v) {
  constexpr std::size_t p = view_dim_check<op::Unsqueeze, S, Dim, 1>::value;
  using R = decltype(detail::unsqueeze_shape<S, p>(std::make_index_sequence<S::rank + 1>{}));
  const auto in = v.dims().array();
  const auto st = v.strides();
  std::array<index_t, S::rank + 1> ext{}, nst{};
  for (std::size_t i = 0; i <= S::rank; ++i) {
    if (i == p) {
      ext[i] = 1;
      nst[i] = p >= S::rank ? 1 : in[p] * st[p];
    } else {
      ext[i] = in[i < p ? i : i - 1];
      nst[i] = st[i < p ? i : i - 1];
    }
  }
  return detail::make_view<R, T, D>(v.data(), ext, nst, "unsqueeze");
}
CTORCH_VIEW_FORWARD_TENSOR(unsqueeze, (int Dim), (Dim))
CTORCH_VIEW_FORWARD_VAR(unsqueeze, (int Dim), (Dim))

}  // namespace ctorch
