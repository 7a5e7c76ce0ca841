// ctorch/ops/creation/ones.hpp: ones (torch.ones) and ones_like (torch.ones_like).
// Shape: the template argument S; its Dyn extents are the run-time arguments, in order.
#pragma once
#include "common.hpp"

namespace ctorch {

// requires: one non-negative integer per Dyn extent of S (compile error / shape_error otherwise).
// ensures: a tensor of shape S, dtype T, on device D, every element 1.
template <DType T, ShapeType S, Device D = Cpu, class... I>
Tensor<T, S, D> ones(I... dyn) {
  auto t = detail::make_creation<creation::Ones, T, S, D>(dyn...);
  t.fill_(T(1));
  return t;
}
// ensures: a tensor of shape S with extents `dims`, every element 1.
template <DType T, ShapeType S, Device D = Cpu>
Tensor<T, S, D> ones(const Dims<S>& dims) {
  Tensor<T, S, D> t(dims);
  t.fill_(T(1));
  return t;
}

// requires: x is an expression (tensor, view, ...). ensures: ones of x's shape, extents and device, of
// dtype U (x's dtype when U is void).
template <class U = void, Expression X>
auto ones_like(const X& x) {
  using R = detail::like_tensor_t<U, X>;
  return ones<typename R::value_type, typename R::shape_type, typename R::device_type>(x.dims());
}

}  // namespace ctorch
