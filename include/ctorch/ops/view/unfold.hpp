// ctorch/ops/view/unfold.hpp: unfold (torch.Tensor.unfold): every slice of Size entries of dim Dim,
// Step apart, as a view. Shape: dim Dim becomes (n - Size) / Step + 1 and a last dim of Size is added.
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {
template <class S, std::size_t P, index_t Size, index_t Step, std::size_t... I>
Shape<(I == S::rank ? Size
       : I == P     ? (S::static_extents[P] == Dyn ? Dyn : (S::static_extents[P] - Size) / Step + 1)
                    : S::static_extents[I])...>
    unfold_shape(std::index_sequence<I...>);
}  // namespace detail

// requires: Dim in [-rank, rank), Step > 0, 0 <= Size <= the extent of Dim (static: compile error,
// Dyn: shape_error). ensures: a view with a last dim of Size, aliasing v.
template <int Dim, index_t Size, index_t Step, class T, class S, class D>
auto unfold(const TensorView<T, S, D>& v) {
  constexpr std::size_t p = view_dim_check<op::Unfold, S, Dim>::value;
  static_assert(
      view_check<op::Unfold, S, Args<Dim, Size, Step>,
                 (Step > 0 && Size >= 0 && (S::static_extents[p] == Dyn || Size <= S::static_extents[p]))>::ok);
  using R = decltype(detail::unfold_shape<S, p, Size, Step>(std::make_index_sequence<S::rank + 1>{}));
  const auto in = v.dims().array();
  const auto st = v.strides();
  if (Size > in[p])
    throw shape_error("ctorch: unfold: maximum size for tensor at dimension " + std::to_string(p) + " is " +
                      std::to_string(in[p]) + " but size is " + std::to_string(Size));
  std::array<index_t, S::rank + 1> ext{}, nst{};
  for (std::size_t i = 0; i < S::rank; ++i) {
    ext[i] = in[i];
    nst[i] = st[i];
  }
  ext[p] = (in[p] - Size) / Step + 1;
  nst[p] = st[p] * Step;
  ext[S::rank] = Size;
  nst[S::rank] = st[p];
  return detail::make_view<R, T, D>(v.data(), ext, nst, "unfold");
}
CTORCH_VIEW_FORWARD_TENSOR(unfold, (int Dim, index_t Size, index_t Step), (Dim, Size, Step))

}  // namespace ctorch
