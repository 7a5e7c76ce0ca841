// ctorch/ops/joining/nonzero.hpp: nonzero (torch.nonzero) and nonzero_tuple (torch.nonzero(as_tuple=True)):
// the indices of x's non-zero entries (NaN counts as non-zero), in row-major order.
// nonzero: a Tensor<int64_t, Shape<Dyn, rank>>, one row per entry. nonzero_tuple: a std::array of rank
// Tensor<int64_t, Shape<Dyn>>, one per dim. The count depends on the data: a Dyn extent. Gradient: none.
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {
template <class X, class F>
index_t nonzero_walk(const X& x, F&& f) {
  using T = std::remove_const_t<typename X::value_type>;
  static_assert(std::is_same_v<typename X::device_type, Cpu>, "ctorch: nonzero: host tensors only for now");
  const auto xm = materialize(x);
  const auto xv = as_view(xm);
  const auto st = xv.strides();
  index_t count = 0;
  for_each_index(xv.dims().array(), [&](const auto& idx) {
    if (xv.data()[offset_of(idx, st)] != T(0)) f(count++, idx);
  });
  return count;
}
template <std::size_t... I>
std::array<Tensor<int64_t, Shape<Dyn>, Cpu>, sizeof...(I)> nonzero_columns(index_t n, std::index_sequence<I...>) {
  return {{(void(I), Tensor<int64_t, Shape<Dyn>, Cpu>(n))...}};
}
}  // namespace detail

// ensures: a Tensor<int64_t, Shape<Dyn, rank>> whose rows are the indices of x's non-zero entries.
template <Expression X>
auto nonzero(const X& x) {
  constexpr index_t R = index_t(X::shape_type::rank);
  const auto xm = detail::materialize(x);
  const auto xv = detail::as_view(xm);
  const index_t n = detail::nonzero_walk(xv, [](index_t, const auto&) {});
  Tensor<int64_t, Shape<Dyn, R>, Cpu> out(n);
  int64_t* o = out.data();
  detail::nonzero_walk(xv, [&](index_t, const auto& idx) {
    for (index_t d : idx) *o++ = d;
  });
  return out;
}

// ensures: rank 1-D int64 Tensors; entry i of tensor d is dim d's index of the i-th non-zero entry.
template <Expression X>
auto nonzero_tuple(const X& x) {
  constexpr std::size_t R = X::shape_type::rank;
  const auto xm = detail::materialize(x);
  const auto xv = detail::as_view(xm);
  const index_t n = detail::nonzero_walk(xv, [](index_t, const auto&) {});
  auto out = detail::nonzero_columns(n, std::make_index_sequence<R>{});
  detail::nonzero_walk(xv, [&](index_t i, const auto& idx) {
    for (std::size_t d = 0; d < R; ++d) out[d].data()[i] = idx[d];
  });
  return out;
}

}  // namespace ctorch
