// ctorch/ops/sorting/sort.hpp: sort (torch.sort): x's entries sorted along dim Dim (default the last),
// with the positions they came from: {values, indices} (torch.return_types.sort; also
// `auto [v, i] = sort<1>(x)`). Ascending unless descending; NaN sorts above every number (last ascending,
// first descending), as in PyTorch. The sort is always stable (equal entries keep their order), so the
// stable flag only documents intent. Shape: x's (both members). dtype: values keep x's, indices are
// int64. Gradient: on a Var, {Var values, indices} (var_values_indices); the values' gradient is
// scattered back through indices. Dim out of range is a compile error.
#pragma once
#include "common.hpp"

namespace ctorch {

// requires: rank >= 1, Dim in [-rank, rank). ensures: {values, indices} with values[..., j, ...] =
// x[..., indices[..., j, ...], ...] ordered along Dim.
template <int Dim = -1, Expression X>
auto sort(const X& x, bool descending = false, bool stable = false) {
  using S = typename X::shape_type;
  using T = std::remove_const_t<typename X::value_type>;
  using Dev = typename X::device_type;
  static_assert(std::is_same_v<Dev, Cpu>, "ctorch: sort: host tensors only for now");
  constexpr std::size_t P = view_dim_check<op::Sort, S, Dim>::value;
  (void)stable;
  const auto xm = detail::materialize(x);
  const auto xv = detail::as_view(xm);
  values_indices<T, S, Dev> out{Tensor<T, S, Dev>(xv.dims()), Tensor<int64_t, S, Dev>(xv.dims())};
  auto ext = xv.dims().array();
  const auto ost = contiguous_strides(ext);
  ext[P] = 1;
  // The lanes come in row-major order of the other dims: the same order as their first output offsets.
  std::vector<index_t> base;
  detail::for_each_index(ext, [&](const auto& idx) { base.push_back(detail::offset_of(idx, ost)); });
  detail::for_each_lane<P>(xv, [&](index_t k, std::vector<detail::Entry<T>>& lane) {
    detail::sort_entries(lane, descending);
    for (std::size_t j = 0; j < lane.size(); ++j) {
      out.values.data()[base[std::size_t(k)] + index_t(j) * ost[P]] = lane[j].value;
      out.indices.data()[base[std::size_t(k)] + index_t(j) * ost[P]] = lane[j].index;
    }
  });
  return out;
}

// Autograd: sort permutes each lane, so values[j] sends its gradient to x[indices[j]].
template <int Dim = -1, Tracked X>
auto sort(const X& x, bool descending = false, bool stable = false) {
  auto v = autograd::as_var(x);
  constexpr std::size_t P = view_dim_check<op::Sort, typename decltype(v)::shape_type, Dim>::value;
  return detail::tracked_pick<P>("SortBackward0", v, sort<Dim>(v.value(), descending, stable));
}

}  // namespace ctorch
