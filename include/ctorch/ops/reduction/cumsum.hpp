// ctorch/ops/reduction/cumsum.hpp: cumsum (torch.cumsum), the running sum along one dim.
// Shape: the input's. dtype: bool and integers give int64, floating point keeps its dtype; float32
// accumulates in float64 as PyTorch's CPU kernel does. Fused: cumsum(a * b) reads a and b once.
// Gradient: the running sum of the gradient from the end of each lane.
#pragma once
#include "sum.hpp"

namespace ctorch {
namespace detail {
// PyTorch's CPU scan accumulator (at::acc_type): double for floating point, int64 for the rest.
template <class T>
using scan_acc_t = std::conditional_t<std::is_floating_point_v<T>, double, std::int64_t>;

}  // namespace detail

// requires: Dim in [-rank, rank). ensures: out[..., i, ...] = sum of x[..., :i+1, ...] along Dim.
template <int Dim, Expression X>
auto cumsum(const X& x) {
  using S = detail::expr_shape_t<X>;
  constexpr std::size_t d = detail::reduce_dim_check<red::Sum, S, Dim>::value;
  using V = detail::expr_value_t<X>;
  return detail::reduce_along<red::Sum, detail::scan_acc_t<V>, detail::sum_acc_t<V>, S, true>(x, d, "cumsum");
}

namespace detail {
// The VJP of cumsum along D: the running sum of g from the end of each lane, added into out (accumulated in
// scan_acc_t, as the forward).
template <std::size_t D, class T, std::size_t R>
void reverse_cumsum_into(const std::array<index_t, R>& ext, const T* g, T* out) {
  using A = scan_acc_t<T>;
  for_each_lane(ext, D, [&](index_t base, index_t st, index_t n) {
    A acc = 0;
    for (index_t j = n; j-- > 0;) {
      acc += static_cast<A>(g[base + j * st]);
      out[base + j * st] += static_cast<T>(acc);
    }
  });
}

// The same as a recorded op (cumsum's create_graph VJP); its own VJP is cumsum, so every order is recorded.
template <std::size_t D, class T, class S, class Dev>
Var<T, S, Dev> reverse_cumsum(const Var<T, S, Dev>& g) {
  Tensor<T, S, Dev> out(g.dims());
  reverse_cumsum_into<D>(g.sizes(), g.value().data(), out.data());
  return autograd::record_graph(
      "CumsumBackwardBackward0", std::move(out),
      [](const auto& u, const auto&, const Var<T, S, Dev>& in) { autograd::accumulate(in, cumsum<int(D)>(u)); },
      [](const auto& u, const Var<T, S, Dev>& in) { autograd::accumulate_graph(in, cumsum<int(D)>(u)); }, g);
}
}  // namespace detail

// Autograd: x_i reaches every y_j with j >= i, so its gradient is the running sum of g taken from the
// end of the lane (detail::reverse_cumsum, recorded under create_graph).
template <int Dim, Tracked X>
auto cumsum(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  [[maybe_unused]] constexpr std::size_t d = detail::reduce_dim_check<red::Sum, typename V::shape_type, Dim>::value;
  return autograd::record_graph(
      "CumsumBackward0", cumsum<Dim>(v.value()),
      [](const auto& g, const auto&, const V& in) {
        if (!in.requires_grad()) return;
        bool fresh;  // a fresh buffer holds zeros: += is right either way
        detail::reverse_cumsum_into<d>(g.sizes(), g.data(), autograd::grad_buffer(in, fresh).data());
      },
      [](const auto& g, const V& in) { autograd::accumulate_graph(in, detail::reverse_cumsum<d>(g)); }, v);
}

}  // namespace ctorch
