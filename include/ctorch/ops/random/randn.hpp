// ctorch/ops/random/randn.hpp: randn (torch.randn) and randn_like (torch.randn_like): standard normal samples.
// Shape: the template argument S, its Dyn extents at run time, then an optional Generator (as rand). Dtype: T,
// floating point. No gradient. Values: normal_(t, 0, 1) (see normal.hpp): PyTorch 1.13's bit for bit, float
// and double.
#pragma once
#include "normal.hpp"

namespace ctorch {

// requires: T is float or double; one non-negative integer per Dyn extent of S, then optionally a Generator.
// ensures: a tensor of shape S, dtype T, on device D, each element drawn from N(0, 1).
template <DType T, ShapeType S, Device D = Cpu, class... A>
Tensor<T, S, D> randn(A&&... args) {
  static_assert(std::is_floating_point_v<T>, "ctorch: randn: the dtype must be floating point (float or double)");
  return detail::random_creation<random_op::Randn, T, S, D, 0>(
      [](auto& t, Generator& g) { normal_(t, 0.0, 1.0, g); }, std::forward<A>(args)...);
}

// ensures: N(0, 1) samples with x's shape, extents and device, of dtype U (x's when U is void).
template <class U = void, Expression X>
auto randn_like(const X& x, Generator& gen = default_generator()) {
  using R = detail::like_tensor_t<U, X>;
  return randn<typename R::value_type, typename R::shape_type, typename R::device_type>(x.dims(), gen);
}

}  // namespace ctorch
