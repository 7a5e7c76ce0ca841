// ctorch/ops/reduction/cumprod.hpp: cumprod (torch.cumprod), the running product along one dim.
// Shape: the input's. dtype: bool and integers give int64, floating point keeps its dtype; float32
// accumulates in float64 as PyTorch's CPU kernel does. Fused like cumsum.
#pragma once
#include "cumsum.hpp"
#include "prod.hpp"

namespace ctorch {

// requires: Dim in [-rank, rank). ensures: out[..., i, ...] = product of x[..., :i+1, ...] along Dim.
template <int Dim, Expression X>
auto cumprod(const X& x) {
  using S = detail::expr_shape_t<X>;
  constexpr std::size_t d = detail::reduce_dim_check<red::Prod, S, Dim>::value;
  using V = detail::expr_value_t<X>;
  return detail::reduce_along<red::Prod, detail::scan_acc_t<V>, detail::sum_acc_t<V>, S, true>(x, d, "cumprod");
}

}  // namespace ctorch
