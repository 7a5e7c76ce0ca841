// ctorch/ops/view/transpose.hpp: transpose (torch.transpose) and t (torch.t): views that swap two dims.
// Shape: extents D0 and D1 swapped (negative dims count from the end). No copy: the view aliases.
#pragma once
#include <utility>

#include "../../core/tensor.hpp"
#include "common.hpp"  // CTORCH_VIEW_FORWARD_VAR

namespace ctorch {

namespace detail {
template <class S, std::size_t A, std::size_t B, std::size_t... I>
Shape<S::static_extents[I == A ? B : I == B ? A : I]...> swap_shape(std::index_sequence<I...>);
template <class S, std::size_t A, std::size_t B>
using swapped_shape_t = decltype(swap_shape<S, A, B>(std::make_index_sequence<S::rank>{}));
}  // namespace detail

// requires: D0, D1 in [-rank, rank). ensures: a view with dims D0 and D1 swapped, aliasing v.
template <int D0, int D1, class T, class S, class D>
auto transpose(const TensorView<T, S, D>& v) {
  constexpr std::size_t a = wrap_dim<D0, S::rank>(), b = wrap_dim<D1, S::rank>();
  using R = detail::swapped_shape_t<S, a, b>;
  auto ext = v.dims().array();
  auto st = v.strides();
  std::swap(ext[a], ext[b]);
  std::swap(st[a], st[b]);
  return TensorView<T, R, D>(v.data(), Dims<R>::from_array(ext, "transpose"), st);
}
template <int D0, int D1, class T, class S, class D>
auto transpose(Tensor<T, S, D>& t) {
  return transpose<D0, D1>(t.view());
}
template <int D0, int D1, class T, class S, class D>
auto transpose(const Tensor<T, S, D>& t) {
  return transpose<D0, D1>(t.view());
}
// A view of a temporary would dangle.
template <int D0, int D1, class T, class S, class D>
auto transpose(Tensor<T, S, D>&& t) = delete;

// requires: rank <= 2. ensures: the transposed view of a matrix (a vector is returned as is).
template <class X>
auto t(X&& x) -> decltype(transpose<0, -1>(std::forward<X>(x))) {
  static_assert(std::remove_cvref_t<X>::rank <= 2, "ctorch: t: expects a tensor of at most 2 dims");
  return transpose<0, -1>(std::forward<X>(x));
}

CTORCH_VIEW_FORWARD_VAR(transpose, (int D0, int D1), (D0, D1))

}  // namespace ctorch
