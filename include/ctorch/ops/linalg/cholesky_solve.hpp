// ctorch/ops/linalg/cholesky_solve.hpp: cholesky_solve (torch.cholesky_solve), X with A X = B given the
// Cholesky factor of A (L with A = L L^T, or U with A = U^T U when upper).
// Shape: B [*, n, k], L [*, n, n]; batch dims broadcast -> X of B's
// shape. Static mismatch: compile error from square_check / rhs_check naming op::CholeskySolve; Dyn:
// shape_error. dtype: float or double. Only L's triangle is read; a zero on its diagonal gives
// inf/nan, as in PyTorch.
// Gradient (PyTorch's cholesky_solve_backward): gB = A^-1 G, C = gB X^T + X gB^T, gL = -C L (upper:
// -U C), over the whole of L (not only its triangle, as PyTorch), summed over broadcast batch dims.
#pragma once
#include "graph_grad.hpp"
#include "lapack_common.hpp"
#include "lapack_grad.hpp"

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
      b.lead, n, bw, [] {},
      [&](index_t ia, detail::lapack::MatRef<T> x, index_t k) {
        auto l = detail::la_mat(lw.data(), ia, n, n);
        if (upper) l = l.t();  // U^T is lower
        detail::lapack::trsm<T>(n, k, l, true, false, x);
        detail::lapack::trsm<T>(n, k, l.t(), false, false, x);
      });
}

// Autograd: as cholesky_solve, recording gB = A^-1 G and gL = -(gB X^T + X gB^T) L (upper: -U (...)).
template <Expression BX, Expression LX>
requires autograd::AnyTracked<BX, LX>
auto cholesky_solve(const BX& B, const LX& L, bool upper = false) {
  auto vb = autograd::as_var(B);
  auto vl = autograd::as_var(L);
  using VB = decltype(vb);
  using VL = decltype(vl);
  return autograd::record_graph(
      "CholeskySolveBackward0", cholesky_solve(vb.value(), vl.value(), upper),
      [upper](const auto& g, const auto& x, const VB& b, const VL& l) {
        using T = typename VL::value_type;
        T* gl = detail::la_grad(l);
        T* gb = detail::la_grad(b);
        if (!gl && !gb) return;
        const auto lb = detail::la_batch(l.value().sizes());
        const auto xb = detail::la_batch(x.sizes());
        const auto lead_b = detail::la_lead<2>(b.value().sizes());
        const index_t n = lb.n, k = xb.n;
        detail::LaTmp<T> z(n, k);
        for (index_t i = 0; i < xb.count; ++i) {
          const index_t il = detail::la_bcast_index(i, xb.lead, lb.lead);
          const index_t ib = detail::la_bcast_index(i, xb.lead, lead_b);
          auto li = detail::la_cmat(l.value().data(), il, n, n);
          if (upper) li = li.t();  // the lower factor
          std::copy(g.data() + i * n * k, g.data() + (i + 1) * n * k, z.d.begin());
          detail::lapack::trsm<T>(n, k, li, true, false, z.ref());
          detail::lapack::trsm<T>(n, k, li.t(), false, false, z.ref());
          if (gb) detail::la_add_to(gb + ib * n * k, n, k, z.ref());
          if (!gl) continue;
          const auto xi = detail::la_cmat(x.data(), i, n, k);
          auto c = detail::la_prod<T>(n, n, k, z.ref(), xi.t());
          detail::la_addprod<T>(n, n, k, xi, z.t(), c.ref());
          // lower: gL = -C L; upper (L holds U = Lf^T): gU = -U C, i.e. gU^T = -C Lf.
          auto gi = detail::la_mat(gl, il, n, n);
          detail::la_addprod<T>(n, n, n, c.ref(), li, upper ? gi.t() : gi, T(-1));
        }
      },
      // create_graph: the same formulas with recorded cholesky_solves (X recomputed) and products.
      [upper](const auto& g, const VB& b, const VL& l) {
        using T = typename VL::value_type;
        namespace gg = detail::gg;
        const auto gb = cholesky_solve(g, l, upper);
        gg::send(b, gb);
        if (!l.requires_grad()) return;
        const auto x = cholesky_solve(b, l, upper);
        const auto c = autograd::as_var(gg::mm(gb, gg::mT(x)) + gg::mm(x, gg::mT(gb)));
        if (upper)
          gg::send(l, gg::mm(l, c) * T(-1));
        else
          gg::send(l, gg::mm(c, l) * T(-1));
      },
      vb, vl);
}

}  // namespace ctorch
