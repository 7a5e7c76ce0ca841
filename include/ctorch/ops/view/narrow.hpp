// ctorch/ops/view/narrow.hpp: narrow (torch.narrow): `length` consecutive entries of dim Dim from
// `start` (negative counts from the end). Length is a static template argument, or Dyn and given at run
// time. Bounds are checked: index_error.
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {
template <class S, std::size_t P, index_t L, std::size_t... I>
Shape<(I == P ? L : S::static_extents[I])...> narrow_shape(std::index_sequence<I...>);

template <index_t L, std::size_t P, class T, class S, class D>
auto narrow_impl(const TensorView<T, S, D>& v, index_t start, index_t length) {
  using R = decltype(narrow_shape<S, P, L>(std::make_index_sequence<S::rank>{}));
  auto ext = v.dims().array();
  const index_t n = ext[P];
  if (start < -n || start > n)
    throw index_error("ctorch: narrow: start (" + std::to_string(start) + ") is out of range [" + std::to_string(-n) +
                      ", " + std::to_string(n) + "] for dim " + std::to_string(P) + " of size " + std::to_string(n));
  if (start < 0) start += n;
  if (length < 0 || start + length > n)
    throw index_error("ctorch: narrow: start (" + std::to_string(start) + ") + length (" + std::to_string(length) +
                      ") exceeds dimension size (" + std::to_string(n) + ")");
  ext[P] = length;
  return make_view<R, T, D>(v.data() + start * v.strides()[P], ext, v.strides(), "narrow");
}
}  // namespace detail

// requires: Dim in [-rank, rank); start in [-size, size]; 0 <= Len and start + Len <= size (a static
// Len above a static extent is a compile error). ensures: a view of Len entries of dim Dim from start.
template <int Dim, index_t Len, class T, class S, class D>
requires(Len != Dyn) auto narrow(const TensorView<T, S, D>& v, index_t start) {
  constexpr std::size_t p = view_dim_check<op::Narrow, S, Dim>::value;
  static_assert(view_check<op::Narrow, S, Args<Dim, Len>,
                           (Len >= 0 && (S::static_extents[p] == Dyn || Len <= S::static_extents[p]))>::ok);
  return detail::narrow_impl<Len, p>(v, start, Len);
}
// requires: as above, with length given at run time (the result extent is Dyn).
template <int Dim, class T, class S, class D>
auto narrow(const TensorView<T, S, D>& v, index_t start, index_t length) {
  constexpr std::size_t p = view_dim_check<op::Narrow, S, Dim>::value;
  return detail::narrow_impl<Dyn, p>(v, start, length);
}
CTORCH_VIEW_FORWARD_TENSOR(narrow, (int Dim, index_t Len), (Dim, Len))
CTORCH_VIEW_FORWARD_VAR(narrow, (int Dim, index_t Len), (Dim, Len))
CTORCH_VIEW_FORWARD_TENSOR(narrow, (int Dim), (Dim))
CTORCH_VIEW_FORWARD_VAR(narrow, (int Dim), (Dim))

}  // namespace ctorch
