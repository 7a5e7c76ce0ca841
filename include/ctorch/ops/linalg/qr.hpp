// ctorch/ops/linalg/qr.hpp: qr (torch.linalg.qr, torch.qr), A = Q R with Q orthonormal columns and R
// upper triangular, by Householder reflections (LAPACK's geqrf + orgqr conventions, so Q and R match
// PyTorch's, signs included).
// Shape: A [*, m, n], k = min(m, n): reduced mode (the default, torch's mode='reduced') Q [*, m, k],
// R [*, k, n]; complete mode (qr<QrMode::complete>) Q [*, m, m], R [*, m, n]. dtype: float or double.
// A rank-deficient A is fine (R has zeros on its diagonal).
// Gradient (PyTorch's linalg_qr_backward, for A of full rank): m >= n: M = R gR^T - gQ^T Q,
// gA = (gQ + Q copyltu(M)) R^-T, copyltu(M) the symmetric matrix of M's lower triangle; m < n: with
// A = [X | Y], R = [U | V], gY = Q gV and gX the square case for (gQ + Y gV^T, gU). Complete mode is
// differentiable only when m <= n (value_error in backward otherwise, as PyTorch).
// create_graph: static extents (the same formulas, recorded); otherwise it throws.
#pragma once
#include "../view/narrow.hpp"
#include "geqrf.hpp"
#include "graph_grad.hpp"
#include "lapack_grad.hpp"
#include "triangular_solve.hpp"

namespace ctorch {

namespace linalg {
enum class QrMode { reduced, complete };

template <class TQ, class TR>
struct QrResult {
  TQ Q;
  TR R;
};

// requires: A of rank >= 2, float or double. ensures: {Q, R}, Q^T Q = I, R upper triangular, Q R = A.
template <QrMode Mode = QrMode::reduced, Expression X>
auto qr(const X& a) {
  using T = ctorch::detail::lin_value_t<X>;
  using S = ctorch::detail::lin_shape_t<X>;
  static_assert(ctorch::detail::matrix_check<op::LinalgQr, S, T>::value);
  namespace cd = ctorch::detail;
  auto w = cd::la_work(a);
  const auto tau = cd::la_geqrf_inplace<op::LinalgQr>(w);
  const auto b = cd::la_batch(w.sizes());
  const index_t m = b.m, n = b.n, k = std::min(m, n);
  constexpr index_t sm = cd::la_rows<S>, sn = cd::la_cols<S>;
  constexpr index_t sq = Mode == QrMode::complete ? sm : cd::la_min(sm, sn);
  const index_t q = Mode == QrMode::complete ? m : k;
  auto Q = cd::la_make<T, cd::la_replace_t<S, 2, sm, sq>>(cd::la_ext(b.lead, m, q), op::LinalgQr::name);
  auto R = cd::la_make<T, cd::la_replace_t<S, 2, sq, sn>>(cd::la_ext(b.lead, q, n), op::LinalgQr::name);
  cd::la_for_batch(b.count, std::max(m, n), [&](index_t i) {
    const auto f = cd::la_mat(w.data(), i, m, n);
    auto r = cd::la_mat(R.data(), i, q, n);
    for (index_t row = 0; row < k; ++row)
      for (index_t c = row; c < n; ++c) r(row, c) = f(row, c);
    cd::lapack::orgqr<T>(m, q, k, f, tau.data() + i * k, cd::la_mat(Q.data(), i, m, q));
  });
  return QrResult<decltype(Q), decltype(R)>{std::move(Q), std::move(R)};
}
}  // namespace linalg

namespace detail {
// The VJP of A = Q R for A m x n with m >= n (Q m x n, R n x n; R's first n columns when R is wider).
template <class T>
LaTmp<T> la_qr_tall(index_t m, index_t n, lapack::MatRef<T> gq, lapack::MatRef<T> gr, lapack::MatRef<T> q,
                    lapack::MatRef<T> r) {
  // M = R gR^T - gQ^T Q (n x n), then B = gQ + Q copyltu(M), gA = B R^-T.
  auto mm = la_prod<T>(n, n, n, r, gr.t());
  la_addprod<T>(n, n, m, gq.t(), q, mm.ref(), T(-1));
  for (index_t i = 0; i < n; ++i)
    for (index_t j = i + 1; j < n; ++j) mm(i, j) = mm(j, i);
  LaTmp<T> b(m, n);
  la_add_to(b.d.data(), m, n, gq);
  la_addprod<T>(m, n, n, q, mm.ref(), b.ref());
  lapack::trsm<T>(n, m, r, false, false, b.t());  // R gA^T = B^T
  return b;
}

// The VJP of linalg.qr for the gradients gq (of Q, m x qc) and gr (of R, qc x n), either may be null
// (zero), added into ga (contiguous [*, m, n]).
template <class T, class GT>
void la_qr_backward(const GT* gq, const GT* gr, const T* q, const T* r, index_t count, index_t m, index_t n, index_t qc,
                    T* ga) {
  const index_t k = std::min(m, n);
  if (qc != k)
    throw value_error(
        "ctorch: linalg.qr: The QR decomposition is not differentiable when mode='complete' and nrows > ncols.");
  LaTmp<T> zq(m, k), zr(k, n);
  for (index_t i = 0; i < count; ++i) {
    const auto gqi = gq ? la_cmat(gq, i, m, k) : zq.ref(), gri = gr ? la_cmat(gr, i, k, n) : zr.ref();
    const auto qi = la_cmat(q, i, m, k), ri = la_cmat(r, i, k, n);
    T* out = ga + i * m * n;
    if (m >= n) {
      auto b = la_qr_tall<T>(m, n, gqi, gri, qi, ri);
      la_add_to(out, m, n, b.ref());
      continue;
    }
    // A = [X | Y], R = [U | V]: Y = Q V, gY = Q gV, gQ' = gQ + Y gV^T, gX from (gQ', gU).
    const index_t w = n - m;
    const auto v = ri.block(0, m), gv = gri.block(0, m);
    auto y = la_prod<T>(m, w, m, qi, v);
    auto gy = la_prod<T>(m, w, m, qi, gv);
    LaTmp<T> gq2(m, m);
    la_add_to(gq2.d.data(), m, m, gqi);
    la_addprod<T>(m, m, w, y.ref(), gv.t(), gq2.ref());
    auto gx = la_qr_tall<T>(m, m, gq2.ref(), gri, qi, ri);  // gri, ri: their first m columns
    for (index_t rr = 0; rr < m; ++rr) {
      for (index_t c = 0; c < m; ++c) out[rr * n + c] += gx(rr, c);
      for (index_t c = 0; c < w; ++c) out[rr * n + m + c] += gy(rr, c);
    }
  }
}
}  // namespace detail

namespace linalg {
// Autograd: {Q, R}, both Vars; each records the VJP with the other's gradient taken as zero (the
// VJP is linear in (gQ, gR), so the two contributions add up to the joint one).
template <QrMode Mode = QrMode::reduced, Tracked X>
auto qr(const X& a) {
  namespace cd = ctorch::detail;
  auto v = autograd::as_var(a);
  using V = decltype(v);
  auto r = qr<Mode>(v.value());
  auto grad = [](const auto* gq, const auto* gr, const auto& q, const auto& rr, const V& in) {
    auto* ga = cd::la_grad(in);
    if (!ga) return;
    const auto b = cd::la_batch(in.value().sizes());
    cd::la_qr_backward(gq, gr, q.data(), rr.data(), b.count, b.m, b.n, q.sizes()[V::rank - 1], ga);
  };
  using TR = decltype(r.R);
  using TQ = decltype(r.Q);
  TR rcopy = r.R;
  // create_graph (reduced mode, static m >= n; otherwise it throws): the tall formula on a recomputed,
  // recorded QR (the same factors: the computation is deterministic), copyltu(M) = L + L^T + diag(M)
  // with L M's strictly lower part, and X R^-T by a recorded triangular solve. is_q: the Q node's
  // (gR = 0) or the R node's (gQ = 0).
  auto gfn = [](const auto& g, const V& in, auto is_q) {
    using S = typename V::shape_type;
    using T = typename V::value_type;
    namespace gg = cd::gg;
    constexpr index_t rows = cd::la_rows<S>, cols = cd::la_cols<S>;
    // complete mode is reduced mode when m <= n (and not differentiable otherwise: the first-order VJP throws).
    constexpr bool stat = rows != Dyn && cols != Dyn && (Mode == QrMode::reduced || rows <= cols);
    // The tall formula: (gQ + Q copyltu(R gR^T - gQ^T Q)) R^-T for Q [*, m, k], R [*, k, k] (gq or gr
    // null: zero).
    auto tall = [](const auto& q, const auto& rr, const auto* gq, const auto* gr) {
      const auto m = [&] {
        if (gq && gr) return autograd::as_var(gg::mm(rr, gg::mT(*gr)) - gg::mm(gg::mT(*gq), q));
        if (gr) return autograd::as_var(gg::mm(rr, gg::mT(*gr)));
        return autograd::as_var(gg::mm(gg::mT(*gq), q) * T(-1));
      }();
      const auto d = m.dims();
      const auto low = autograd::as_var(m * gg::tri_mask(d, false, T(0)));
      const auto c = autograd::as_var(low + gg::mT(low) + m * gg::tri_mask(d, true, T(1), T(0)));
      const auto x = gq ? autograd::as_var(*gq + gg::mm(q, c)) : autograd::as_var(gg::mm(q, c));
      return linalg::solve_triangular(gg::mT(rr), x, false, false);
    };
    if constexpr (!stat) {
      (void)g, (void)in, (void)tall;
      cd::gg::unsupported("LinalgQrBackward0 (mode='complete' with m > n, or Dyn extents)");
    } else if constexpr (rows >= cols) {
      const auto f = qr<Mode>(in);
      if constexpr (decltype(is_q)::value)
        gg::send(in, tall(f.Q, f.R, &g, static_cast<const std::remove_cvref_t<decltype(f.R)>*>(nullptr)));
      else
        gg::send(in, tall(f.Q, f.R, static_cast<const std::remove_cvref_t<decltype(f.Q)>*>(nullptr), &g));
    } else {
      // Wide: A = [X | Y], R = [U | V] (U m x m): gY = Q gV and gX the tall formula for
      // (gQ + Y gV^T, gU), Y = Q V; gX and gY placed into A's extents by recorded scatters.
      constexpr int last = int(S::rank) - 1;
      constexpr index_t w = cols - rows;
      const auto f = qr<Mode>(in);
      const auto u = narrow<last, rows>(f.R, 0);
      const auto place = [&](const auto& part, index_t at) {
        using P = std::remove_cvref_t<decltype(part)>;
        [[maybe_unused]] constexpr index_t len = P::shape_type::static_extents[P::rank - 1];  // g++ 12 sees no use
        gg::send(in, autograd::view_scatter("narrow", part, in.dims(),
                                            [at](const auto& t) { return narrow<last, len>(t, at); }));
      };
      if constexpr (decltype(is_q)::value) {
        place(tall(f.Q, u, &g, static_cast<const std::remove_cvref_t<decltype(u)>*>(nullptr)), 0);
      } else {
        const auto gu = narrow<last, rows>(g, 0);
        const auto gv = narrow<last, w>(g, rows);
        const auto y = gg::mm(f.Q, narrow<last, w>(f.R, rows));
        const auto gq2 = autograd::as_var(gg::mm(y, gg::mT(gv)));
        place(tall(f.Q, u, &gq2, &gu), 0);
        place(autograd::as_var(gg::mm(f.Q, gv)), rows);
      }
    }
  };
  auto Q = autograd::record_graph(
      "LinalgQrBackward0", std::move(r.Q),
      [grad, R = std::move(rcopy)](const auto& g, const auto& q, const V& in) {
        grad(g.data(), static_cast<const typename V::value_type*>(nullptr), q, R, in);
      },
      [gfn](const auto& g, const V& in) { gfn(g, in, std::true_type{}); }, v);
  auto R = autograd::record_graph(
      "LinalgQrBackward0", std::move(r.R),
      [grad, Qv = TQ(Q.value())](const auto& g, const auto& rr, const V& in) {
        grad(static_cast<const typename V::value_type*>(nullptr), g.data(), Qv, rr, in);
      },
      [gfn](const auto& g, const V& in) { gfn(g, in, std::false_type{}); }, v);
  return QrResult<decltype(Q), decltype(R)>{std::move(Q), std::move(R)};
}
}  // namespace linalg

// torch.qr(input, some=True): the reduced QR, as linalg::qr.
// requires / ensures: as linalg::qr.
template <Expression X>
auto qr(const X& a) {
  return linalg::qr(a);
}

}  // namespace ctorch
