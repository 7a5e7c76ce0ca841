// ctorch/ops/view/contiguous.hpp: contiguous (torch.Tensor.contiguous). On a view: always a new Tensor
// holding a row-major copy (the result type cannot depend on whether the view's strides happen to be
// contiguous). On a Tensor, which is always contiguous: a view of itself, no copy (PyTorch returns self);
// on a Tensor rvalue: that Tensor, moved.
#pragma once
#include "common.hpp"

namespace ctorch {

// ensures: a new contiguous Tensor with v's shape and values.
template <class T, class S, class D>
Tensor<std::remove_const_t<T>, S, D> contiguous(const TensorView<T, S, D>& v) {
  return Tensor<std::remove_const_t<T>, S, D>(v);
}
// ensures: a (mutable / const) view of t itself, aliasing it.
template <class T, class S, class D>
TensorView<T, S, D> contiguous(Tensor<T, S, D>& t) {
  return t.view();
}
template <class T, class S, class D>
TensorView<const T, S, D> contiguous(const Tensor<T, S, D>& t) {
  return t.view();
}
// ensures: t itself, moved (no copy, nothing dangles).
template <class T, class S, class D>
Tensor<T, S, D> contiguous(Tensor<T, S, D>&& t) {
  return std::move(t);
}

}  // namespace ctorch
