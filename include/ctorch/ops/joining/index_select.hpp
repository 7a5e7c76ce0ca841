// ctorch/ops/joining/index_select.hpp: index_select (torch.index_select): the entries of x along dim Dim
// at the positions listed in a 1-D integer index, into a new Tensor.
// Shape: x's shape with dim Dim the index's length (static when the index's is). dtype: x's.
// Each index is checked: in [0, size) (negative ones are rejected, as in PyTorch), else index_error.
// Gradient (x a Var): slice i of the gradient added to slice index[i] (repeated indices add up).
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {
template <class S, std::size_t P, index_t L, std::size_t... I>
Shape<(I == P ? L : S::static_extents[I])...> replace_extent(std::index_sequence<I...>);
}  // namespace detail

// requires: x of rank >= 1, Dim in [-rank, rank); index a 1-D int64/int32 expression on x's device (host);
// each index in [0, x.size(Dim)). ensures: out with select<Dim>(out, i) == select<Dim>(x, index[i]).
template <int Dim, Expression X, Expression I>
auto index_select(const X& x, const I& index) {
  using XS = typename X::shape_type;
  using IS = typename I::shape_type;
  using IT = typename I::value_type;
  using T = std::remove_const_t<typename X::value_type>;
  using Dev = typename X::device_type;
  static_assert(std::is_same_v<IT, int64_t> || std::is_same_v<IT, int32_t>,
                "ctorch: index_select: the index must be an int64 or int32 tensor");
  static_assert(joining_check<op::IndexSelect, Args<Dim>, IS::rank == 1, XS, IS>::ok);
  static_assert(std::is_same_v<Dev, Cpu> && std::is_same_v<typename I::device_type, Cpu>,
                "ctorch: index_select: host tensors only for now");
  constexpr std::size_t P = view_dim_check<op::IndexSelect, XS, Dim>::value;
  if constexpr (IS::rank == 1) {
    using RS = decltype(detail::replace_extent<XS, P, IS::static_extents[0]>(std::make_index_sequence<XS::rank>{}));
    const auto xm = detail::materialize(x);
    const auto im = detail::materialize(index);
    const auto xv = detail::as_view(xm);
    const auto iv = detail::as_view(im);
    const index_t n = xv.dims()[P], len = iv.dims()[0];
    auto ext = xv.dims().array();
    ext[P] = len;
    Tensor<T, RS, Dev> out(Dims<RS>::from_array(ext, "index_select"));
    for (index_t i = 0; i < len; ++i) {
      const index_t k = index_t(iv(i));
      if (k < 0 || k >= n)
        throw index_error(detail::join_op_error("index_select", "index " + std::to_string(k) +
                                                                    " is out of bounds for dim " + std::to_string(P) +
                                                                    " with size " + std::to_string(n)));
      select<int(P)>(out, i) = select<int(P)>(xv, k);
    }
    return out;
  }
}

// Autograd: the VJP is index_add of the gradient into zeros; the node keeps a copy of the index.
template <int Dim, Tracked X, Expression I>
auto index_select(const X& x, const I& index) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  auto out = index_select<Dim>(v.value(), index);  // checks the index
  return autograd::record_linear(
      "IndexSelectBackward0", std::move(out), Tensor<typename I::value_type, typename I::shape_type, Cpu>(index),
      [](const auto& idx, const auto& g, const V& in) {
        if (!in.requires_grad()) return;
        constexpr std::size_t P = view_dim_check<op::IndexSelect, typename V::shape_type, Dim>::value;
        bool fresh;
        auto& buf = autograd::grad_buffer(in, fresh);  // fresh: zeros, so adding is right either way
        for (index_t i = 0; i < idx.numel(); ++i) {
          auto dst = select<int(P)>(buf.view(), index_t(idx.data()[i]));
          assign(dst, dst + select<int(P)>(g.view(), i));
        }
      },
      [](const auto& idx, const auto& h) { return index_select<Dim>(h, idx); }, v);
}

}  // namespace ctorch
