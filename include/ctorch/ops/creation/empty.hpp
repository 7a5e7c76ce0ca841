// ctorch/ops/creation/empty.hpp: empty (torch.empty) and empty_like (torch.empty_like).
// Unlike PyTorch, the elements are not left uninitialised: they are 0 (storage is zero-filled), so
// reading them is never undefined behaviour. Code must not rely on that: use zeros when 0 is meant.
#pragma once
#include "common.hpp"

namespace ctorch {

// requires: one non-negative integer per Dyn extent of S. ensures: a tensor of shape S (elements 0).
template <DType T, ShapeType S, Device D = Cpu, class... I>
Tensor<T, S, D> empty(I... dyn) {
  return detail::make_creation<creation::Empty, T, S, D>(dyn...);
}
// ensures: a tensor of shape S with extents `dims` (elements 0).
template <DType T, ShapeType S, Device D = Cpu>
Tensor<T, S, D> empty(const Dims<S>& dims) {
  return Tensor<T, S, D>(dims);
}

// requires: x is an expression. ensures: a tensor of x's shape, extents and device, dtype U (x's when
// void), elements 0.
template <class U = void, Expression X>
auto empty_like(const X& x) {
  using R = detail::like_tensor_t<U, X>;
  return empty<typename R::value_type, typename R::shape_type, typename R::device_type>(x.dims());
}

}  // namespace ctorch
