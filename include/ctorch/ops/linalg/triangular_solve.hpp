// ctorch/ops/linalg/triangular_solve.hpp: triangular_solve (torch.triangular_solve) and
// solve_triangular (torch.linalg.solve_triangular): X with op(A) X = B for triangular A.
// triangular_solve(b, A, upper = true, transpose = false, unitriangular = false) -> {solution,
// cloned_coefficient}: op(A) = A or A^T; cloned_coefficient is a copy of A, as PyTorch returns it.
// linalg::solve_triangular(A, B, upper, left = true, unitriangular = false) -> X with A X = B (left) or
// X A = B (not left); B a matrix.
// Shape: A [*, n, n], B [*, n, k] (batch dims broadcast) -> X [*, n, k] (not left: B and X [*, k, n]).
// Only A's `upper` (or lower) triangle is read; with unitriangular its diagonal is taken
// as ones. Static mismatch: compile error from square_check / rhs_check; Dyn: shape_error. dtype: float
// or double. No singularity check (a zero on A's diagonal gives inf/nan, as in PyTorch).
// Method: blocked substitution with GEMM updates for n >= 128. Gradient: not yet.
#pragma once
#include "lapack_common.hpp"

namespace ctorch {

namespace linalg {
template <class TX, class TA>
struct TriangularSolveResult {
  TX solution;
  TA cloned_coefficient;
};
}  // namespace linalg

namespace detail {
// Solves op(A) X = B for each broadcast batch element; aw, bw are the contiguous work copies (B of
// shape SB, n rows). transpose: op(A) = A^T (whose triangle is the other one).
template <class Op, class SA, class SB, class W, class BW>
auto la_triangular(W& aw, const BW& bw, bool upper, bool transpose, bool unit) {
  using T = typename W::value_type;
  const auto b = la_batch(aw.sizes());
  la_check_square(Op::name, b);
  const index_t n = b.n;
  return la_solve_rhs<Op, SA, SB, T, false>(b.lead, n, bw, [] {}, [&](index_t ia, lapack::MatRef<T> x, index_t k) {
    const auto a = la_mat(aw.data(), ia, n, n);
    if (transpose) lapack::trsm<T>(n, k, a.t(), upper, unit, x);
    else lapack::trsm<T>(n, k, a, !upper, unit, x);
  });
}
}  // namespace detail

// requires: A square (its `upper` or lower triangle used), b [*, n, k]. ensures: {X, copy of A} with
// op(A) X = b, op(A) = A^T when transpose.
template <Expression BX, Expression AX>
auto triangular_solve(const BX& b, const AX& A, bool upper = true, bool transpose = false, bool unitriangular = false) {
  using T = detail::lin_value_t<AX>;
  using SA = detail::lin_shape_t<AX>;
  using SB = detail::lin_shape_t<BX>;
  static_assert(detail::square_check<op::TriangularSolve, SA, T>::value);
  static_assert(std::is_same_v<T, detail::lin_value_t<BX>>, "ctorch: triangular_solve: b and A of one dtype");
  static_assert(detail::rhs_check<op::TriangularSolve, SA, SB, false>::value);
  auto aw = detail::la_work(A);
  const auto bw = detail::la_work(b);
  auto x = detail::la_triangular<op::TriangularSolve, SA, SB>(aw, bw, upper, transpose, unitriangular);
  return linalg::TriangularSolveResult<decltype(x), decltype(aw)>{std::move(x), std::move(aw)};
}

namespace linalg {
// requires: A square triangular (upper or lower as said), B a matrix (or batch) with n rows (left) or
// n columns (not left); batch dims broadcast. ensures: X with A X = B (left) or X A = B, of B's
// (broadcast) shape. Which dim of B must match n depends on the run-time `left`, so that check is a
// run-time one (shape_error) even for static shapes.
template <Expression AX, Expression BX>
auto solve_triangular(const AX& A, const BX& B, bool upper, bool left = true, bool unitriangular = false) {
  using T = ctorch::detail::lin_value_t<AX>;
  using SA = ctorch::detail::lin_shape_t<AX>;
  using SB = ctorch::detail::lin_shape_t<BX>;
  static_assert(ctorch::detail::square_check<op::LinalgSolveTriangular, SA, T>::value);
  static_assert(std::is_same_v<T, ctorch::detail::lin_value_t<BX>>,
                "ctorch: linalg.solve_triangular: A and B of one dtype");
  static_assert(SB::rank >= 2, "ctorch: linalg.solve_triangular: B is a matrix or a batch of matrices");
  // Which dim of B meets A depends on the run-time `left`: the kernels run on Dyn matrix dims, and the
  // result's static dims (B's) are checked when it is converted back.
  using SAD = ctorch::detail::la_replace_t<SA, 2, Dyn, Dyn>;
  using SBD = ctorch::detail::la_replace_t<SB, 2, Dyn, Dyn>;
  using RSD = typename ctorch::detail::rhs_check<op::LinalgSolveTriangular, SAD, SBD, false>::result_shape;
  using RS = ctorch::detail::la_replace_t<RSD, 2, ctorch::detail::la_rows<SB>, ctorch::detail::la_cols<SB>>;
  auto aw = ctorch::detail::la_work(A);
  if (left) {
    const Tensor<T, SBD, Cpu> bw(B);
    return Tensor<T, RS, Cpu>(
        ctorch::detail::la_triangular<op::LinalgSolveTriangular, SAD, SBD>(aw, bw, upper, false, unitriangular));
  }
  // X A = B  <=>  A^T X^T = B^T.
  const auto b0 = ctorch::detail::la_work(B);
  const Tensor<T, SBD, Cpu> bt(transpose<-1, -2>(b0));
  const auto xt = ctorch::detail::la_triangular<op::LinalgSolveTriangular, SAD, SBD>(aw, bt, upper, true, unitriangular);
  return Tensor<T, RS, Cpu>(transpose<-1, -2>(xt));
}
}  // namespace linalg

}  // namespace ctorch
