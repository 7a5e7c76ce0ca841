// ctorch/ops/joining/put.hpp: put and put_ (torch.put, torch.Tensor.put_): source's entries written into
// the flattened self (row-major) at the positions in an int64 index; with accumulate, added instead
// (repeated indices then add up; without it the last write wins, PyTorch leaves that order unspecified).
// index and source must have the same number of elements (shape_error); negative indices count from the
// end; an index outside [-numel, numel) throws index_error. Shape and dtype: self's (source is converted).
// Gradient: self's is the gradient with the put positions zeroed (kept with accumulate); source's is take.
#pragma once
#include "take.hpp"

namespace ctorch {

namespace detail {
template <class T, class S, class I, class Src>
void put_impl(const TensorView<T, S, Cpu>& self, const I& index, const Src& source, bool accumulate) {
  static_assert(std::is_same_v<typename I::value_type, int64_t>, "ctorch: put: the index must be an int64 tensor");
  static_assert(std::is_same_v<typename I::device_type, Cpu> && std::is_same_v<typename Src::device_type, Cpu>,
                "ctorch: put: host tensors only for now");
  const auto im = materialize(index);
  const auto iv = as_view(im);
  // A copy of source first: it may alias self.
  const Tensor<T, typename Src::shape_type, Cpu> sm(as_dtype<T>(source));
  if (iv.numel() != sm.numel())
    throw shape_error(join_op_error("put", "expected source and index to have the same number of elements, but got " +
                                               std::to_string(sm.numel()) + " and " + std::to_string(iv.numel())));
  const auto se = self.dims().array();
  const auto ss = self.strides();
  const index_t n = self.numel();
  const auto ist = iv.strides();
  const T* src = sm.data();
  for_each_index(iv.dims().array(), [&](const auto& idx) {
    const index_t k = wrap_flat_index("put", iv.data()[offset_of(idx, ist)], n);
    T& d = self.data()[flat_offset(k, se, ss)];
    if (accumulate)
      d = static_cast<T>(d + *src);
    else
      d = *src;
    ++src;
  });
}
}  // namespace detail

// requires: as the header says. ensures: self updated in place; returns self.
template <class T, class S, Expression I, Expression Src>
Tensor<T, S, Cpu>& put_(Tensor<T, S, Cpu>& self, const I& index, const Src& source, bool accumulate = false) {
  detail::put_impl(self.view(), index, source, accumulate);
  return self;
}
// requires: as put_, on a mutable view. ensures: the viewed elements updated in place.
template <class T, class S, Expression I, Expression Src>
requires(!std::is_const_v<T>) void put_(const TensorView<T, S, Cpu>& self, const I& index, const Src& source,
                                        bool accumulate = false) {
  detail::put_impl(self, index, source, accumulate);
}
// requires: as put_. ensures: a new Tensor: a copy of x with source put at the indexed positions.
template <Expression X, Expression I, Expression Src>
auto put(const X& x, const I& index, const Src& source, bool accumulate = false) {
  Tensor<std::remove_const_t<typename X::value_type>, typename X::shape_type, typename X::device_type> out(x);
  detail::put_impl(out.view(), index, source, accumulate);
  return out;
}

}  // namespace ctorch
