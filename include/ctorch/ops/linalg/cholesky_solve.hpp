// ctorch/ops/linalg/cholesky_solve.hpp: cholesky_solve (torch.cholesky_solve), X with A X = B given the
// Cholesky factor of A (L with A = L L^T, or U with A = U^T U when upper).
// Shape: B [*, n, k], L [*, n, n]; batch dims broadcast -> X of B's
// shape. Static mismatch: compile error from square_check / rhs_check naming op::CholeskySolve; Dyn:
// shape_error. dtype: float or double. Only L's triangle is read; a zero on its diagonal gives
// inf/nan, as in PyTorch. Gradient: not yet.
#pragma once
#include "lapack_common.hpp"

namespace ctorch {

// requires: L square triangular (lower, or upper when upper), B's rows == n. ensures: X with
// L L^T X = B (U^T U X = B when upper).
template <Expression BX, Expression LX>
auto cholesky_solve(const BX& B, const LX& L, bool upper = false) {
  using T = detail::lin_value_t<LX>;
  using SA = detail::lin_shape_t<LX>;
  using SB = detail::lin_shape_t<BX>;
  static_assert(detail::square_check<op::CholeskySolve, SA, T>::value);
  static_assert(std::is_same_v<T, detail::lin_value_t<BX>>, "ctorch: cholesky_solve: B and L of one dtype");
  static_assert(detail::rhs_check<op::CholeskySolve, SA, SB, false>::value);
  auto lw = detail::la_work(L);
  const auto b = detail::la_batch(lw.sizes());
  detail::la_check_square(op::CholeskySolve::name, b, "L");
  const index_t n = b.n;
  const auto bw = detail::la_work(B);
  return detail::la_solve_rhs<op::CholeskySolve, SA, SB, T, false>(
      b.lead, n, bw, [] {}, [&](index_t ia, detail::lapack::MatRef<T> x, index_t k) {
        auto l = detail::la_mat(lw.data(), ia, n, n);
        if (upper) l = l.t();  // U^T is lower
        detail::lapack::trsm<T>(n, k, l, true, false, x);
        detail::lapack::trsm<T>(n, k, l.t(), false, false, x);
      });
}

}  // namespace ctorch
