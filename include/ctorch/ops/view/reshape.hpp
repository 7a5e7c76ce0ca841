// ctorch/ops/view/reshape.hpp: reshape (torch.reshape): the elements of x with another shape.
// Shape: as view (one Infer / -1 extent; static numel mismatch is a compile error naming both shapes).
// Unlike PyTorch, ctorch's reshape always returns a view, never a copy (its result type cannot depend
// on strides known at run time): an input whose strides need a copy throws shape_error; call
// reshape(contiguous(x)) there. Every Tensor and every contiguous view can be reshaped.
#pragma once
#include "view.hpp"

namespace ctorch {

// requires: as view. ensures: a view of shape NS aliasing v; shape_error when a copy would be needed.
template <class NS, class T, class S, class D, class... I>
requires ShapeType<NS>
auto reshape(const TensorView<T, S, D>& v, I... dyn) {
  return detail::view_impl<op::Reshape, NS>(v, dyn...);
}
// reshape<-1, 4>(x): the extents as integers, -1 inferred.
template <index_t... E, class T, class S, class D>
auto reshape(const TensorView<T, S, D>& v) {
  return detail::view_impl<op::Reshape, Shape<E...>>(v);
}
CTORCH_VIEW_FORWARD_TENSOR(reshape, (class NS), (NS))
CTORCH_VIEW_FORWARD_VAR(reshape, (class NS), (NS))
CTORCH_VIEW_FORWARD_TENSOR(reshape, (index_t... E), (E...))
CTORCH_VIEW_FORWARD_VAR(reshape, (index_t... E), (E...))

}  // namespace ctorch
