// ctorch/ops/reduction/cumsum.hpp: cumsum (torch.cumsum), the running sum along one dim.
// Shape: the input's. dtype: bool and integers give int64, floating point keeps its dtype; float32
// accumulates in float64 as PyTorch's CPU kernel does. Fused: cumsum(a * b) reads a and b once.
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

}  // namespace ctorch
