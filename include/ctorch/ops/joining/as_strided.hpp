// ctorch/ops/joining/as_strided.hpp: as_strided (torch.as_strided): a view of shape NS that reads x's
// memory with the given strides from `offset` elements past x's first element, aliasing x.
// Bounds are checked, never trusted: every element the view addresses must lie in the memory x spans (for
// a Tensor, its storage: then offset is PyTorch's storage_offset; for a view, the elements between its
// lowest and highest addressed ones), else shape_error. Negative strides or offsets before that memory
// throw value_error / shape_error. Shape: NS (Dyn extents given at run time). dtype: x's. Gradient: the
// gradient scattered back through the same strides.
#pragma once
#include "../view/common.hpp"
#include "common.hpp"

namespace ctorch {

namespace detail {
template <class NS>
concept StaticShapeArg = ShapeType<NS> && NS::is_static;

template <class RS, class T, class S, class D>
TensorView<T, RS, D> as_strided_impl(const TensorView<T, S, D>& v, const std::array<index_t, RS::rank>& size,
                                     const std::array<index_t, RS::rank>& stride, index_t offset) {
  // The memory v spans, relative to v.data(): [lo, hi] (empty when v has no element).
  index_t lo = 0, hi = -1;
  if (v.numel() > 0) {
    hi = 0;
    const auto e = v.dims().array();
    for (std::size_t d = 0; d < S::rank; ++d) {
      const index_t reach = (e[d] - 1) * v.strides()[d];
      (reach < 0 ? lo : hi) += reach;
    }
  }
  for (index_t s : stride)
    if (s < 0)
      throw value_error("ctorch: as_strided: negative strides are not supported, got strides " + shape_string(stride));
  index_t span = 0, n = 1;
  for (std::size_t d = 0; d < RS::rank; ++d) {
    if (size[d] < 0) throw shape_error("ctorch: as_strided: negative size in " + shape_string(size));
    span += size[d] > 0 ? (size[d] - 1) * stride[d] : 0;
    n *= size[d];
  }
  if (n > 0 && (offset < lo || offset + span > hi))
    throw shape_error("ctorch: as_strided: a view of size " + shape_string(size) + " with strides " +
                      shape_string(stride) + " and offset " + std::to_string(offset) + " reaches elements [" +
                      std::to_string(offset) + ", " + std::to_string(offset + span) +
                      "], outside the input's elements [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  if (n == 0 && (offset < lo || offset > hi + 1))
    throw shape_error("ctorch: as_strided: offset " + std::to_string(offset) + " is outside the input's elements [" +
                      std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return make_view<RS, T, D>(v.data() + (n > 0 ? offset : 0), size, stride, "as_strided");
}
}  // namespace detail

// requires: size matching NS's static extents (shape_error); strides >= 0 (value_error); every addressed
// element inside the memory v spans (shape_error). ensures: a view of shape NS aliasing v.
template <class NS, class T, class S, class D>
requires ShapeType<NS>
auto as_strided(const TensorView<T, S, D>& v, const std::array<index_t, NS::rank>& size,
                const std::array<index_t, NS::rank>& stride, index_t offset = 0) {
  return detail::as_strided_impl<NS>(v, size, stride, offset);
}
// requires: NS fully static; otherwise as above. ensures: as above, with size NS's extents.
template <class NS, class T, class S, class D>
requires detail::StaticShapeArg<NS>
auto as_strided(const TensorView<T, S, D>& v, const std::array<index_t, NS::rank>& stride, index_t offset = 0) {
  return detail::as_strided_impl<NS>(v, NS::static_extents, stride, offset);
}
// On a Tensor: the same, as views of its storage (mutable from Tensor&, const from const Tensor&);
// deleted on an rvalue Tensor, whose views would dangle.
template <class NS, class T, class S, class D>
requires ShapeType<NS>
auto as_strided(Tensor<T, S, D>& t, const std::array<index_t, NS::rank>& size,
                const std::array<index_t, NS::rank>& stride, index_t offset = 0) {
  return as_strided<NS>(t.view(), size, stride, offset);
}
template <class NS, class T, class S, class D>
requires detail::StaticShapeArg<NS>
auto as_strided(Tensor<T, S, D>& t, const std::array<index_t, NS::rank>& stride, index_t offset = 0) {
  return as_strided<NS>(t.view(), stride, offset);
}
template <class NS, class T, class S, class D>
requires ShapeType<NS>
auto as_strided(const Tensor<T, S, D>& t, const std::array<index_t, NS::rank>& size,
                const std::array<index_t, NS::rank>& stride, index_t offset = 0) {
  return as_strided<NS>(t.view(), size, stride, offset);
}
template <class NS, class T, class S, class D>
requires detail::StaticShapeArg<NS>
auto as_strided(const Tensor<T, S, D>& t, const std::array<index_t, NS::rank>& stride, index_t offset = 0) {
  return as_strided<NS>(t.view(), stride, offset);
}
template <class NS, class T, class S, class D>
void as_strided(Tensor<T, S, D>&& t, const std::array<index_t, NS::rank>& size,
                const std::array<index_t, NS::rank>& stride, index_t offset = 0) = delete;
template <class NS, class T, class S, class D>
void as_strided(Tensor<T, S, D>&& t, const std::array<index_t, NS::rank>& stride, index_t offset = 0) = delete;

// On a Var: a Var holding a copy of the strided view (offset counts from the value's first element);
// the VJP adds the gradient back through the same strides, twice where the view reads an element twice.
template <class NS, class T, class S, class D>
requires ShapeType<NS>
auto as_strided(const Var<T, S, D>& v, const std::array<index_t, NS::rank>& size,
                const std::array<index_t, NS::rank>& stride, index_t offset = 0) {
  return detail::tracked_view_copy("AsStridedBackward0", v, as_strided<NS>(v.value().view(), size, stride, offset));
}
template <class NS, class T, class S, class D>
requires detail::StaticShapeArg<NS>
auto as_strided(const Var<T, S, D>& v, const std::array<index_t, NS::rank>& stride, index_t offset = 0) {
  return detail::tracked_view_copy("AsStridedBackward0", v, as_strided<NS>(v.value().view(), stride, offset));
}

}  // namespace ctorch
