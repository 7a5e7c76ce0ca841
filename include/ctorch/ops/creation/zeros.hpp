// ctorch/ops/creation/zeros.hpp: zeros (torch.zeros) and zeros_like (torch.zeros_like).
// Shape: the template argument S; its Dyn extents are the run-time arguments, in order.
#pragma once
#include "common.hpp"

namespace ctorch {

// requires: one non-negative integer per Dyn extent of S (compile error / shape_error otherwise).
// ensures: a tensor of shape S, dtype T, on device D, every element 0.
template <DType T, ShapeType S, Device D = Cpu, class... I>
Tensor<T, S, D> zeros(I... dyn) {
  return detail::make_creation<creation::Zeros, T, S, D>(dyn...);  // storage starts zero-filled
}
// ensures: a tensor of shape S with extents `dims`, every element 0.
template <DType T, ShapeType S, Device D = Cpu>
Tensor<T, S, D> zeros(const Dims<S>& dims) {
  return Tensor<T, S, D>(dims);  // storage starts zero-filled
}

// requires: x is an expression (tensor, view, ...). ensures: zeros of x's shape, extents and device, of
// dtype U (x's dtype when U is void).
template <class U = void, Expression X>
auto zeros_like(const X& x) {
  using R = detail::like_tensor_t<U, X>;
  return zeros<typename R::value_type, typename R::shape_type, typename R::device_type>(x.dims());
}

}  // namespace ctorch
