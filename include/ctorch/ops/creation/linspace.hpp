// ctorch/ops/creation/linspace.hpp: linspace (torch.linspace): `steps` evenly spaced values from start to
// end, both included. Spelling: linspace<T, N>(start, end) has the static shape [N]; linspace<T>(start,
// end, steps) has shape [Dyn]. As PyTorch 1.13: step = (end - start) / (steps - 1) in T (in double for
// integer T), element i is start + i * step for i < steps / 2 and end - (steps - 1 - i) * step for the
// rest, through PyTorch's vectorised loop (common.hpp), so the values are PyTorch's bit for bit; integer
// results are truncated toward zero. steps == 1 gives [start].
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {
template <class T, class A, class B>
void linspace_fill(T* p, A start, B end, index_t steps) {
  if (steps == 0) return;
  if (steps == 1) {
    p[0] = static_cast<T>(start);
    return;
  }
  using Step = std::conditional_t<std::is_integral_v<T>, double, T>;
  const T s = static_cast<T>(start), e = static_cast<T>(end);
  const Step step = (static_cast<Step>(e) - static_cast<Step>(s)) / static_cast<Step>(steps - 1);
  const index_t half = steps / 2;
  auto at = [&](index_t i) {
    return static_cast<T>(i < half ? fused(step, static_cast<Step>(i), static_cast<Step>(s))
                                   : fused(-step, static_cast<Step>(steps - i - 1), static_cast<Step>(e)));
  };
  torch_range_loop(p, steps, at, at, [&](T b, index_t k) {
    return static_cast<T>(unfused(static_cast<Step>(k), step, static_cast<Step>(b)));
  });
}
}  // namespace detail

// requires: T is not bool; N >= 0 (a static extent). ensures: a [N] tensor of N values from start to end.
template <DType T, index_t N, Device D = Cpu, Arithmetic A, Arithmetic B>
requires(N != Dyn) Tensor<T, Shape<N>, D> linspace(A start, B end) {
  static_assert(!std::is_same_v<T, bool>, "ctorch: linspace: not implemented for bool (as in PyTorch)");
  Tensor<T, Shape<N>, D> t;
  detail::fill_host(t, [&](T* p) { detail::linspace_fill(p, start, end, N); });
  return t;
}

// requires: T is not bool; steps >= 0 (value_error otherwise). ensures: a [steps] tensor from start to end.
template <DType T, Device D = Cpu, Arithmetic A, Arithmetic B, std::integral I>
Tensor<T, Shape<Dyn>, D> linspace(A start, B end, I steps) {
  static_assert(!std::is_same_v<T, bool>, "ctorch: linspace: not implemented for bool (as in PyTorch)");
  if (steps < 0)
    throw value_error("ctorch: linspace: number of steps must be non-negative, got " + std::to_string(steps));
  Tensor<T, Shape<Dyn>, D> t(static_cast<index_t>(steps));
  detail::fill_host(t, [&](T* p) { detail::linspace_fill(p, start, end, static_cast<index_t>(steps)); });
  return t;
}

}  // namespace ctorch
