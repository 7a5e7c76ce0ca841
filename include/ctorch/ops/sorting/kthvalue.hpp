// ctorch/ops/sorting/kthvalue.hpp: kthvalue (torch.kthvalue): the k-th smallest entry (k counts from 1)
// of x along dim Dim (default the last) and its position: {values, indices}. NaN counts as the largest
// value, as in PyTorch; among equal entries the first in sorted (stable) order is reported.
// Shape: x's with Dim removed (kept as 1 with Keep). dtype: values keep x's, indices are int64.
// Gradient: on a Var, {Var values, indices} (var_values_indices); the gradient goes to indices. k outside [1, size]
// throws index_error; an empty dim throws value_error; Dim out of range is a compile error.
#pragma once
#include "common.hpp"

namespace ctorch {

// requires: rank >= 1, Dim in [-rank, rank), 1 <= k <= x.size(Dim). ensures: {values, indices} of the
// k-th smallest entries along Dim.
template <int Dim = -1, bool Keep = false, Expression X>
auto kthvalue(const X& x, index_t k) {
  using S = typename X::shape_type;
  using T = std::remove_const_t<typename X::value_type>;
  constexpr std::size_t P = view_dim_check<op::Kthvalue, S, Dim>::value;
  const index_t n = x.dims()[P];
  if (k < 1 || k > n)
    throw index_error(detail::sort_error("kthvalue", "k (" + std::to_string(k) + ") is out of range for dimension " +
                                                         std::to_string(P) + " of size " + std::to_string(n)));
  return detail::lane_reduce<op::Kthvalue, Dim, Keep>(x, [&](std::vector<detail::Entry<T>>& lane) {
    detail::sort_entries(lane, false);
    return lane[std::size_t(k - 1)];
  });
}

// Autograd: each value sends its gradient to the position it was read from.
template <int Dim = -1, bool Keep = false, Tracked X>
auto kthvalue(const X& x, index_t k) {
  auto v = autograd::as_var(x);
  constexpr std::size_t P = view_dim_check<op::Kthvalue, typename decltype(v)::shape_type, Dim>::value;
  return detail::tracked_pick<P>("KthvalueBackward0", v, kthvalue<Dim, Keep>(v.value(), k));
}

}  // namespace ctorch
