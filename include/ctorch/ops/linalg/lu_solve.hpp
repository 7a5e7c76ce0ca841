// ctorch/ops/linalg/lu_solve.hpp: lu_solve (torch.linalg.lu_solve, and torch.lu_solve's argument
// order), A X = B (or A^T X = B with adjoint) from lu_factor's result.
// Shape: LU [*, n, n], pivots [*, n], B [*, n, k] (batch dims broadcast) -> X [*, n, k]. dtype: float
// or double. Static mismatch: compile errors from square_check / rhs_check naming the op and the
// shapes; Dyn: shape_error. A zero on U's diagonal gives inf/nan as in PyTorch (lu_factor already
// refused it). Gradient: not yet.
#pragma once
#include "lu_unpack.hpp"

namespace ctorch {

namespace linalg {
// requires: LU square, pivots from lu_factor, B's rows == n. ensures: X with A X = B (A^T X = B when
// adjoint), A = P L U.
template <Expression X, Expression PX, Expression BX>
auto lu_solve(const X& LU, const PX& pivots, const BX& B, bool adjoint = false) {
  using T = ctorch::detail::lin_value_t<X>;
  using SA = ctorch::detail::lin_shape_t<X>;
  using SB = ctorch::detail::lin_shape_t<BX>;
  static_assert(ctorch::detail::square_check<op::LinalgLuSolve, SA, T>::value);
  static_assert(std::is_same_v<T, ctorch::detail::lin_value_t<BX>>, "ctorch: linalg.lu_solve: LU and B of one dtype");
  static_assert(ctorch::detail::rhs_check<op::LinalgLuSolve, SA, SB, false>::value);
  const auto lu = ctorch::detail::la_work(LU);
  const auto b = ctorch::detail::la_batch(lu.sizes());
  ctorch::detail::la_check_square(op::LinalgLuSolve::name, b, "LU");
  const auto piv = ctorch::detail::la_read_pivots<op::LinalgLuSolve>(pivots, b);
  const auto bw = ctorch::detail::la_work(B);
  const index_t n = b.n;
  return ctorch::detail::la_solve_rhs<op::LinalgLuSolve, SA, SB, T, false>(
      b.lead, n, bw, [] {}, [&](index_t ia, ctorch::detail::lapack::MatRef<T> x, index_t k) {
        ctorch::detail::lapack::getrs<T>(n, k, ctorch::detail::la_mat(const_cast<T*>(lu.data()), ia, n, n),
                                         piv.data() + ia * n, x, adjoint);
      });
}
}  // namespace linalg

// torch.lu_solve(b, LU_data, LU_pivots): the same as linalg::lu_solve(LU_data, LU_pivots, b).
// requires / ensures: as linalg::lu_solve.
template <Expression BX, Expression X, Expression PX>
auto lu_solve(const BX& b, const X& LU_data, const PX& LU_pivots) {
  return linalg::lu_solve(LU_data, LU_pivots, b);
}

}  // namespace ctorch
