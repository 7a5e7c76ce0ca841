// ctorch/ops/sorting/renorm.hpp: renorm (torch.renorm): each slice of x along dim Dim (select<Dim>(x, i))
// whose p-norm exceeds maxnorm scaled down to norm maxnorm (by maxnorm / (norm + 1e-7), as PyTorch);
// the others are kept. Into a new Tensor. Shape and dtype: x's (floating point only: a compile error
// otherwise). Gradient: through the scale. p <= 0 or maxnorm < 0 throws value_error; Dim out of range is
// a compile error.
#pragma once
#include "../reduction/norm.hpp"
#include "common.hpp"

namespace ctorch {

// requires: floating-point x of rank >= 1; Dim in [-rank, rank); p > 0; maxnorm >= 0.
// ensures: a new Tensor with every slice along Dim of p-norm at most about maxnorm.
template <int Dim, Expression X>
auto renorm(const X& x, double p, double maxnorm) {
  using S = typename X::shape_type;
  using T = std::remove_const_t<typename X::value_type>;
  using Dev = typename X::device_type;
  static_assert(std::is_floating_point_v<T>, "ctorch: renorm: only floating point tensors (as in PyTorch)");
  constexpr std::size_t P = view_dim_check<op::Renorm, S, Dim>::value;
  if (!(p > 0)) throw value_error("ctorch: renorm: non-positive norm not supported, got p = " + std::to_string(p));
  if (!(maxnorm >= 0))
    throw value_error("ctorch: renorm: expected maxnorm to be >= 0 but got " + std::to_string(maxnorm));
  Tensor<T, S, Dev> out(x);
  const index_t n = out.dims()[P];
  for (index_t i = 0; i < n; ++i) {
    auto slice = select<int(P)>(out, i);
    const double norm = double(ctorch::norm(slice, p).item());
    if (norm > maxnorm) slice = slice * static_cast<T>(maxnorm / (norm + 1e-7));
  }
  return out;
}

}  // namespace ctorch
