// ctorch/ops/joining/scatter.hpp: scatter and scatter_add (torch.scatter, torch.scatter_add), and their
// in-place forms scatter_ and scatter_add_. For Dim 0: self[index[i][j]][j] = src[i][j] (scatter) or
// += src[i][j] (scatter_add), for every index of `index`. scatter also takes a number for src.
// The index has self's rank; index.size(d) <= src.size(d) for every d and index.size(d) <= self.size(d)
// for d != Dim (compile error on static extents, shape_error on Dyn); each index is in
// [0, self.size(Dim)), else index_error. With repeated indices, scatter keeps the last write (PyTorch
// leaves the order unspecified).
// Gradient (x or src a Var): scatter_add passes the gradient to x and gathers it for src; scatter zeroes
// it at the written positions for x, and src gets it for the writes that were not overwritten.
#pragma once
#include <vector>

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

// Where each entry of a (checked) index, in row-major order, writes in a contiguous tensor of extents
// xe: f(entry number, the entry's index, the destination's offset).
template <std::size_t P, class I, std::size_t R, class F>
void for_each_scatter_target(const I& idx, const std::array<index_t, R>& xe, F&& f) {
  const auto xst = contiguous_strides(xe);
  const int64_t* ip = idx.data();
  index_t j = 0;
  for_each_index(idx.sizes(), [&](const std::array<index_t, R>& at) {
    auto dst = at;
    dst[P] = index_t(*ip++);
    f(j++, at, offset_of(dst, xst));
  });
}

// The VJP of scatter (Add false) or scatter_add (Add true) for self: g, zeroed where scatter wrote.
template <std::size_t P, bool Add, class V, class G, class I>
void scatter_self_backward(const V& in, const G& g, const I& idx) {
  if (!in.requires_grad()) return;
  std::vector<bool> written(std::size_t(g.numel()), false);
  if constexpr (!Add)
    for_each_scatter_target<P>(idx, g.sizes(),
                               [&](index_t, const auto&, index_t t) { written[std::size_t(t)] = true; });
  bool fresh;
  auto* out = autograd::grad_buffer(in, fresh).data();  // fresh: zeros, so += is right either way
  for (index_t i = 0; i < g.numel(); ++i)
    if (!written[std::size_t(i)]) out[i] += g.data()[i];
}

// The VJP for src: entry j of the index gets g at its destination (scatter: only when no later entry
// wrote there, since an overwritten value never reaches the output). src may be larger than the index:
// its other entries get 0.
template <std::size_t P, bool Add, class V, class G, class I>
void scatter_src_backward(const V& src, const G& g, const I& idx) {
  if (!src.requires_grad()) return;
  using TS = typename V::value_type;
  std::vector<index_t> last;
  if constexpr (!Add) {
    last.assign(std::size_t(g.numel()), -1);
    for_each_scatter_target<P>(idx, g.sizes(), [&](index_t j, const auto&, index_t t) { last[std::size_t(t)] = j; });
  }
  const auto sst = src.value().strides();
  bool fresh;
  auto* out = autograd::grad_buffer(src, fresh).data();  // fresh: zeros, so += is right either way
  for_each_scatter_target<P>(idx, g.sizes(), [&](index_t j, const auto& at, index_t t) {
    if (Add || last[std::size_t(t)] == j) out[offset_of(at, sst)] += static_cast<TS>(g.data()[t]);
  });
}

template <class Op, bool Add, int Dim, class X, class I, class Src>
auto scatter_tracked(const char* name, const X& x, const I& index, const Src& src) {
  auto vx = autograd::as_var(x);
  using VX = decltype(vx);
  [[maybe_unused]] constexpr std::size_t P = view_dim_check<Op, typename VX::shape_type, Dim>::value;
  Tensor<int64_t, typename I::shape_type, Cpu> idx(index);
  Tensor<typename VX::value_type, typename VX::shape_type, Cpu> out(vx.value());
  if constexpr (Expression<Src>) {
    auto vs = autograd::as_var(src);
    using VS = decltype(vs);
    scatter_impl<Op, Add, Dim>(out.view(), idx, vs.value());  // checks the index
    // Linear in (self, src) jointly: lin is the scatter of the arriving gradients.
    return autograd::record_linear(
        name, std::move(out), std::move(idx),
        [](const auto& idx, const auto& g, const VX& in, const VS& s) {
          scatter_self_backward<P, Add>(in, g, idx);
          scatter_src_backward<P, Add>(s, g, idx);
        },
        [](const auto& idx, const auto& hx, const auto& hs) {
          auto y = hx;
          scatter_impl<Op, Add, Dim>(y.view(), idx, hs);
          return y;
        },
        vx, vs);
  } else {
    scatter_impl<Op, Add, Dim>(out.view(), idx, src);
    // Affine in self: the linear part scatters 0.
    return autograd::record_linear(
        name, std::move(out), std::move(idx),
        [](const auto& idx, const auto& g, const VX& in) { scatter_self_backward<P, Add>(in, g, idx); },
        [](const auto& idx, const auto& h) {
          auto y = h;
          scatter_impl<Op, Add, Dim>(y.view(), idx, typename VX::value_type(0));
          return y;
        },
        vx);
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

// Autograd: scatter and scatter_add when x or src is a Var (VJPs: detail::scatter_self_backward and
// scatter_src_backward); the node keeps a copy of the index.
template <int Dim, Expression X, Expression I, Operand Src>
requires(Tracked<X> || Tracked<Src>) auto scatter(const X& x, const I& index, const Src& src) {
  return detail::scatter_tracked<op::Scatter, false, Dim>("ScatterBackward0", x, index, src);
}
template <int Dim, Expression X, Expression I, Expression Src>
requires(Tracked<X> || Tracked<Src>) auto scatter_add(const X& x, const I& index, const Src& src) {
  return detail::scatter_tracked<op::ScatterAdd, true, Dim>("ScatterAddBackward0", x, index, src);
}

}  // namespace ctorch
