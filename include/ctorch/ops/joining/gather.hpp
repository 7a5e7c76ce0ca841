// ctorch/ops/joining/gather.hpp: gather (torch.gather): out[i][j][k] = x[i][index[i][j][k]][k] for Dim 1,
// into a new Tensor. Shape: the index's shape. dtype: x's.
// The index has x's rank and index.size(d) <= x.size(d) for d != Dim (compile error on static extents,
// shape_error on Dyn); each index is in [0, x.size(Dim)), else index_error. Gradient (x a Var): the
// gradient added back at the gathered positions (repeated indices add up), as scatter_add into zeros.
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {
// index.size(d) <= x.size(d) for every d but P, on the extents known statically.
template <std::size_t P, class XS, class IS>
constexpr bool index_fits_static() {
  if constexpr (XS::rank != IS::rank) {
    return false;
  } else {
    for (std::size_t d = 0; d < XS::rank; ++d)
      if (d != P && XS::static_extents[d] != Dyn && IS::static_extents[d] != Dyn &&
          IS::static_extents[d] > XS::static_extents[d])
        return false;
    return true;
  }
}

template <std::size_t R>
void check_index_fits(const char* op, std::size_t P, const std::array<index_t, R>& x, const std::array<index_t, R>& i,
                      const char* xname) {
  for (std::size_t d = 0; d < R; ++d)
    if (d != P && i[d] > x[d])
      throw shape_error(join_op_error(op, std::string("size does not match at dimension ") + std::to_string(d) +
                                              ": expected index " + shape_string(i) + " to be smaller than " + xname +
                                              " " + shape_string(x) + " apart from dimension " + std::to_string(P)));
}

inline void check_index_value(const char* op, index_t k, std::size_t P, index_t n) {
  if (k < 0 || k >= n)
    throw index_error(join_op_error(op, "index " + std::to_string(k) + " is out of bounds for dimension " +
                                            std::to_string(P) + " with size " + std::to_string(n)));
}
}  // namespace detail

// requires: x of rank >= 1, Dim in [-rank, rank); index an int64 expression of x's rank with
// index.size(d) <= x.size(d) for d != Dim and values in [0, x.size(Dim)).
// ensures: out of index's shape, out[idx] = x[idx with dim Dim replaced by index[idx]].
template <int Dim, Expression X, Expression I>
auto gather(const X& x, const I& index) {
  using XS = typename X::shape_type;
  using IS = typename I::shape_type;
  using T = std::remove_const_t<typename X::value_type>;
  using Dev = typename X::device_type;
  static_assert(std::is_same_v<typename I::value_type, int64_t>, "ctorch: gather: the index must be an int64 tensor");
  static_assert(std::is_same_v<Dev, Cpu> && std::is_same_v<typename I::device_type, Cpu>,
                "ctorch: gather: host tensors only for now");
  constexpr std::size_t P = view_dim_check<op::Gather, XS, Dim>::value;
  static_assert(joining_check<op::Gather, Args<Dim>, detail::index_fits_static<P, XS, IS>(), XS, IS>::ok);
  if constexpr (XS::rank == IS::rank) {
    const auto xm = detail::materialize(x);
    const auto im = detail::materialize(index);
    const auto xv = detail::as_view(xm);
    const auto iv = detail::as_view(im);
    const auto xe = xv.dims().array();
    const auto ie = iv.dims().array();
    detail::check_index_fits("gather", P, xe, ie, "self");
    Tensor<T, IS, Dev> out(iv.dims());
    T* o = out.data();
    const auto xst = xv.strides();
    const auto ist = iv.strides();
    detail::for_each_index(ie, [&](const std::array<index_t, XS::rank>& idx) {
      const index_t k = iv.data()[detail::offset_of(idx, ist)];
      detail::check_index_value("gather", k, P, xe[P]);
      auto src = idx;
      src[P] = k;
      *o++ = xv.data()[detail::offset_of(src, xst)];
    });
    return out;
  }
}

// Autograd: g[idx] is added at x[idx with dim Dim replaced by index[idx]]; the node keeps a copy of the
// index.
template <int Dim, Tracked X, Expression I>
auto gather(const X& x, const I& index) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  using IS = typename I::shape_type;
  auto out = gather<Dim>(v.value(), index);  // checks the index
  return autograd::record_linear(
      "GatherBackward0", std::move(out), Tensor<int64_t, IS, Cpu>(index),
      [](const auto& idx, const auto& g, const V& in) {
        if (!in.requires_grad()) return;
        constexpr std::size_t P = view_dim_check<op::Gather, typename V::shape_type, Dim>::value;
        bool fresh;
        auto& buf = autograd::grad_buffer(in, fresh);  // fresh: zeros, so += is right either way
        const auto st = buf.strides();
        const int64_t* ip = idx.data();
        const auto* gp = g.data();
        detail::for_each_index(idx.sizes(), [&](std::array<index_t, IS::rank> p) {
          p[P] = index_t(*ip++);
          buf.data()[detail::offset_of(p, st)] += *gp++;
        });
      },
      [](const auto& idx, const auto& h) { return gather<Dim>(h, idx); }, v);
}

}  // namespace ctorch
