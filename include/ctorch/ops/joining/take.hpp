// ctorch/ops/joining/take.hpp: take (torch.take): the entries of the flattened x (row-major) at the
// positions in an int64 index, into a new Tensor. Shape: the index's. dtype: x's.
// Negative indices count from the end, as in PyTorch; an index outside [-numel, numel) throws index_error
// ("ctorch: take: index 7 is out of bounds for size 6"). Gradient: put with accumulate of the gradient.
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {
// The memory offset of row-major flat index k of extents ext read with strides st.
template <std::size_t R>
index_t flat_offset(index_t k, const std::array<index_t, R>& ext, const std::array<index_t, R>& st) {
  index_t off = 0;
  for (std::size_t d = R; d-- > 0;) {
    off += (k % ext[d]) * st[d];
    k /= ext[d];
  }
  return off;
}

// k wrapped into [0, n), or index_error naming op.
inline index_t wrap_flat_index(const char* op, index_t k, index_t n) {
  if (k < -n || k >= n)
    throw index_error(
        join_op_error(op, "index " + std::to_string(k) + " is out of bounds for size " + std::to_string(n)));
  return k < 0 ? k + n : k;
}
}  // namespace detail

// requires: index an int64 expression; every index in [-x.numel(), x.numel()) (index_error).
// ensures: out of index's shape with out[i] = x.flatten()[index[i]].
template <Expression X, Expression I>
auto take(const X& x, const I& index) {
  using IS = typename I::shape_type;
  using T = std::remove_const_t<typename X::value_type>;
  using Dev = typename X::device_type;
  static_assert(std::is_same_v<typename I::value_type, int64_t>, "ctorch: take: the index must be an int64 tensor");
  static_assert(std::is_same_v<Dev, Cpu> && std::is_same_v<typename I::device_type, Cpu>,
                "ctorch: take: host tensors only for now");
  const auto xm = detail::materialize(x);
  const auto im = detail::materialize(index);
  const auto xv = detail::as_view(xm);
  const auto iv = detail::as_view(im);
  const auto xe = xv.dims().array();
  const auto xs = xv.strides();
  const auto ist = iv.strides();
  const index_t n = xv.numel();
  Tensor<T, IS, Dev> out(iv.dims());
  T* o = out.data();
  detail::for_each_index(iv.dims().array(), [&](const auto& idx) {
    const index_t k = detail::wrap_flat_index("take", iv.data()[detail::offset_of(idx, ist)], n);
    *o++ = xv.data()[detail::flat_offset(k, xe, xs)];
  });
  return out;
}

// Autograd: g[i] is added at x.flatten()[index[i]] (put with accumulate into zeros); the node keeps a
// copy of the index.
template <Tracked X, Expression I>
auto take(const X& x, const I& index) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  auto out = take(v.value(), index);  // checks the index
  return autograd::record_linear(
      "TakeBackward0", std::move(out), Tensor<int64_t, typename I::shape_type, Cpu>(index),
      [](const auto& idx, const auto& g, const V& in) {
        if (!in.requires_grad()) return;
        bool fresh;
        auto* buf = autograd::grad_buffer(in, fresh).data();  // fresh: zeros, so += is right either way
        const index_t n = in.numel();
        for (index_t i = 0; i < idx.numel(); ++i) buf[detail::wrap_flat_index("take", idx.data()[i], n)] += g.data()[i];
      },
      [](const auto& idx, const auto& h) { return take(h, idx); }, v);
}

}  // namespace ctorch
