// ctorch/ops/joining/scatter.hpp: scatter and scatter_add (torch.scatter, torch.scatter_add), and their
// in-place forms scatter_ and scatter_add_. For Dim 0: self[index[i][j]][j] = src[i][j] (scatter) or
// += src[i][j] (scatter_add), for every index of `index`. scatter also takes a number for src.
// The index has self's rank; index.size(d) <= src.size(d) for every d and index.size(d) <= self.size(d)
// for d != Dim (compile error on static extents, shape_error on Dyn); each index is in
// [0, self.size(Dim)), else index_error. With repeated indices, scatter keeps the last write (PyTorch
// leaves the order unspecified).
#pragma once
#include "gather.hpp"

namespace ctorch {

namespace detail {
template <std::size_t R>
bool index_fits_all(const std::array<index_t, R>& i, const std::array<index_t, R>& s) {
  for (std::size_t d = 0; d < R; ++d)
    if (i[d] > s[d]) return false;
  return true;
}
template <class IS, class SS>
constexpr bool index_fits_all_static() {
  if constexpr (IS::rank != SS::rank) {
    return false;
  } else {
    for (std::size_t d = 0; d < IS::rank; ++d)
      if (IS::static_extents[d] != Dyn && SS::static_extents[d] != Dyn && IS::static_extents[d] > SS::static_extents[d])
        return false;
    return true;
  }
}

// The shared loop: self (a mutable view) updated at the positions of index from src (a view or a number).
template <class Op, bool Add, int Dim, class T, class S, class I, class Src>
void scatter_impl(const TensorView<T, S, Cpu>& self, const I& index, const Src& src) {
  using IS = typename I::shape_type;
  static_assert(std::is_same_v<typename I::value_type, int64_t>,
                "ctorch: scatter: the index must be an int64 tensor");
  static_assert(std::is_same_v<typename I::device_type, Cpu>, "ctorch: scatter: host tensors only for now");
  constexpr std::size_t P = view_dim_check<Op, S, Dim>::value;
  constexpr bool src_is_expr = Expression<Src>;
  if constexpr (src_is_expr) {
    static_assert(joining_check<Op, Args<Dim>,
                                index_fits_static<P, S, IS>() &&
                                    index_fits_all_static<IS, typename Src::shape_type>(),
                                S, IS, typename Src::shape_type>::ok);
  } else {
    static_assert(joining_check<Op, Args<Dim>, index_fits_static<P, S, IS>(), S, IS>::ok);
  }
  if constexpr (IS::rank == S::rank) {
    const auto im = materialize(index);
    const auto iv = as_view(im);
    const auto se = self.dims().array();
    const auto ie = iv.dims().array();
    check_index_fits(Op::name, P, se, ie, "self");
    const auto sst = self.strides();
    const auto ist = iv.strides();
    auto run = [&](auto&& value_at) {
      for_each_index(ie, [&](const std::array<index_t, S::rank>& idx) {
        const index_t k = iv.data()[offset_of(idx, ist)];
        check_index_value(Op::name, k, P, se[P]);
        auto dst = idx;
        dst[P] = k;
        T& d = self.data()[offset_of(dst, sst)];
        if constexpr (Add)
          d = static_cast<T>(d + value_at(idx));
        else
          d = value_at(idx);
      });
    };
    if constexpr (src_is_expr) {
      // A copy of src first: src may alias self.
      const Tensor<T, typename Src::shape_type, Cpu> sm(as_dtype<T>(src));
      const auto sv = sm.view();
      const auto srcst = sv.strides();
      if (!index_fits_all(ie, sv.dims().array()))
        throw shape_error(join_op_error(Op::name, "expected index " + shape_string(ie) +
                                                      " to be smaller than src " + sv.dims().str() +
                                                      " in every dimension"));
      run([&](const std::array<index_t, S::rank>& idx) { return sv.data()[offset_of(idx, srcst)]; });
    } else {
      const T v = static_cast<T>(src);
      run([&](const std::array<index_t, S::rank>&) { return v; });
    }
  }
}
}  // namespace detail

// requires: as the header says; src an expression (converted to self's dtype) or a number.
// ensures: self updated in place; returns self.
template <int Dim, class T, class S, Expression I, Operand Src>
Tensor<T, S, Cpu>& scatter_(Tensor<T, S, Cpu>& self, const I& index, const Src& src) {
  detail::scatter_impl<op::Scatter, false, Dim>(self.view(), index, src);
  return self;
}
// requires: as scatter_, on a mutable view. ensures: the viewed elements updated in place.
template <int Dim, class T, class S, Expression I, Operand Src>
  requires(!std::is_const_v<T>)
void scatter_(const TensorView<T, S, Cpu>& self, const I& index, const Src& src) {
  detail::scatter_impl<op::Scatter, false, Dim>(self, index, src);
}
// requires: as scatter_. ensures: a new Tensor: a copy of x with the scattered values written.
template <int Dim, Expression X, Expression I, Operand Src>
auto scatter(const X& x, const I& index, const Src& src) {
  Tensor<std::remove_const_t<typename X::value_type>, typename X::shape_type, typename X::device_type> out(x);
  detail::scatter_impl<op::Scatter, false, Dim>(out.view(), index, src);
  return out;
}

// requires: as scatter_, src an expression. ensures: self[...index...] += src, in place; returns self.
template <int Dim, class T, class S, Expression I, Expression Src>
Tensor<T, S, Cpu>& scatter_add_(Tensor<T, S, Cpu>& self, const I& index, const Src& src) {
  detail::scatter_impl<op::ScatterAdd, true, Dim>(self.view(), index, src);
  return self;
}
// requires: as scatter_add_, on a mutable view.
template <int Dim, class T, class S, Expression I, Expression Src>
  requires(!std::is_const_v<T>)
void scatter_add_(const TensorView<T, S, Cpu>& self, const I& index, const Src& src) {
  detail::scatter_impl<op::ScatterAdd, true, Dim>(self, index, src);
}
// requires: as scatter_add_. ensures: a new Tensor: a copy of x with src added at the indexed positions.
template <int Dim, Expression X, Expression I, Expression Src>
auto scatter_add(const X& x, const I& index, const Src& src) {
  Tensor<std::remove_const_t<typename X::value_type>, typename X::shape_type, typename X::device_type> out(x);
  detail::scatter_impl<op::ScatterAdd, true, Dim>(out.view(), index, src);
  return out;
}

}  // namespace ctorch
