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

// Calls f(base, stride, n) for every lane along dim d of a contiguous tensor of extents ext: the lane's
// elements are at base + j * stride, j < n.
template <std::size_t R, class F>
void for_each_scan_lane(const std::array<index_t, R>& ext, std::size_t d, F&& f) {
  index_t outer = 1, inner = 1;
  for (std::size_t k = 0; k < d; ++k) outer *= ext[k];
  for (std::size_t k = d + 1; k < R; ++k) inner *= ext[k];
  const index_t n = ext[d];
  if (n == 0) return;
  for (index_t o = 0; o < outer; ++o)
    for (index_t i = 0; i < inner; ++i) f(o * n * inner + i, inner, n);
}
}  // namespace detail

// requires: Dim in [-rank, rank). ensures: out[..., i, ...] = sum of x[..., :i+1, ...] along Dim.
template <int Dim, Expression X>
auto cumsum(const X& x) {
  using S = detail::expr_shape_t<X>;
  constexpr std::size_t d = detail::reduce_dim_check<red::Sum, S, Dim>::value;
  using V = detail::expr_value_t<X>;
  return detail::reduce_along<red::Sum, detail::scan_acc_t<V>, detail::sum_acc_t<V>, S, true>(x, d, "cumsum");
}

// Autograd: x_i reaches every y_j with j >= i, so its gradient is the running sum of g taken from the
// end of the lane (accumulated in scan_acc_t, as the forward).
template <int Dim, Tracked X>
auto cumsum(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  [[maybe_unused]] constexpr std::size_t d = detail::reduce_dim_check<red::Sum, typename V::shape_type, Dim>::value;
  return autograd::record(
      "CumsumBackward0", cumsum<Dim>(v.value()),
      [](const auto& g, const auto&, const V& in) {
        if (!in.requires_grad()) return;
        using T = typename V::value_type;
        using A = detail::scan_acc_t<T>;
        bool fresh;
        T* out = autograd::grad_buffer(in, fresh).data();  // a fresh buffer holds zeros: += is right either way
        const auto* gp = g.data();
        detail::for_each_scan_lane(g.sizes(), d, [&](index_t base, index_t st, index_t n) {
          A acc = 0;
          for (index_t j = n; j-- > 0;) {
            acc += static_cast<A>(gp[base + j * st]);
            out[base + j * st] += static_cast<T>(acc);
          }
        });
      },
      v);
}

}  // namespace ctorch
