// ctorch/ops/linalg/lu.hpp: lu (torch.linalg.lu), the LU factorization with partial pivoting A = P L U.
// Shape: A [*, m, n] -> P [*, m, m], L [*, m, k] (unit lower), U [*, k, n] (upper), k = min(m, n).
// dtype: float or double. Singular A is fine (U has a zero on its diagonal; no error, as PyTorch).
// Blocked right-looking with GEMM trailing updates for k >= 128. Gradient: not yet.
#pragma once
#include "lu_factor.hpp"
#include "lu_unpack.hpp"

namespace ctorch::linalg {

// requires: A of rank >= 2, float or double. ensures: {P, L, U} with P L U = A (P a permutation).
template <Expression X>
auto lu(const X& a) {
  using T = ctorch::detail::lin_value_t<X>;
  using S = ctorch::detail::lin_shape_t<X>;
  static_assert(ctorch::detail::matrix_check<op::LinalgLu, S, T>::value);
  std::vector<index_t> piv, info;
  const auto f = detail::lu_factor_raw(a, piv, info);
  return ctorch::detail::lu_unpack_raw<op::LinalgLu, S>(f.data(), ctorch::detail::la_batch(f.sizes()), piv);
}

}  // namespace ctorch::linalg
