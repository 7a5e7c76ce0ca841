// ctorch/ops/creation/range.hpp: range (torch.range, deprecated in PyTorch in favour of arange): start,
// start + step, ... up to end INCLUDED. Shape: [Dyn], of length trunc((end - start) / step) + 1 computed in
// the accumulation dtype (double for floating dtypes, int64 for integer ones: the arguments are converted
// first, so range<int64_t>(1, 10, 2.5) steps by 2), as PyTorch 1.13's range_out. Element i is
// start + i * step in that dtype, rounded twice (PyTorch's plain loop, no fused multiply-add), then
// converted to T. torch.range's default dtype is float32: range<float>.
#pragma once
#include <cmath>
#include <limits>
#include <string>

#include "common.hpp"

namespace ctorch {

// requires: T is not bool; step != 0; start and end finite; end - start has step's sign (or is 0)
// (value_error naming range otherwise). ensures: a [Dyn] tensor of start + i * step, i = 0 .. size - 1.
template <DType T, Device D = Cpu, Arithmetic A, Arithmetic B, Arithmetic C = int>
Tensor<T, Shape<Dyn>, D> range(A start, B end, C step = C(1)) {
  static_assert(!std::is_same_v<T, bool>, "ctorch: range: not implemented for bool (as in PyTorch)");
  using Acc = detail::range_acc_t<T>;
  const Acc s = static_cast<Acc>(start), e = static_cast<Acc>(end), st = static_cast<Acc>(step);
  if (!(st > 0 || st < 0)) throw value_error("ctorch: range: step must be nonzero");
  if (!std::isfinite(static_cast<double>(s)) || !std::isfinite(static_cast<double>(e)))
    throw value_error("ctorch: range: unsupported range: " + std::to_string(s) + " -> " + std::to_string(e));
  if (!((st > 0 && e >= s) || (st < 0 && e <= s)))
    throw value_error("ctorch: range: upper bound and lower bound inconsistent with step sign (start " +
                      std::to_string(s) + ", end " + std::to_string(e) + ", step " + std::to_string(st) + ")");
  const Acc q = (e - s) / st;  // >= 0 after the sign check
  if (!(static_cast<double>(q) < static_cast<double>(std::numeric_limits<std::int64_t>::max())))
    throw value_error("ctorch: range: invalid size, possible overflow");
  const auto n = static_cast<index_t>(q + Acc(1));
  Tensor<T, Shape<Dyn>, D> t(n);
  detail::fill_host(t, [&](T* p) {
    for (index_t i = 0; i < n; ++i) p[i] = static_cast<T>(detail::unfused(static_cast<Acc>(i), st, s));
  });
  return t;
}

}  // namespace ctorch
