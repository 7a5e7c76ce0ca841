// ctorch/ops/view/view_as.hpp: view_as (Tensor.view_as): x viewed with other's shape, no copy.
// Shape: other's shape type, with other's run-time extents for its Dyn extents. As view: the numbers of
// elements must agree (a compile error when both shapes are static) and x's strides must allow the view
// (shape_error otherwise).
#pragma once
#include <cstddef>
#include <utility>

#include "view.hpp"

namespace ctorch {

namespace detail {
// The position of the K-th Dyn extent of S.
template <class S>
constexpr std::size_t dyn_position(std::size_t k) {
  for (std::size_t d = 0; d < S::rank; ++d)
    if (S::static_extents[d] == Dyn && k-- == 0) return d;
  return S::rank;
}
}  // namespace detail

// requires: as view<other's shape>. ensures: view<OS>(v, other's Dyn extents...), aliasing v.
template <class T, class S, class D, Expression O>
auto view_as(const TensorView<T, S, D>& v, const O& other) {
  using OS = typename std::remove_cvref_t<O>::shape_type;
  const auto e = other.dims().array();
  return [&]<std::size_t... K>(std::index_sequence<K...>) {
    return view<OS>(v, e[detail::dyn_position<OS>(K)]...);
  }
  (std::make_index_sequence<OS::num_dyn>{});
}
template <class T, class S, class D, Expression O>
auto view_as(Tensor<T, S, D>& t, const O& other) {
  return view_as(t.view(), other);
}
template <class T, class S, class D, Expression O>
auto view_as(const Tensor<T, S, D>& t, const O& other) {
  return view_as(t.view(), other);
}
template <class T, class S, class D, Expression O>
void view_as(Tensor<T, S, D>&& t, const O& other) = delete;
template <class T, class S, class D, Expression O>
auto view_as(const Var<T, S, D>& v, const O& other) {
  const auto e = other.dims().array();
  using OS = typename std::remove_cvref_t<O>::shape_type;
  return [&]<std::size_t... K>(std::index_sequence<K...>) {
    return view<OS>(v, e[detail::dyn_position<OS>(K)]...);
  }
  (std::make_index_sequence<OS::num_dyn>{});
}

}  // namespace ctorch
