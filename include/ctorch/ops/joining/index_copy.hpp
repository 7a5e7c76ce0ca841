// ctorch/ops/joining/index_copy.hpp: index_copy and index_copy_ (torch.index_copy,
// torch.Tensor.index_copy_): for Dim 0, self[index[i]] = source[i] for every i (with repeated indices the
// last write wins; PyTorch leaves that unspecified).
// index: a 1-D int64 or int32 expression of length L; source: self's shape with dim Dim of extent L (a
// compile error on static extents, shape_error on Dyn ones); each index in [0, self.size(Dim)), else
// index_error. Shape and dtype: self's (source converted). Gradient: self's is the gradient with the
// copied slices zeroed; source's is index_select of it, zero for a slice a later entry overwrote.
#pragma once
#include "index_add.hpp"

namespace ctorch {

// requires: as the header says. ensures: self updated in place; returns self.
template <int Dim, class T, class S, Expression I, Expression Src>
Tensor<T, S, Cpu>& index_copy_(Tensor<T, S, Cpu>& self, const I& index, const Src& source) {
  detail::index_update<op::IndexCopy, detail::IndexMode::Copy, Dim>(self.view(), index, source);
  return self;
}
// requires: as index_copy_, on a mutable view. ensures: the viewed elements updated in place.
template <int Dim, class T, class S, Expression I, Expression Src>
requires(!std::is_const_v<T>) void index_copy_(const TensorView<T, S, Cpu>& self, const I& index, const Src& source) {
  detail::index_update<op::IndexCopy, detail::IndexMode::Copy, Dim>(self, index, source);
}
// requires: as index_copy_. ensures: a new Tensor: a copy of x with source's slices at the indices.
template <int Dim, Expression X, Expression I, Expression Src>
auto index_copy(const X& x, const I& index, const Src& source) {
  Tensor<std::remove_const_t<typename X::value_type>, typename X::shape_type, typename X::device_type> out(x);
  detail::index_update<op::IndexCopy, detail::IndexMode::Copy, Dim>(out.view(), index, source);
  return out;
}

// Autograd: index_copy when x or source is a Var (VJPs: detail::index_self_backward, index_source_backward).
template <int Dim, Expression X, Expression I, Expression Src>
requires(Tracked<X> || Tracked<Src>) auto index_copy(const X& x, const I& index, const Src& source) {
  return detail::index_update_tracked<op::IndexCopy, detail::IndexMode::Copy, Dim>("IndexCopyBackward0", x, index,
                                                                                   source);
}

}  // namespace ctorch
