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
// Method: blocked substitution with GEMM updates for n >= 128.
// Gradient (PyTorch's triangular_solve_backward): gB = op(A)^-T G, gA = -gB X^T (transposed back when
// op(A) = A^T) kept on the triangle that is read (without the diagonal when unitriangular); the copy
// cloned_coefficient passes its gradient to A unchanged. X A = B: gB = G A^-T, gA = -X^T gB.
#pragma once
#include "graph_grad.hpp"
#include "lapack_common.hpp"
#include "lapack_grad.hpp"

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
  return la_solve_rhs<Op, SA, SB, T, false>(
      b.lead, n, bw, [] {},
      [&](index_t ia, lapack::MatRef<T> x, index_t k) {
        const auto a = la_mat(aw.data(), ia, n, n);
        if (transpose)
          lapack::trsm<T>(n, k, a.t(), upper, unit, x);
        else
          lapack::trsm<T>(n, k, a, !upper, unit, x);
      });
}

// The VJP of op(A) X = B (left) or X op(A) = B (not left), op(A) = A^T when transpose, for each
// broadcast batch element of X; gradients summed into a's and b's buffers.
template <class G, class XT, class VA, class VB>
void la_triangular_backward(const G& g, const XT& x, const VA& a, const VB& b, bool upper, bool transpose, bool unit,
                            bool left) {
  using T = typename VA::value_type;
  T* ga = la_grad(a);
  T* gb = la_grad(b);
  if (!ga && !gb) return;
  const auto ab = la_batch(a.value().sizes());
  const auto xb = la_batch(x.sizes());
  const auto lead_b = la_lead<2>(b.value().sizes());
  const index_t n = ab.n, r = xb.m, c = xb.n;  // X is r x c: n x k (left) or k x n
  LaTmp<T> z(r, c), t(n, n);
  for (index_t i = 0; i < xb.count; ++i) {
    const index_t ia = la_bcast_index(i, xb.lead, ab.lead), ib = la_bcast_index(i, xb.lead, lead_b);
    const auto ai = la_cmat(a.value().data(), ia, n, n);
    std::copy(g.data() + i * r * c, g.data() + (i + 1) * r * c, z.d.begin());
    // left: op(A)^T Z = G; right: op(A) Z^T = G^T. M = A or A^T; A^T's triangle is the other one.
    const bool m_is_a = left == transpose;
    const auto m = m_is_a ? ai : ai.t();
    const bool lower = m_is_a ? !upper : upper;
    lapack::trsm<T>(n, left ? c : r, m, lower, unit, left ? z.ref() : z.t());
    if (gb) la_add_to(gb + ib * r * c, r, c, z.ref());
    if (!ga) continue;
    // gA_op = -Z X^T (left) or -X^T Z (right); gA = gA_op or its transpose.
    const auto xi = la_cmat(x.data(), i, r, c);
    if (left)
      t = la_prod<T>(n, n, c, z.ref(), xi.t(), T(-1));
    else
      t = la_prod<T>(n, n, r, xi.t(), z.ref(), T(-1));
    auto gi = la_mat(ga, ia, n, n);
    for (index_t p = 0; p < n; ++p)
      for (index_t q = 0; q < n; ++q) {
        const bool kept = upper ? q >= p + (unit ? 1 : 0) : q + (unit ? 1 : 0) <= p;
        if (kept) gi(p, q) += transpose ? t(q, p) : t(p, q);
      }
  }
}

// The create_graph form of la_triangular_backward (defined at the end of this file: it calls
// linalg::solve_triangular).
template <class G, class XV, class VA, class VB>
void la_triangular_backward_graph(const G& g, const XV& x, const VA& a, const VB& b, bool upper, bool transpose,
                                  bool unit, bool left);
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

// Autograd: {X, cloned_coefficient}, both Vars (see the gradient at the top).
template <Expression BX, Expression AX>
requires autograd::AnyTracked<BX, AX>
auto triangular_solve(const BX& b, const AX& A, bool upper = true, bool transpose = false, bool unitriangular = false) {
  auto va = autograd::as_var(A);
  auto vb = autograd::as_var(b);
  using VA = decltype(va);
  using VB = decltype(vb);
  auto r = triangular_solve(vb.value(), va.value(), upper, transpose, unitriangular);
  auto x = autograd::record_graph(
      "TriangularSolveBackward0", std::move(r.solution),
      [=](const auto& g, const auto& y, const VB& bb, const VA& aa) {
        detail::la_triangular_backward(g, y, aa, bb, upper, transpose, unitriangular, true);
      },
      [=](const auto& g, const VB& bb, const VA& aa) {
        const auto y = triangular_solve(bb, aa, upper, transpose, unitriangular).solution;
        detail::la_triangular_backward_graph(g, y, aa, bb, upper, transpose, unitriangular, true);
      },
      vb, va);
  auto c = autograd::record_graph(
      "TriangularSolveBackward0", std::move(r.cloned_coefficient),
      [](const auto& g, const auto&, const VA& aa) { autograd::accumulate(aa, g); },
      [](const auto& g, const VA& aa) { autograd::accumulate_graph(aa, g); }, va);
  return linalg::TriangularSolveResult<decltype(x), decltype(c)>{std::move(x), std::move(c)};
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
  const auto xt =
      ctorch::detail::la_triangular<op::LinalgSolveTriangular, SAD, SBD>(aw, bt, upper, true, unitriangular);
  return Tensor<T, RS, Cpu>(transpose<-1, -2>(xt));
}

// Autograd: as solve_triangular, recording gB = A^-T G, gA = -gB X^T on A's triangle (left), or
// gB = G A^-T, gA = -X^T gB (not left).
template <Expression AX, Expression BX>
requires autograd::AnyTracked<AX, BX>
auto solve_triangular(const AX& A, const BX& B, bool upper, bool left = true, bool unitriangular = false) {
  auto va = autograd::as_var(A);
  auto vb = autograd::as_var(B);
  using VA = decltype(va);
  using VB = decltype(vb);
  return autograd::record_graph(
      "LinalgSolveTriangularBackward0", solve_triangular(va.value(), vb.value(), upper, left, unitriangular),
      [=](const auto& g, const auto& y, const VA& aa, const VB& bb) {
        ctorch::detail::la_triangular_backward(g, y, aa, bb, upper, false, unitriangular, left);
      },
      [=](const auto& g, const VA& aa, const VB& bb) {
        const auto y = solve_triangular(aa, bb, upper, left, unitriangular);
        ctorch::detail::la_triangular_backward_graph(g, y, aa, bb, upper, false, unitriangular, left);
      },
      va, vb);
}
}  // namespace linalg

namespace detail {
// The create_graph form of la_triangular_backward (g and the recomputed solution x recorded Vars): the
// same formulas with a recorded triangular solve (M = op(A)^T, a triangular matrix again) and recorded
// products, gA kept on the triangle that is read by a constant mask.
template <class G, class XV, class VA, class VB>
void la_triangular_backward_graph(const G& g, const XV& x0, const VA& a, const VB& b, bool upper, bool transpose,
                                  bool unit, bool left) {
  using T = typename VA::value_type;
  // gB = Z with M Z = G (left) or Z M = G, M = op(A)^T (A itself when op(A) = A^T; A^T has the other
  // triangle).
  const VA m = transpose ? a : VA(gg::mT(a));
  const auto z0 = linalg::solve_triangular(m, g, transpose ? upper : !upper, left, unit);
  gg::send(b, z0);
  if (!a.requires_grad()) return;
  // gA = -Z X^T (left) or -X^T Z (right), transposed when op(A) = A^T. (Dyn shapes: which branch
  // runs is known at run time only, and a static shape fits one of them.)
  const auto x = gg::dyn(x0);
  const auto z = gg::dyn(z0);
  const T d = unit ? T(0) : T(1);
  if (!transpose) {
    if (left)
      gg::send_masked(a, gg::mm(z, gg::mT(x)) * T(-1), upper, d);
    else
      gg::send_masked(a, gg::mm(gg::mT(x), z) * T(-1), upper, d);
  } else {
    if (left)
      gg::send_masked(a, gg::mm(x, gg::mT(z)) * T(-1), upper, d);
    else
      gg::send_masked(a, gg::mm(gg::mT(z), x) * T(-1), upper, d);
  }
}
}  // namespace detail

}  // namespace ctorch
