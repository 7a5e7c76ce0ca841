// ctorch/ops/view/diagonal.hpp: diagonal (torch.diagonal): the diagonal of dims D1 and D2 shifted by
// Offset (> 0 above the main diagonal), as a view. Shape: the other dims, then the diagonal's length
// (static when both extents are static; 0 when the offset leaves no element).
#pragma once
#include <algorithm>

#include "common.hpp"

namespace ctorch {

namespace detail {
constexpr index_t diag_len(index_t a, index_t b, index_t off) {
  const index_t n = off >= 0 ? std::min(a, b - off) : std::min(a + off, b);
  return n > 0 ? n : 0;
}
template <class S, std::size_t A, std::size_t B, index_t Off, std::size_t... I>
Shape<(I + 1 == S::rank - 1 ? (S::static_extents[A] == Dyn || S::static_extents[B] == Dyn
                                   ? Dyn
                                   : diag_len(S::static_extents[A], S::static_extents[B], Off))
                            : S::static_extents[I + (I >= std::min(A, B)) + (I + 1 >= std::max(A, B))])...>
    diagonal_shape(std::index_sequence<I...>);
}  // namespace detail

// requires: rank >= 2, D1 and D2 distinct dims in [-rank, rank). ensures: a view whose last dim walks the
// diagonal (stride = the sum of D1's and D2's strides), aliasing v.
template <index_t Offset = 0, int D1 = 0, int D2 = 1, class T, class S, class D>
auto diagonal(const TensorView<T, S, D>& v) {
  constexpr std::size_t a = view_dim_check<op::Diagonal, S, D1>::value;
  constexpr std::size_t b = view_dim_check<op::Diagonal, S, D2>::value;
  static_assert(view_check<op::Diagonal, S, Args<Offset, D1, D2>, (a != b)>::ok);
  using R = decltype(detail::diagonal_shape<S, a, b, Offset>(std::make_index_sequence<S::rank - 1>{}));
  const auto in = v.dims().array();
  const auto st = v.strides();
  std::array<index_t, R::rank> ext{}, nst{};
  std::size_t k = 0;
  for (std::size_t i = 0; i < S::rank; ++i)
    if (i != a && i != b) {
      ext[k] = in[i];
      nst[k++] = st[i];
    }
  ext[k] = detail::diag_len(in[a], in[b], Offset);
  nst[k] = st[a] + st[b];
  const index_t shift = ext[k] == 0 ? 0 : Offset >= 0 ? Offset * st[b] : -Offset * st[a];
  return detail::make_view<R, T, D>(v.data() + shift, ext, nst, "diagonal");
}
CTORCH_VIEW_FORWARD_TENSOR(diagonal, (index_t Offset = 0, int D1 = 0, int D2 = 1), (Offset, D1, D2))
CTORCH_VIEW_FORWARD_VAR(diagonal, (index_t Offset = 0, int D1 = 0, int D2 = 1), (Offset, D1, D2))

}  // namespace ctorch
