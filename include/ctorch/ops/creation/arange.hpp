// ctorch/ops/creation/arange.hpp: arange (torch.arange): start, start + step, ... up to end (excluded).
// Shape: [Dyn], of length ceil((end - start) / step) as PyTorch computes it (in double). The arguments are
// converted to double for floating dtypes and to int64 for integer ones before any arithmetic (PyTorch's
// acc_type); the values are PyTorch 1.13's, bit for bit (its vectorised loop, see common.hpp).
#pragma once
#include <cmath>
#include <limits>

#include "common.hpp"

namespace ctorch {

// requires: T is not bool; step != 0; start and end finite; end - start has step's sign (or is 0)
// (value_error naming arange otherwise). ensures: a [Dyn] tensor of start + i * step, i = 0 .. size - 1.
template <DType T, Device D = Cpu, Arithmetic A, Arithmetic B, Arithmetic C = int>
Tensor<T, Shape<Dyn>, D> arange(A start, B end, C step = C(1)) {
  static_assert(!std::is_same_v<T, bool>, "ctorch: arange: not implemented for bool (as in PyTorch)");
  using Acc = detail::range_acc_t<T>;
  const Acc s = static_cast<Acc>(start), e = static_cast<Acc>(end), st = static_cast<Acc>(step);
  double size_d;
  if constexpr (std::is_integral_v<Acc>)
    size_d = std::ceil(static_cast<double>(e - s) / static_cast<double>(st));
  else
    size_d = std::ceil((e - s) / st);
  if (!(st > 0 || st < 0)) throw value_error("ctorch: arange: step must be nonzero");
  if (!std::isfinite(static_cast<double>(s)) || !std::isfinite(static_cast<double>(e)))
    throw value_error("ctorch: arange: unsupported range: " + std::to_string(s) + " -> " + std::to_string(e));
  if (!((st > 0 && e >= s) || (st < 0 && e <= s)))
    throw value_error("ctorch: arange: upper bound and lower bound inconsistent with step sign (start " +
                      std::to_string(s) + ", end " + std::to_string(e) + ", step " + std::to_string(st) + ")");
  if (!(size_d >= 0 && size_d <= static_cast<double>(std::numeric_limits<std::int64_t>::max())))
    throw value_error("ctorch: arange: invalid size, possible overflow");
  const auto n = static_cast<index_t>(size_d);
  Tensor<T, Shape<Dyn>, D> t(n);
  detail::fill_host(t, [&](T* p) {
    detail::torch_range_loop(
        p, n, [&](index_t i) { return static_cast<T>(detail::fused(st, static_cast<Acc>(i), s)); },
        [&](index_t i) { return static_cast<T>(detail::fused(st, static_cast<Acc>(i), s)); },
        [&](T b, index_t k) { return static_cast<T>(detail::fused(static_cast<Acc>(k), st, static_cast<Acc>(b))); });
  });
  return t;
}

// requires: end >= 0 and finite. ensures: arange(0, end, 1): 0, 1, ..., ceil(end) - 1.
template <DType T, Device D = Cpu, Arithmetic A>
Tensor<T, Shape<Dyn>, D> arange(A end) {
  return arange<T, D>(0, end, 1);
}

}  // namespace ctorch
