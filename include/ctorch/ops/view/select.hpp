// ctorch/ops/view/select.hpp: select (torch.select, x[..., index, ...]): dim Dim removed at `index`
// (negative counts from the end); rank - 1. Bounds are checked: index_error.
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {
template <class S, std::size_t P, std::size_t... I>
Shape<S::static_extents[I < P ? I : I + 1]...> select_shape(std::index_sequence<I...>);
}  // namespace detail

// requires: rank >= 1, Dim in [-rank, rank), index in [-size, size). ensures: a view of rank - 1.
template <int Dim, class T, class S, class D>
auto select(const TensorView<T, S, D>& v, index_t index) {
  constexpr std::size_t p = view_dim_check<op::Select, S, Dim>::value;
  using R = decltype(detail::select_shape<S, p>(std::make_index_sequence<S::rank - 1>{}));
  const auto in = v.dims().array();
  const auto st = v.strides();
  const index_t n = in[p];
  if (index < -n || index >= n)
    throw index_error("ctorch: select: index " + std::to_string(index) + " out of range for tensor of size " +
                      shape_string(in) + " at dimension " + std::to_string(p));
  if (index < 0) index += n;
  std::array<index_t, R::rank> ext{}, nst{};
  for (std::size_t i = 0; i < R::rank; ++i) {
    ext[i] = in[i < p ? i : i + 1];
    nst[i] = st[i < p ? i : i + 1];
  }
  return detail::make_view<R, T, D>(v.data() + index * st[p], ext, nst, "select");
}
CTORCH_VIEW_FORWARD_TENSOR(select, (int Dim), (Dim))
CTORCH_VIEW_FORWARD_VAR(select, (int Dim), (Dim))

}  // namespace ctorch
