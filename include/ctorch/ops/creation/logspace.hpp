// ctorch/ops/creation/logspace.hpp: logspace (torch.logspace): base ** linspace(start, end, steps).
// Spelling: logspace<T, N>(start, end, base = 10) has shape [N]; logspace<T>(start, end, steps, base = 10)
// has shape [Dyn]. As PyTorch 1.13: start and end are converted to T, step = double(end - start) /
// (steps - 1), exponent i is start + i * step below steps / 2 and end - (steps - 1 - i) * step from there
// (in double), element i is T(pow(base, exponent)); steps == 1 gives [pow(base, start)].
#pragma once
#include <cmath>

#include "common.hpp"

namespace ctorch {

namespace detail {
template <class T, class A, class B>
void logspace_fill(T* p, A start, B end, index_t steps, double base) {
  if (steps == 0) return;
  if (steps == 1) {
    p[0] = static_cast<T>(std::pow(base, static_cast<double>(start)));
    return;
  }
  const T s = static_cast<T>(start), e = static_cast<T>(end);
  const double step = static_cast<double>(e - s) / static_cast<double>(steps - 1);
  const index_t half = steps / 2;
  for (index_t i = 0; i < steps; ++i) {
    const double x = i < half ? unfused(step, static_cast<double>(i), static_cast<double>(s))
                              : unfused(-step, static_cast<double>(steps - i - 1), static_cast<double>(e));
    p[i] = static_cast<T>(std::pow(base, x));
  }
}
}  // namespace detail

// requires: T is not bool; N >= 0 (a static extent). ensures: a [N] tensor of base ** (N values from start
// to end).
template <DType T, index_t N, Device D = Cpu, Arithmetic A, Arithmetic B>
requires(N != Dyn) Tensor<T, Shape<N>, D> logspace(A start, B end, double base = 10.0) {
  static_assert(!std::is_same_v<T, bool>, "ctorch: logspace: not implemented for bool (as in PyTorch)");
  Tensor<T, Shape<N>, D> t;
  detail::fill_host(t, [&](T* p) { detail::logspace_fill(p, start, end, N, base); });
  return t;
}

// requires: T is not bool; steps >= 0 (value_error otherwise). ensures: a [steps] tensor of base ** (steps
// values from start to end).
template <DType T, Device D = Cpu, Arithmetic A, Arithmetic B, std::integral I>
Tensor<T, Shape<Dyn>, D> logspace(A start, B end, I steps, double base = 10.0) {
  static_assert(!std::is_same_v<T, bool>, "ctorch: logspace: not implemented for bool (as in PyTorch)");
  if (steps < 0)
    throw value_error("ctorch: logspace: number of steps must be non-negative, got " + std::to_string(steps));
  Tensor<T, Shape<Dyn>, D> t(static_cast<index_t>(steps));
  detail::fill_host(t, [&](T* p) { detail::logspace_fill(p, start, end, static_cast<index_t>(steps), base); });
  return t;
}

}  // namespace ctorch
