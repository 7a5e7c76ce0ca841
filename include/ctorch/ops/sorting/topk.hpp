// ctorch/ops/sorting/topk.hpp: topk (torch.topk): the K largest (or smallest) entries of x along dim Dim
// (default the last) and their positions: {values, indices}. K is static (topk<3>(x)), or Dyn and given
// at run time (topk<Dyn, 1>(x, k)). The result is always sorted (largest first, or smallest first), with
// ties in their original order; NaN counts as the largest value, as in PyTorch; `sorted` only documents
// intent (PyTorch leaves the order unspecified without it). Shape: x's with K at Dim (Dyn for a run-time
// k). dtype: values keep x's, indices are int64. Gradient: on a Var, {Var values, indices}
// (var_values_indices); the values' gradient is scattered back through indices.
// K above a static extent or below 0 is a compile error; a run-time k outside [0, size] throws index_error.
#pragma once
#include "sort.hpp"

namespace ctorch {

namespace detail {
template <std::size_t P, class RS, class X>
auto topk_impl(const X& x, index_t k, bool largest) {
  using S = typename X::shape_type;
  using T = std::remove_const_t<typename X::value_type>;
  using Dev = typename X::device_type;
  static_assert(std::is_same_v<Dev, Cpu>, "ctorch: topk: host tensors only for now");
  const auto xm = materialize(x);
  const auto xv = as_view(xm);
  auto ext = xv.dims().array();
  const index_t n = ext[P];
  if (k < 0 || k > n)
    throw index_error(sort_error("topk", "k (" + std::to_string(k) + ") is out of range for dimension " +
                                             std::to_string(P) + " of size " + std::to_string(n)));
  ext[P] = k;
  const auto dims = Dims<RS>::from_array(ext, "topk");
  values_indices<T, RS, Dev> out{Tensor<T, RS, Dev>(dims), Tensor<int64_t, RS, Dev>(dims)};
  const auto ost = contiguous_strides(ext);
  ext[P] = 1;
  std::vector<index_t> base;
  for_each_index(ext, [&](const auto& idx) { base.push_back(offset_of(idx, ost)); });
  static_assert(S::rank == RS::rank);
  for_each_lane<P>(xv, [&](index_t l, std::vector<Entry<T>>& lane) {
    sort_entries(lane, largest);
    for (index_t j = 0; j < k; ++j) {
      out.values.data()[base[std::size_t(l)] + j * ost[P]] = lane[std::size_t(j)].value;
      out.indices.data()[base[std::size_t(l)] + j * ost[P]] = lane[std::size_t(j)].index;
    }
  });
  return out;
}
}  // namespace detail

// requires: rank >= 1, Dim in [-rank, rank), 0 <= K <= x.size(Dim) (compile error when static, else
// index_error). ensures: {values, indices} of the K largest (smallest) entries along Dim, in order.
template <index_t K, int Dim = -1, Expression X>
requires(K != Dyn && !Tracked<X>) auto topk(const X& x, bool largest = true, bool sorted = true) {
  using S = typename X::shape_type;
  constexpr std::size_t P = view_dim_check<op::Topk, S, Dim>::value;
  constexpr index_t n = S::static_extents[P];
  static_assert(sorting_check<op::Topk, Args<K, Dim>, (K >= 0 && (n == Dyn || K <= n)), S>::ok);
  (void)sorted;
  return detail::topk_impl<P, detail::with_extent_t<S, P, K>>(x, K, largest);
}
// requires: as above, k given at run time (index_error when out of range). ensures: as above, with a Dyn
// extent at Dim.
template <index_t K, int Dim = -1, Expression X>
requires(K == Dyn && !Tracked<X>) auto topk(const X& x, index_t k, bool largest = true, bool sorted = true) {
  using S = typename X::shape_type;
  constexpr std::size_t P = view_dim_check<op::Topk, S, Dim>::value;
  (void)sorted;
  return detail::topk_impl<P, detail::with_extent_t<S, P, Dyn>>(x, k, largest);
}

// Autograd: values[j] sends its gradient to x[indices[j]] along Dim. (The forms above exclude Vars: two
// requires-clauses on K are different constraints to the compiler, so neither form would be preferred.)
template <index_t K, int Dim = -1, Tracked X>
requires(K != Dyn) auto topk(const X& x, bool largest = true, bool sorted = true) {
  auto v = autograd::as_var(x);
  constexpr std::size_t P = view_dim_check<op::Topk, typename decltype(v)::shape_type, Dim>::value;
  return detail::tracked_pick<P>("TopkBackward0", v, topk<K, Dim>(v.value(), largest, sorted));
}
template <index_t K, int Dim = -1, Tracked X>
requires(K == Dyn) auto topk(const X& x, index_t k, bool largest = true, bool sorted = true) {
  auto v = autograd::as_var(x);
  constexpr std::size_t P = view_dim_check<op::Topk, typename decltype(v)::shape_type, Dim>::value;
  return detail::tracked_pick<P>("TopkBackward0", v, topk<K, Dim>(v.value(), k, largest, sorted));
}

}  // namespace ctorch
