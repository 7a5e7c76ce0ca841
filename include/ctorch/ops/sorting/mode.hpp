// ctorch/ops/sorting/mode.hpp: mode (torch.mode): the most frequent entry of x along dim Dim (default
// the last) and a position of it: {values, indices}. Among equally frequent values the smallest wins, and
// the index is that value's last position, as PyTorch's CPU kernel gives. NaN entries count as equal to
// each other and above every number.
// Shape: x's with Dim removed (kept as 1 with Keep). dtype: values keep x's, indices are int64.
// Gradient: on a Var, {Var values, indices} (var_values_indices); the gradient goes to indices. An empty dim throws
// value_error; Dim out of range is a compile error.
#pragma once
#include "common.hpp"

namespace ctorch {

// requires: rank >= 1, Dim in [-rank, rank), a non-empty dim. ensures: {values, indices} of the modes.
template <int Dim = -1, bool Keep = false, Expression X>
auto mode(const X& x) {
  using T = std::remove_const_t<typename X::value_type>;
  return detail::lane_reduce<op::Mode, Dim, Keep>(x, [](std::vector<detail::Entry<T>>& lane) {
    detail::sort_entries(lane, false);  // stable: equal values keep their positions in order
    detail::Entry<T> best = lane.back();
    std::size_t best_count = 0;
    for (std::size_t i = 0; i < lane.size();) {
      std::size_t j = i + 1;
      while (j < lane.size() && detail::nan_equal(lane[j].value, lane[i].value)) ++j;
      if (j - i > best_count) {  // strictly more: the smaller value wins a tie
        best_count = j - i;
        best = lane[j - 1];  // the last position of this value
      }
      i = j;
    }
    return best;
  });
}

// Autograd: each value sends its gradient to the position reported in indices (as PyTorch).
template <int Dim = -1, bool Keep = false, Tracked X>
auto mode(const X& x) {
  auto v = autograd::as_var(x);
  constexpr std::size_t P = view_dim_check<op::Mode, typename decltype(v)::shape_type, Dim>::value;
  return detail::tracked_pick<P>("ModeBackward0", v, mode<Dim, Keep>(v.value()));
}

}  // namespace ctorch
