// ctorch/ops/random/rand.hpp: rand (torch.rand) and rand_like (torch.rand_like): uniform samples on [0, 1).
// Shape: the template argument S; its Dyn extents are the run-time arguments, in order (as zeros), then an
// optional Generator (the default generator otherwise). Dtype: T, floating point. No gradient (a leaf).
// Values: PyTorch 1.13's, bit for bit, for the same seed: float takes the low 24 bits of a 32-bit draw times
// 2^-24, double the low 53 bits of a 64-bit draw times 2^-53, one draw per element in row-major order.
#pragma once
#include "uniform.hpp"

namespace ctorch {

// requires: T is float or double; one non-negative integer per Dyn extent of S, then optionally a Generator.
// ensures: a tensor of shape S, dtype T, on device D, each element uniform on [0, 1), drawn from the generator.
template <DType T, ShapeType S, Device D = Cpu, class... A>
Tensor<T, S, D> rand(A&&... args) {
  static_assert(std::is_floating_point_v<T>, "ctorch: rand: the dtype must be floating point (float or double)");
  return detail::random_creation<random_op::Rand, T, S, D, 0>(
      [](auto& t, Generator& g) { uniform_(t, 0.0, 1.0, g); }, std::forward<A>(args)...);
}

// requires: x is an expression of a floating dtype, or U is one. ensures: uniform samples on [0, 1) with x's
// shape, extents and device, of dtype U (x's when U is void).
template <class U = void, Expression X>
auto rand_like(const X& x, Generator& gen = default_generator()) {
  using R = detail::like_tensor_t<U, X>;
  return rand<typename R::value_type, typename R::shape_type, typename R::device_type>(x.dims(), gen);
}

}  // namespace ctorch
