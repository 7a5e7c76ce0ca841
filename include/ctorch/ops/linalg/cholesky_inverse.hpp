// ctorch/ops/linalg/cholesky_inverse.hpp: cholesky_inverse (torch.cholesky_inverse), the inverse of
// A = L L^T (or U^T U when upper) from its Cholesky factor.
// Shape: [*, n, n] -> [*, n, n] (PyTorch 1.13 takes one matrix or a batch). Static non-square: compile
// error from square_check<op::CholeskyInverse, Shape>; Dyn: shape_error. dtype: float or double. A zero
// on the factor's diagonal gives inf/nan, as in PyTorch. Gradient: not yet.
#pragma once
#include "lapack_common.hpp"

namespace ctorch {

// requires: L square triangular (lower, or upper when upper). ensures: inv(L L^T) (inv(U^T U)), symmetric.
template <Expression LX>
auto cholesky_inverse(const LX& L, bool upper = false) {
  using T = detail::lin_value_t<LX>;
  using S = detail::lin_shape_t<LX>;
  static_assert(detail::square_check<op::CholeskyInverse, S, T>::value);
  auto lw = detail::la_work(L);
  const auto b = detail::la_batch(lw.sizes());
  detail::la_check_square(op::CholeskyInverse::name, b, "L");
  const index_t n = b.n;
  Tensor<T, S, Cpu> out(lw.dims());
  detail::la_for_batch(b.count, n, [&](index_t i) {
    auto l = detail::la_mat(lw.data(), i, n, n);
    if (upper) l = l.t();
    auto x = detail::la_mat(out.data(), i, n, n);
    for (index_t r = 0; r < n; ++r) x(r, r) = T(1);
    detail::lapack::trsm<T>(n, n, l, true, false, x);
    detail::lapack::trsm<T>(n, n, l.t(), false, false, x);
  });
  return out;
}

}  // namespace ctorch
