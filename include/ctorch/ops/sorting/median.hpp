// ctorch/ops/sorting/median.hpp: median and nanmedian (torch.median, torch.nanmedian): the lower median
// (for an even count, the smaller of the two middle entries, as PyTorch).
// median(x): a 0-d tensor, the median of every element; NaN if any element is NaN; NaN for an empty x.
// median<Dim, Keep>(x): {values, indices} along Dim (default the last); a lane holding NaN gives NaN and
// the first NaN's position. nanmedian ignores NaN (a lane of NaN only gives NaN).
// Shape: 0-d, or x's with Dim removed (kept as 1 with Keep). dtype: x's; indices int64. Gradient (on a
// Var): along a dim, {Var values, indices} and the gradient goes to indices; the full median shares it
// evenly among the elements equal to the result (among the NaNs when it is NaN), as PyTorch. An empty
// dim throws value_error; Dim out of range is a compile error. Among equal entries the first in sorted (stable) order
// is reported (PyTorch does not specify which).
#pragma once
#include <limits>

#include "common.hpp"

namespace ctorch {

namespace detail {
// The lower median of a lane; NaN when it holds one (IgnoreNan: of its numbers, NaN when it has none).
template <bool IgnoreNan, class T>
Entry<T> median_of(std::vector<Entry<T>>& lane) {
  sort_entries(lane, false);  // NaN last
  std::size_t m = lane.size();
  if constexpr (IgnoreNan) {
    while (m > 0 && is_nan(lane[m - 1].value)) --m;
    if (m == 0) return lane[0];
  } else {
    if (m > 0 && is_nan(lane[m - 1].value)) {
      for (const auto& e : lane)
        if (is_nan(e.value)) return e;  // the stable sort left the first NaN first among the NaNs
    }
  }
  return lane[(m - 1) / 2];
}

template <bool IgnoreNan, class X>
auto median_full(const X& x) {
  using T = std::remove_const_t<typename X::value_type>;
  using Dev = typename X::device_type;
  static_assert(std::is_same_v<Dev, Cpu>, "ctorch: median: host tensors only for now");
  const auto xm = materialize(x);
  const auto xv = as_view(xm);
  std::vector<Entry<T>> all;
  all.reserve(std::size_t(xv.numel()));
  const auto st = xv.strides();
  for_each_index(xv.dims().array(), [&](const auto& idx) {
    all.push_back(Entry<T>{xv.data()[offset_of(idx, st)], int64_t(all.size())});
  });
  T v;
  if (all.empty()) {
    if constexpr (std::is_floating_point_v<T>)
      v = std::numeric_limits<T>::quiet_NaN();
    else
      throw value_error(std::string("ctorch: ") + (IgnoreNan ? "nanmedian" : "median") +
                        ": the median of an empty integer tensor is undefined");
  } else {
    v = median_of<IgnoreNan>(all).value;
  }
  return Tensor<T, Shape<>, Dev>(v);
}
}  // namespace detail

// ensures: a 0-d tensor holding the lower median of every element (NaN if any is NaN, or if x is empty).
template <Expression X>
auto median(const X& x) {
  return detail::median_full<false>(x);
}
// requires: rank >= 1, Dim in [-rank, rank), a non-empty dim. ensures: {values, indices} of the lower
// medians along Dim.
template <int Dim, bool Keep = false, Expression X>
auto median(const X& x) {
  using T = std::remove_const_t<typename X::value_type>;
  return detail::lane_reduce<op::Median, Dim, Keep>(
      x, [](std::vector<detail::Entry<T>>& lane) { return detail::median_of<false>(lane); });
}
// ensures: a 0-d tensor holding the lower median of x's numbers, NaN ignored (NaN when there are none).
template <Expression X>
auto nanmedian(const X& x) {
  return detail::median_full<true>(x);
}
// requires: as median<Dim, Keep>. ensures: {values, indices} of the lower medians along Dim, NaN ignored.
template <int Dim, bool Keep = false, Expression X>
auto nanmedian(const X& x) {
  using T = std::remove_const_t<typename X::value_type>;
  return detail::lane_reduce<op::Nanmedian, Dim, Keep>(
      x, [](std::vector<detail::Entry<T>>& lane) { return detail::median_of<true>(lane); });
}

// Autograd: the full forms share the gradient evenly among ties (detail::evenly_distribute_backward,
// as PyTorch's median() and nanmedian()); the dim forms send it to the reported positions.
template <Tracked X>
auto median(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  return autograd::record_graph(
      "MedianBackward0", median(v.value()),
      [](const auto& g, const auto& y, const V& in) { detail::evenly_distribute_backward(in, g, y); },
      [](const auto& g, const V& in) { detail::evenly_distribute_backward_graph(in, g, median(in.value())); }, v);
}
template <int Dim, bool Keep = false, Tracked X>
auto median(const X& x) {
  auto v = autograd::as_var(x);
  constexpr std::size_t P = view_dim_check<op::Median, typename decltype(v)::shape_type, Dim>::value;
  return detail::tracked_pick<P>("MedianBackward1", v, median<Dim, Keep>(v.value()));
}
template <Tracked X>
auto nanmedian(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  return autograd::record_graph(
      "NanmedianBackward0", nanmedian(v.value()),
      [](const auto& g, const auto& y, const V& in) { detail::evenly_distribute_backward(in, g, y); },
      [](const auto& g, const V& in) { detail::evenly_distribute_backward_graph(in, g, nanmedian(in.value())); }, v);
}
template <int Dim, bool Keep = false, Tracked X>
auto nanmedian(const X& x) {
  auto v = autograd::as_var(x);
  constexpr std::size_t P = view_dim_check<op::Nanmedian, typename decltype(v)::shape_type, Dim>::value;
  return detail::tracked_pick<P>("NanmedianBackward1", v, nanmedian<Dim, Keep>(v.value()));
}

}  // namespace ctorch
