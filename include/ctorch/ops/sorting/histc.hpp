// ctorch/ops/sorting/histc.hpp: histc (torch.histc): a histogram of x's elements in Bins equal-width bins
// between min and max (when min == max, the data's smallest and largest elements; when those are equal
// too, min - 1 and max + 1, as PyTorch). Elements outside [min, max] and NaN are ignored; an element equal
// to max falls in the last bin. The bin of e is floor((e - min) * Bins / (max - min)), computed in x's
// dtype as PyTorch does. Shape: Shape<Bins> (Bins is static, default 100). dtype: x's (floating point
// only: a compile error otherwise, as PyTorch rejects integer input). Gradient: none.
// Bins <= 0 is a compile error; min > max, or a non-finite range, throws value_error.
#pragma once
#include <limits>

#include "common.hpp"

namespace ctorch {

// requires: floating-point x; Bins > 0; min <= max, finite. ensures: a Tensor<T, Shape<Bins>> of counts.
template <index_t Bins = 100, Expression X>
auto histc(const X& x, double min = 0, double max = 0) {
  using S = typename X::shape_type;
  using T = std::remove_const_t<typename X::value_type>;
  using Dev = typename X::device_type;
  static_assert(std::is_floating_point_v<T>, "ctorch: histc: only floating point tensors (as in PyTorch)");
  static_assert(std::is_same_v<Dev, Cpu>, "ctorch: histc: host tensors only for now");
  static_assert(sorting_check<op::Histc, Args<Bins>, (Bins > 0), S>::ok);
  const auto xm = detail::materialize(x);
  const auto xv = detail::as_view(xm);
  const auto st = xv.strides();
  const auto ext = xv.dims().array();
  T lo = static_cast<T>(min), hi = static_cast<T>(max);
  if (lo > hi)
    throw value_error("ctorch: histc: max must be larger than min, got min " + std::to_string(min) + " and max " +
                      std::to_string(max));
  if (lo == hi && xv.numel() > 0) {
    bool first = true;
    detail::for_each_index(ext, [&](const auto& idx) {
      const T v = xv.data()[detail::offset_of(idx, st)];
      if (first) {
        lo = hi = v;
        first = false;
      } else {
        // NaN propagates, as x.min() and x.max() do: the range is then rejected below.
        lo = detail::is_nan(lo) || detail::is_nan(v) ? std::numeric_limits<T>::quiet_NaN() : std::min(lo, v);
        hi = detail::is_nan(hi) || detail::is_nan(v) ? std::numeric_limits<T>::quiet_NaN() : std::max(hi, v);
      }
    });
  }
  if (lo == hi) {
    lo -= 1;
    hi += 1;
  }
  if (!std::isfinite(lo) || !std::isfinite(hi))
    throw value_error("ctorch: histc: range of [" + std::to_string(double(lo)) + ", " + std::to_string(double(hi)) +
                      "] is not finite");
  Tensor<T, Shape<Bins>, Dev> out;
  detail::for_each_index(ext, [&](const auto& idx) {
    const T v = xv.data()[detail::offset_of(idx, st)];
    if (!(v >= lo && v <= hi)) return;
    index_t pos = static_cast<index_t>((v - lo) * T(Bins) / (hi - lo));
    if (pos >= Bins) pos = Bins - 1;
    if (pos < 0) pos = 0;
    out.data()[pos] += T(1);
  });
  return out;
}

}  // namespace ctorch
