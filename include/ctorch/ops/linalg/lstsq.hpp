// ctorch/ops/linalg/lstsq.hpp: lstsq (torch.linalg.lstsq), the least-squares solution of A X = B by
// Householder QR (PyTorch's driver='gels'): min ||A X - B|| for m >= n, the minimum-norm solution for
// m < n.
// Shape: A [*, m, n], B [*, m, k] (batch dims broadcast) -> {solution [*, n, k], residuals [*, r]}
// with r = k when m > n (the squared residual norm of each column, as gels gives it) and r = 0
// otherwise (PyTorch's empty tensor). PyTorch's rank and singular_values (empty for gels) are not
// returned. dtype: float or double. Static mismatch of the rows: compile error from lstsq_check naming
// the op and both shapes; Dyn: shape_error.
// Errors: a rank-deficient A (an exactly zero diagonal element of R) throws value_error "ctorch:
// linalg.lstsq: The 2-th diagonal element of the triangular factor of A is zero" (use pinv there).
// Gradient (PyTorch's linalg_lstsq_backward, full-rank A): with P = pinv(A), gB = P^T gX and gA the
// pinv VJP (pinverse.hpp) of gX B^T, summed over broadcast batch dims; residuals have none (as PyTorch).
#pragma once
#include "lapack_common.hpp"
#include "pinverse.hpp"

namespace ctorch {

namespace linalg {
template <class TX, class TR>
struct LstsqResult {
  TX solution;
  TR residuals;
};
}  // namespace linalg

namespace detail {
template <class Op, class SA, class SB>
struct lstsq_check {
  static_assert(SB::rank >= 2, "ctorch: linalg.lstsq: B is a matrix or a batch of matrices");
  static_assert(extents_agree(la_rows<SA>, la_rows<SB>),
                "ctorch: the rows of A and B differ (the op and both shapes are the template arguments of "
                "lstsq_check above)");
  static constexpr bool value = true;
};
}  // namespace detail

namespace linalg {
// requires: A [*, m, n] of full rank, B [*, m, k], float or double.
// ensures: {X, residuals}: X minimises ||A X - B||_F (m >= n) or is the minimum-norm solution (m < n).
template <Expression AX, Expression BX>
auto lstsq(const AX& A, const BX& B) {
  namespace cd = ctorch::detail;
  using T = cd::lin_value_t<AX>;
  using SA = cd::lin_shape_t<AX>;
  using SB = cd::lin_shape_t<BX>;
  static_assert(cd::matrix_check<op::LinalgLstsq, SA, T>::value);
  static_assert(std::is_same_v<T, cd::lin_value_t<BX>>, "ctorch: linalg.lstsq: A and B of one dtype");
  static_assert(cd::lstsq_check<op::LinalgLstsq, SA, SB>::value);
  constexpr std::size_t RLB = SB::rank - 2;
  using BS = broadcast_shape_t<op::LinalgLstsq, cd::la_shape_t<cd::la_leading<SA, 2>()>,
                               cd::la_shape_t<cd::la_leading<SB, 2>()>>;
  constexpr std::size_t RL = BS::rank;
  using XS = cd::la_shape_t<cd::la_cat(BS::static_extents, std::array<index_t, 2>{cd::la_cols<SA>, cd::la_cols<SB>})>;
  using RS = cd::la_shape_t<cd::la_cat(BS::static_extents, std::array<index_t, 1>{Dyn})>;
  auto aw = cd::la_work(A);
  const auto bw = cd::la_work(B);
  const auto ab = cd::la_batch(aw.sizes());
  const auto be = bw.sizes();
  std::array<index_t, RLB> lead_b{};
  for (std::size_t i = 0; i < RLB; ++i) lead_b[i] = be[i];
  const index_t m = ab.m, n = ab.n, k = be[SB::rank - 1];
  if (be[SB::rank - 2] != m)
    throw shape_error(std::string("ctorch: linalg.lstsq: input.size(-2) should match other.size(-2) (shapes ") +
                      shape_string(aw.sizes()) + " and " + shape_string(be) + ")");
  const auto lead = cd::la_bcast<RL>(op::LinalgLstsq::name, ab.lead, lead_b);
  index_t count = 1;
  for (index_t e : lead) count *= e;
  // QR of each A (m >= n) or of each A^T (m < n).
  const bool tall = m >= n;
  const index_t p = tall ? m : n, q = tall ? n : m;  // the factored matrix is p x q
  std::vector<T> f(static_cast<std::size_t>(ab.count * p * q)), tau(static_cast<std::size_t>(ab.count * q));
  std::vector<index_t> info(static_cast<std::size_t>(ab.count), 0);
  cd::la_for_batch(ab.count, p, [&](index_t i) {
    const auto ai = cd::la_mat(aw.data(), i, m, n);
    auto fi = cd::la_mat(f.data(), i, p, q);
    for (index_t r = 0; r < p; ++r)
      for (index_t c = 0; c < q; ++c) fi(r, c) = tall ? ai(r, c) : ai(c, r);
    cd::lapack::geqrf<T>(p, q, fi, tau.data() + i * q);
    for (index_t d = 0; d < q; ++d)
      if (fi(d, d) == T(0)) {
        info[std::size_t(i)] = d + 1;
        break;
      }
  });
  for (std::size_t i = 0; i < info.size(); ++i)
    if (info[i] != 0)
      throw value_error(cd::la_prefix(op::LinalgLstsq::name, ab.count > 1 || SA::rank > 2, index_t(i)) + "The " +
                        std::to_string(info[i]) + "-th diagonal element of the triangular factor of A is zero");
  auto X = cd::la_make<T, XS>(cd::la_ext(lead, n, k), op::LinalgLstsq::name);
  auto res = cd::la_make<T, RS>(cd::la_ext(lead, m > n ? k : index_t(0)), op::LinalgLstsq::name);
  cd::la_for_batch(count, p, [&](index_t i) {
    const index_t ia = cd::la_bcast_index(i, lead, ab.lead), ib = cd::la_bcast_index(i, lead, lead_b);
    const auto fi = cd::la_mat(f.data(), ia, p, q);
    const T* ti = tau.data() + ia * q;
    auto xi = cd::la_mat(X.data(), i, n, k);
    if (tall) {
      // C = Q^T B (m x k), X = R^{-1} C[:n], residuals = ||C[n:]||^2 per column.
      std::vector<T> c(bw.data() + ib * m * k, bw.data() + (ib + 1) * m * k);
      cd::lapack::MatRef<T> cm{c.data(), k, 1};
      cd::lapack::ormqr_left<T>(m, k, n, fi, ti, cm, true);
      cd::lapack::trsm<T>(n, k, fi, false, false, cm);
      for (index_t r = 0; r < n; ++r)
        for (index_t j = 0; j < k; ++j) xi(r, j) = cm(r, j);
      if (m > n)
        for (index_t j = 0; j < k; ++j) {
          T s(0);
          for (index_t r = n; r < m; ++r) s += cm(r, j) * cm(r, j);
          res.data()[i * k + j] = s;
        }
    } else {
      // A^T = Q R: A = R^T Q^T; R^T Y = B (m x k), X = Q [Y; 0].
      for (index_t r = 0; r < m; ++r)
        for (index_t j = 0; j < k; ++j) xi(r, j) = bw.data()[ib * m * k + r * k + j];
      cd::lapack::trsm<T>(m, k, fi.t(), true, false, xi);
      cd::lapack::ormqr_left<T>(n, k, m, fi, ti, xi, false);
    }
  });
  return LstsqResult<decltype(X), decltype(res)>{std::move(X), std::move(res)};
}

// Autograd: {solution (a Var), residuals (a Tensor)}.
template <Expression AX, Expression BX>
requires autograd::AnyTracked<AX, BX>
auto lstsq(const AX& A, const BX& B) {
  namespace cd = ctorch::detail;
  auto va = autograd::as_var(A);
  auto vb = autograd::as_var(B);
  using VA = decltype(va);
  using VB = decltype(vb);
  using T = typename VA::value_type;
  auto r = lstsq(va.value(), vb.value());
  auto x = autograd::record_graph(
      "LinalgLstsqBackward0", std::move(r.solution),
      [](const auto& g, const auto& xv, const VA& a, const VB& b) {
        T* ga = cd::la_grad(a);
        T* gb = cd::la_grad(b);
        if (!ga && !gb) return;
        const auto ab = cd::la_batch(a.value().sizes());
        const auto xb = cd::la_batch(xv.sizes());
        const auto lead_b = cd::la_lead<2>(b.value().sizes());
        const index_t m = ab.m, n = ab.n, k = xb.n;
        const auto p = cd::pinv_impl<op::LinalgLstsq>(a.value(), std::nullopt, std::nullopt);
        for (index_t i = 0; i < xb.count; ++i) {
          const index_t ia = cd::la_bcast_index(i, xb.lead, ab.lead), ib = cd::la_bcast_index(i, xb.lead, lead_b);
          const auto gi = cd::la_cmat(g.data(), i, n, k), pi = cd::la_cmat(p.data(), ia, n, m);
          if (gb) cd::la_addprod<T>(m, k, n, pi.t(), gi, cd::la_mat(gb, ib, m, k));
          if (ga) {
            auto gp = cd::la_prod<T>(n, m, k, gi, cd::la_cmat(b.value().data(), ib, m, k).t());
            cd::la_pinv_backward<T>(m, n, gp.ref(), pi, cd::la_cmat(a.value().data(), ia, m, n),
                                    cd::la_mat(ga, ia, m, n));
          }
        }
      },
      // create_graph: gB = P^T gX and gA = the pinv VJP of gX B^T, with P = pinv(A) recorded.
      [](const auto& g, const VA& a, const VB& b) {
        const auto p = pinv(a);
        cd::gg::send(b, cd::gg::mm(cd::gg::mT(p), g));
        if (a.requires_grad()) cd::gg::send(a, cd::pinv_backward_graph(cd::gg::mm(g, cd::gg::mT(b)), p, a));
      },
      va, vb);
  return LstsqResult<decltype(x), decltype(r.residuals)>{std::move(x), std::move(r.residuals)};
}
}  // namespace linalg

}  // namespace ctorch
