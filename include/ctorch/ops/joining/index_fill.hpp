// ctorch/ops/joining/index_fill.hpp: index_fill and index_fill_ (torch.index_fill,
// torch.Tensor.index_fill_): for Dim 0, self[index[i]] = value for every i.
// index: a 1-D int64 or int32 expression; each index in [-self.size(Dim), self.size(Dim)) (negative ones
// count from the end, as in PyTorch), else index_error. value: a number, converted to self's dtype.
// Shape and dtype: self's. Gradient: self's is the gradient with the filled slices zeroed.
#pragma once
#include "index_add.hpp"

namespace ctorch {

// requires: as the header says. ensures: self updated in place; returns self.
template <int Dim, class T, class S, Expression I, Arithmetic V>
Tensor<T, S, Cpu>& index_fill_(Tensor<T, S, Cpu>& self, const I& index, V value) {
  detail::index_update<op::IndexFill, detail::IndexMode::Fill, Dim>(self.view(), index, value);
  return self;
}
// requires: as index_fill_, on a mutable view. ensures: the viewed elements updated in place.
template <int Dim, class T, class S, Expression I, Arithmetic V>
requires(!std::is_const_v<T>) void index_fill_(const TensorView<T, S, Cpu>& self, const I& index, V value) {
  detail::index_update<op::IndexFill, detail::IndexMode::Fill, Dim>(self, index, value);
}
// requires: as index_fill_. ensures: a new Tensor: a copy of x with value in the indexed slices.
template <int Dim, Expression X, Expression I, Arithmetic V>
auto index_fill(const X& x, const I& index, V value) {
  Tensor<std::remove_const_t<typename X::value_type>, typename X::shape_type, typename X::device_type> out(x);
  detail::index_update<op::IndexFill, detail::IndexMode::Fill, Dim>(out.view(), index, value);
  return out;
}

// Autograd: index_fill on a Var: the gradient with the filled slices zeroed.
template <int Dim, Tracked X, Expression I, Arithmetic V>
auto index_fill(const X& x, const I& index, V value) {
  return detail::index_update_tracked<op::IndexFill, detail::IndexMode::Fill, Dim>("IndexFillBackward0", x, index,
                                                                                   value);
}

}  // namespace ctorch
