// ctorch/ops/linalg/solve.hpp: solve (torch.linalg.solve), X with A X = B for square A.
// Shape: A [*, n, n], B [*, n, k] or [*, n] -> X of B's form; the batch dims of A and B broadcast. B is
// a (batch of) vector(s) when its rank is 1 or one less than A's (PyTorch decides from the shapes at
// run time; ctorch from the ranks). Static mismatch: compile error from square_check / rhs_check /
// broadcast_check naming op::LinalgSolve and the shapes; Dyn: shape_error. dtype: float or double,
// A and B alike.
// Method: LU with partial pivoting (blocked, GEMM, for n >= 64), then blocked triangular solves.
// Errors: a singular A throws value_error "ctorch: linalg.solve: The diagonal element 2 is zero, the
// solve could not be completed because the input matrix is singular." Gradient: gB = A^-T G,
// gA = -gB X^T, summed over the batch dims an operand was broadcast along.
#pragma once
#include "graph_grad.hpp"
#include "lapack_common.hpp"
#include "lapack_grad.hpp"

namespace ctorch::linalg {

// requires: A square (or a batch), nonsingular; B's rows == n; batch dims broadcastable.
// ensures: a new Tensor X (broadcast batch + B's trailing dims) with A X = B.
template <Expression AX, Expression BX>
auto solve(const AX& A, const BX& B) {
  using T = ctorch::detail::lin_value_t<AX>;
  using SA = ctorch::detail::lin_shape_t<AX>;
  using SB = ctorch::detail::lin_shape_t<BX>;
  static_assert(ctorch::detail::square_check<op::LinalgSolve, SA, T>::value);
  static_assert(std::is_same_v<T, ctorch::detail::lin_value_t<BX>>, "ctorch: linalg.solve: A and B of one dtype");
  static_assert(ctorch::detail::rhs_check<op::LinalgSolve, SA, SB>::value);
  auto lu = ctorch::detail::la_work(A);
  const auto b = ctorch::detail::la_batch(lu.sizes());
  ctorch::detail::la_check_square(op::LinalgSolve::name, b);
  const index_t n = b.n;
  const auto bw = ctorch::detail::la_work(B);
  std::vector<index_t> piv(static_cast<std::size_t>(b.count * n));
  return ctorch::detail::la_solve_rhs<op::LinalgSolve, SA, SB, T>(
      b.lead, n, bw,
      [&] {
        ctorch::detail::la_raise_singular(op::LinalgSolve::name, "solve", SA::rank > 2,
                                          ctorch::detail::la_getrf_batch(lu.data(), b.count, n, n, piv.data()));
      },
      [&](index_t ia, ctorch::detail::lapack::MatRef<T> x, index_t k) {
        ctorch::detail::lapack::getrs<T>(n, k, ctorch::detail::la_mat(lu.data(), ia, n, n), piv.data() + ia * n, x);
      });
}

// Autograd: as solve, recording gB = A^-T G and gA = -gB X^T.
template <Expression AX, Expression BX>
requires autograd::AnyTracked<AX, BX>
auto solve(const AX& A, const BX& B) {
  namespace cd = ctorch::detail;
  auto va = autograd::as_var(A);
  auto vb = autograd::as_var(B);
  using VA = decltype(va);
  using VB = decltype(vb);
  constexpr bool vector = cd::rhs_check<op::LinalgSolve, typename VA::shape_type, typename VB::shape_type>::vector;
  return autograd::record_graph(
      "LinalgSolveExBackward0", solve(va.value(), vb.value()),
      [](const auto& g, const auto& x, const VA& a, const VB& b) {
        using T = typename VA::value_type;
        T* ga = cd::la_grad(a);
        T* gb = cd::la_grad(b);
        if (!ga && !gb) return;
        constexpr std::size_t tail = vector ? 1 : 2;
        const auto ab = cd::la_batch(a.value().sizes());
        const auto lead = cd::la_lead<tail>(x.sizes());
        const auto lead_b = cd::la_lead<tail>(b.value().sizes());
        const auto xs = x.sizes();
        const index_t n = ab.n, k = vector ? 1 : xs[xs.size() - 1];
        std::vector<T> lu(a.value().data(), a.value().data() + ab.count * n * n);
        std::vector<index_t> piv(static_cast<std::size_t>(ab.count * n));
        cd::la_getrf_batch(lu.data(), ab.count, n, n, piv.data());  // nonsingular: the forward solved
        cd::LaTmp<T> gbi(n, k);
        for (index_t i = 0; i < cd::la_count(lead); ++i) {
          const index_t ia = cd::la_bcast_index(i, lead, ab.lead), ib = cd::la_bcast_index(i, lead, lead_b);
          std::copy(g.data() + i * n * k, g.data() + (i + 1) * n * k, gbi.d.begin());
          cd::lapack::getrs<T>(n, k, cd::la_mat(lu.data(), ia, n, n), piv.data() + ia * n, gbi.ref(), true);
          if (gb) cd::la_add_to(gb + ib * n * k, n, k, gbi.ref());
          if (ga)
            cd::la_addprod<T>(n, n, k, gbi.ref(), cd::la_cmat(x.data(), i, n, k).t(), cd::la_mat(ga, ia, n, n), T(-1));
        }
      },
      // create_graph: gB = solve(A^T, G) and gA = -gB X^T with recorded solves (X recomputed).
      [](const auto& g, const VA& a, const VB& b) {
        using T = typename VA::value_type;
        const auto gb = solve(cd::gg::mT(a), g);
        cd::gg::send(b, gb);
        if (!a.requires_grad()) return;
        const auto x = solve(a, b);
        if constexpr (vector)
          cd::gg::send(a, cd::gg::mm(unsqueeze<-1>(gb), unsqueeze<-2>(x)) * T(-1));
        else
          cd::gg::send(a, cd::gg::mm(gb, cd::gg::mT(x)) * T(-1));
      },
      va, vb);
}

}  // namespace ctorch::linalg
