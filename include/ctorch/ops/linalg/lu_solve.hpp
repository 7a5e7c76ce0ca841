// ctorch/ops/linalg/lu_solve.hpp: lu_solve (torch.linalg.lu_solve, and torch.lu_solve's argument
// order), A X = B (or A^T X = B with adjoint) from lu_factor's result.
// Shape: LU [*, n, n], pivots [*, n], B [*, n, k] (batch dims broadcast) -> X [*, n, k]. dtype: float
// or double. Static mismatch: compile errors from square_check / rhs_check naming the op and the
// shapes; Dyn: shape_error. A zero on U's diagonal gives inf/nan as in PyTorch (lu_factor already
// refused it).
// Gradient (PyTorch's linalg_lu_solve_LU, left = true; A = P L U): gB = lu_solve(LU, pivots, G, !adjoint);
// for LU, not adjoint: gR = -U^-T G X^T, gLU = tril(L^-T gR U^T, -1) + triu(gR); adjoint (A^T X = B):
// gR = -P^T X G^T P L^-T, gLU = tril(gR, -1) + triu(L^T gR U^-T). Each summed over the batch dims its
// operand was broadcast along; the pivots get no gradient.
#pragma once
#include "graph_grad.hpp"
#include "lapack_grad.hpp"
#include "lu_factor.hpp"
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
      b.lead, n, bw, [] {},
      [&](index_t ia, ctorch::detail::lapack::MatRef<T> x, index_t k) {
        ctorch::detail::lapack::getrs<T>(n, k, ctorch::detail::la_mat(const_cast<T*>(lu.data()), ia, n, n),
                                         piv.data() + ia * n, x, adjoint);
      });
}
}  // namespace linalg

namespace detail {
// The VJP of lu_solve w.r.t. one n x n LU matrix (compact factors f, permutation perm) for one
// right-hand side: x and g n x k; gLU added into gf (n x n).
template <class T>
void la_lu_solve_lu_grad(index_t n, index_t k, lapack::MatRef<T> f, const std::vector<index_t>& perm,
                         lapack::MatRef<T> x, lapack::MatRef<T> g, bool adjoint, lapack::MatRef<T> gf) {
  LaTmp<T> le(n, n), ue(n, n);  // explicit factors for the GEMMs (trsm reads the triangles of f)
  for (index_t r = 0; r < n; ++r)
    for (index_t c = 0; c < n; ++c) {
      le(r, c) = r == c ? T(1) : r > c ? f(r, c) : T(0);
      ue(r, c) = c >= r ? f(r, c) : T(0);
    }
  if (!adjoint) {
    auto gr = la_prod<T>(n, n, k, g, x.t(), T(-1));       // -G X^T
    lapack::trsm<T>(n, n, f.t(), true, false, gr.ref());  // U^T gR = -G X^T
    auto w = la_prod<T>(n, n, n, gr.ref(), ue.t());       // gR U^T
    lapack::trsm<T>(n, n, f.t(), false, true, w.ref());   // L^-T (gR U^T)
    for (index_t r = 0; r < n; ++r)
      for (index_t c = 0; c < n; ++c) gf(r, c) += r > c ? w(r, c) : gr(r, c);
    return;
  }
  auto xg = la_prod<T>(n, n, k, x, g.t(), T(-1));  // -X G^T
  LaTmp<T> gr(n, n);                               // P^T (-X G^T) P: (P^T M P)(r, c) = M(perm[r], perm[c])
  for (index_t r = 0; r < n; ++r)
    for (index_t c = 0; c < n; ++c) gr(r, c) = xg(perm[std::size_t(r)], perm[std::size_t(c)]);
  lapack::trsm<T>(n, n, f, true, true, gr.t());    // gR L^-T: L gR'^T = gR^T
  auto w = la_prod<T>(n, n, n, le.t(), gr.ref());  // L^T gR
  lapack::trsm<T>(n, n, f, false, false, w.t());   // (L^T gR) U^-T
  for (index_t r = 0; r < n; ++r)
    for (index_t c = 0; c < n; ++c) gf(r, c) += r > c ? gr(r, c) : w(r, c);
}
}  // namespace detail

namespace linalg {
// Autograd: as lu_solve, recording the VJPs at the top (LinalgLuSolveBackward0).
template <Expression X, Expression PX, Expression BX>
requires autograd::AnyTracked<X, BX>
auto lu_solve(const X& LU, const PX& pivots, const BX& B, bool adjoint = false) {
  namespace cd = ctorch::detail;
  auto vl = autograd::as_var(LU);
  auto vb = autograd::as_var(B);
  using VL = decltype(vl);
  using VB = decltype(vb);
  using T = typename VL::value_type;
  auto x = lu_solve(vl.value(), pivots, vb.value(), adjoint);
  auto piv = cd::la_read_pivots<op::LinalgLuSolve>(pivots, cd::la_batch(vl.value().sizes()));
  // create_graph: the same formulas with recorded lu_solves (X recomputed), L and U taken from LU by
  // constant masks, P a constant, and recorded triangular solves and products.
  using PT = Tensor<typename PX::value_type, typename PX::shape_type, Cpu>;
  auto gfn = [adjoint, piv, pt = PT(pivots)](const auto& g, const VL& l, const VB& b) {
    namespace gg = cd::gg;
    gg::send(b, lu_solve(l, pt, g, !adjoint));
    if (!l.requires_grad()) return;
    const auto x = lu_solve(l, pt, b, adjoint);
    const auto d = l.dims();
    const index_t n = cd::la_batch(l.value().sizes()).n;
    const VL lo(l * gg::tri_mask(d, false, T(0)) + gg::tri_mask(d, false, T(1), T(0)));  // unit lower L
    const VL up(l * gg::tri_mask(d, true, T(1)));                                        // U
    const auto dx = gg::dyn(x);
    const auto dg = gg::dyn(g);
    if (!adjoint) {
      // gR = -U^-T G X^T, gLU = tril(L^-T gR U^T, -1) + triu(gR).
      const auto gr =
          gg::dyn(autograd::as_var(linalg::solve_triangular(gg::mT(up), gg::mm(dg, gg::mT(dx)), false) * T(-1)));
      const auto w = gg::dyn(linalg::solve_triangular(gg::mT(lo), gg::mm(gr, gg::mT(up)), true, true, true));
      gg::send(l, w * gg::tri_mask(w.dims(), false, T(0)) + gr * gg::tri_mask(gr.dims(), true, T(1)));
    } else {
      // gR = -P^T X G^T P L^-T, gLU = tril(gR, -1) + triu(L^T gR U^-T).
      const VL p(cd::lu_perm_matrix<T>(piv, n, d));
      const auto m = gg::dyn(gg::mm(gg::mm(gg::mT(p), gg::mm(dx, gg::mT(dg))), p));
      const auto gr = gg::dyn(autograd::as_var(linalg::solve_triangular(gg::mT(lo), m, true, false, true) * T(-1)));
      const auto w = gg::dyn(linalg::solve_triangular(gg::mT(up), gg::mm(gg::mT(lo), gr), false, false));
      gg::send(l, gr * gg::tri_mask(gr.dims(), false, T(0)) + w * gg::tri_mask(w.dims(), true, T(1)));
    }
  };
  return autograd::record_graph(
      "LinalgLuSolveBackward0", std::move(x),
      [adjoint, piv = std::move(piv)](const auto& g, const auto& xv, const VL& l, const VB& b) {
        T* gl = cd::la_grad(l);
        T* gb = cd::la_grad(b);
        if (!gl && !gb) return;
        const auto lb = cd::la_batch(l.value().sizes());
        const auto xb = cd::la_batch(xv.sizes());
        const auto lead_b = cd::la_lead<2>(b.value().sizes());
        const index_t n = lb.n, k = xb.n;
        const T* f = l.value().data();
        cd::LaTmp<T> z(n, k);
        for (index_t i = 0; i < xb.count; ++i) {
          const index_t il = cd::la_bcast_index(i, xb.lead, lb.lead), ib = cd::la_bcast_index(i, xb.lead, lead_b);
          const auto fi = cd::la_cmat(f, il, n, n);
          const auto gi = cd::la_cmat(g.data(), i, n, k);
          if (gb) {
            std::copy(g.data() + i * n * k, g.data() + (i + 1) * n * k, z.d.begin());
            cd::lapack::getrs<T>(n, k, fi, piv.data() + il * n, z.ref(), !adjoint);
            cd::la_add_to(gb + ib * n * k, n, k, z.ref());
          }
          if (gl)
            cd::la_lu_solve_lu_grad<T>(n, k, fi, cd::la_lu_perm(piv.data() + il * n, n, n),
                                       cd::la_cmat(xv.data(), i, n, k), gi, adjoint, cd::la_mat(gl, il, n, n));
        }
      },
      gfn, vl, vb);
}
}  // namespace linalg

// torch.lu_solve(b, LU_data, LU_pivots): the same as linalg::lu_solve(LU_data, LU_pivots, b).
// requires / ensures: as linalg::lu_solve.
template <Expression BX, Expression X, Expression PX>
auto lu_solve(const BX& b, const X& LU_data, const PX& LU_pivots) {
  return linalg::lu_solve(LU_data, LU_pivots, b);
}

}  // namespace ctorch
