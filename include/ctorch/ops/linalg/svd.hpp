// ctorch/ops/linalg/svd.hpp: svd (torch.linalg.svd, torch.svd) and svdvals (torch.linalg.svdvals), the
// singular value decomposition A = U diag(S) Vh.
// Shape: A [*, m, n], k = min(m, n): linalg::svd(A) (torch's full_matrices=False; ctorch's default,
// where PyTorch's is True) -> U [*, m, k], S [*, k] (descending, >= 0), Vh [*, k, n];
// linalg::svd<true>(A) (full_matrices=True) -> U [*, m, m], S [*, k], Vh [*, n, n]; svdvals -> S;
// torch.svd's spelling ctorch::svd(A) -> {U, S, V} with V = Vh^T [*, n, k]. dtype: float or double.
// Method: from 5 columns of the tall problem (A, or A^T when m < n) on, LAPACK's gesvd route: Householder
// bidiagonalization, the explicit orthogonal factors, then the implicit-shift QR iteration on the
// bidiagonal (bdsqr, Demmel and Kahan's zero shift for relative accuracy) with its rotations applied to U
// and V^T in cache-sized batches; O(min(m, n)^2 max(m, n)), at n = 256 about 1.6x (double) and 1.25x
// (float) the time of LAPACK's gesdd (divide and conquer) on one thread. Each singular value is accurate
// to about n eps ||A|| (as LAPACK's; the bidiagonalization, not bdsqr, sets that). Below 5 columns,
// one-sided Jacobi (Hestenes) on the columns. The columns of U for zero singular values are orthonormal either way
// (completed explicitly after Jacobi), and full_matrices completes U or Vh by a Householder QR. The signs
// of the singular vectors may differ from PyTorch's (LAPACK's gesdd), as they may between any two SVDs.
// Gradient (PyTorch's svd_backward, for distinct nonzero singular values): with E_ij = S_j^2 - S_i^2, C =
// (skew(U^T gU) S + S skew(Vh gVh^T)) / E + diag(gS), skew(X) = X - X^T, gA = U C Vh, plus (I - U U^T) gU
// S^-1 Vh when m > n and U S^-1 gVh (I - Vh^T Vh) when m < n. Invariant under the signs of the singular
// vectors. With full_matrices the gradients of the extra columns of U and rows of Vh are ignored (as
// PyTorch). svdvals: gA = U diag(gS) Vh.
#pragma once
#include <memory>

#include "../view/narrow.hpp"
#include "graph_grad.hpp"
#include "lapack_common.hpp"
#include "lapack_grad.hpp"

namespace ctorch {

namespace linalg {
template <class TU, class TS, class TV>
struct SvdResult {
  TU U;
  TS S;
  TV Vh;
};
template <class TU, class TS, class TV>
struct SvdVResult {  // torch.svd's result: V, not Vh
  TU U;
  TS S;
  TV V;
};
}  // namespace linalg

namespace detail {

// Completes the first c orthonormal columns of the m x m matrix u (stored in its first c columns) to
// an orthonormal basis: u's last m - c columns come from the Householder QR of its first c.
template <class T>
void la_complete_basis(index_t m, index_t c, lapack::MatRef<T> u) {
  if (c >= m) return;
  std::vector<T> f(static_cast<std::size_t>(m * c)), tau(static_cast<std::size_t>(std::max<index_t>(c, 1)));
  lapack::MatRef<T> fm{f.data(), c, 1};
  for (index_t i = 0; i < m; ++i)
    for (index_t j = 0; j < c; ++j) fm(i, j) = u(i, j);
  lapack::geqrf<T>(m, c, fm, tau.data());
  std::vector<T> q(static_cast<std::size_t>(m * m));
  lapack::MatRef<T> qm{q.data(), m, 1};
  lapack::orgqr<T>(m, m, c, fm, tau.data(), qm);
  for (index_t i = 0; i < m; ++i)
    for (index_t j = c; j < m; ++j) u(i, j) = qm(i, j);
}

// Below this many columns (of the tall problem) the one-sided Jacobi SVD; from it on the
// bidiagonalization and QR iteration (lapack::bidiag_svd), several times faster for large matrices.
inline constexpr index_t kSvdBidiagMin = 5;

// The SVD of every matrix of the work copy w ([*, m, n]); U is written with uc columns (k, or m for
// full matrices) and Vh with vr rows (k or n); u and vh may be null (values only).
template <class T, std::size_t R>
void la_svd_batch(const T* w, const LaBatch<R>& b, T* u, index_t uc, T* s, T* vh, index_t vr) {
  const index_t m = b.m, n = b.n, k = std::min(m, n);
  const bool vectors = u != nullptr;
  la_for_batch(b.count, std::max(m, n), [&](index_t i) {
    const T* a = w + i * m * n;
    T* si = s + i * k;
    // The tall p x q problem: X = A (m >= n) or X = A^T. Both methods leave g = Ux^T (q rows of length
    // p) and vt = Vx^T (q x q) with X = Ux S Vx^T.
    const bool tall = m >= n;
    const index_t p = tall ? m : n, q = tall ? n : m;
    std::vector<T> g(static_cast<std::size_t>(p * q));
    std::vector<T> vt(vectors ? static_cast<std::size_t>(q * q) : 0);
    bool done = false;
    if (q >= kSvdBidiagMin) {
      std::vector<T> x(static_cast<std::size_t>(p * q));
      for (index_t r = 0; r < p; ++r)
        for (index_t c = 0; c < q; ++c) x[std::size_t(r * q + c)] = tall ? a[r * n + c] : a[c * n + r];
      done = lapack::bidiag_svd<T>(p, q, x.data(), q, si, vectors ? g.data() : nullptr, p,
                                   vectors ? vt.data() : nullptr, q) == 0;
    }
    if (!done) {  // small, or non-finite elements, or (never seen) no convergence of the QR iteration
      for (index_t r = 0; r < m; ++r)
        for (index_t c = 0; c < n; ++c) {
          if (tall)
            g[std::size_t(c * m + r)] = a[r * n + c];
          else
            g[std::size_t(r * n + c)] = a[r * n + c];
        }
      lapack::jacobi_svd<T>(p, q, g.data(), p, vectors ? vt.data() : nullptr, q, si);
    }
    if (!vectors) return;
    lapack::MatRef<T> ui{u + i * m * uc, uc, 1}, vhi{vh + i * vr * n, n, 1};
    // X = Ux S Vx^T with Ux^T = the rows of g (q x p), Vx^T = vt (q x q).
    // tall: U = Ux (m x k), Vh = Vx^T. wide: A = X^T = Vx S Ux^T: U = Vx, Vh = Ux^T.
    for (index_t j = 0; j < k; ++j) {
      for (index_t r = 0; r < m; ++r) ui(r, j) = tall ? g[std::size_t(j * p + r)] : vt[std::size_t(j * q + r)];
      for (index_t c = 0; c < n; ++c) vhi(j, c) = tall ? vt[std::size_t(j * q + c)] : g[std::size_t(j * p + c)];
    }
    if (uc > k) la_complete_basis<T>(m, k, ui);
    if (vr > k) la_complete_basis<T>(n, k, vhi.t());
  });
}

template <class Op, bool Full, class X>
auto svd_impl(const X& a) {
  using T = lin_value_t<X>;
  using S = lin_shape_t<X>;
  static_assert(matrix_check<Op, S, T>::value);
  const auto w = la_work(a);
  const auto b = la_batch(w.sizes());
  const index_t m = b.m, n = b.n, k = std::min(m, n);
  constexpr index_t sm = la_rows<S>, sn = la_cols<S>, sk = la_min(sm, sn);
  constexpr index_t suc = Full ? sm : sk, svr = Full ? sn : sk;
  const index_t uc = Full ? m : k, vr = Full ? n : k;
  auto U = la_make<T, la_replace_t<S, 2, sm, suc>>(la_ext(b.lead, m, uc), Op::name);
  auto Sv = la_make<T, la_replace_t<S, 2, sk>>(la_ext(b.lead, k), Op::name);
  auto Vh = la_make<T, la_replace_t<S, 2, svr, sn>>(la_ext(b.lead, vr, n), Op::name);
  la_svd_batch<T>(w.data(), b, U.data(), uc, Sv.data(), Vh.data(), vr);
  return linalg::SvdResult<decltype(U), decltype(Sv), decltype(Vh)>{std::move(U), std::move(Sv), std::move(Vh)};
}

template <class Op, class X>
auto svdvals_impl(const X& a) {
  using T = lin_value_t<X>;
  using S = lin_shape_t<X>;
  static_assert(matrix_check<Op, S, T>::value);
  const auto w = la_work(a);
  const auto b = la_batch(w.sizes());
  auto Sv =
      la_make<T, la_replace_t<S, 2, la_min(la_rows<S>, la_cols<S>)>>(la_ext(b.lead, std::min(b.m, b.n)), Op::name);
  la_svd_batch<T>(w.data(), b, nullptr, 0, Sv.data(), nullptr, 0);
  return Sv;
}

// The VJP of A = U diag(S) Vh (reduced: U m x k, Vh k x n; ucols / vrows the stored widths, k or the
// full ones, of which the first k are used) for the gradients gu (m x ucols), gs (k), gvh (vrows x n,
// or its transpose n x vrows when gvh_t: torch.svd's V), any of them null.
template <class T>
void la_svd_backward(const T* gu, const T* gs, const T* gvh, bool gvh_t, const T* u, const T* s, const T* vh,
                     index_t count, index_t m, index_t n, index_t ucols, index_t vrows, T* ga) {
  const index_t k = std::min(m, n);
  for (index_t i = 0; i < count; ++i) {
    const auto ui = la_cmat(u, i, m, ucols), vhi = la_cmat(vh, i, vrows, n);
    const T* si = s + i * k;
    LaTmp<T> c(k, k);
    if (gu || gvh) {
      const auto gui = gu ? la_cmat(gu, i, m, ucols) : ui;
      const auto gvhi = gvh ? (gvh_t ? la_cmat(gvh, i, n, vrows).t() : la_cmat(gvh, i, vrows, n)) : vhi;
      LaTmp<T> uhgu(k, k), vhgv(k, k);
      if (gu) uhgu = la_prod<T>(k, k, m, ui.t(), gui);
      if (gvh) vhgv = la_prod<T>(k, k, n, vhi, gvhi.t());
      for (index_t r = 0; r < k; ++r)
        for (index_t q = 0; q < k; ++q) {
          if (r == q) continue;
          const T e = si[q] * si[q] - si[r] * si[r];
          c(r, q) = ((uhgu(r, q) - uhgu(q, r)) * si[q] + si[r] * (vhgv(r, q) - vhgv(q, r))) / e;
        }
      if (m > n && gu) {
        // gA = [U C + (I - U U^T) gU S^-1] Vh.
        LaTmp<T> x(m, k);
        for (index_t r = 0; r < m; ++r)
          for (index_t q = 0; q < k; ++q) x(r, q) = gui(r, q) / si[q];
        auto utx = la_prod<T>(k, k, m, ui.t(), x.ref());
        for (index_t r = 0; r < k; ++r)
          for (index_t q = 0; q < k; ++q) utx(r, q) = c(r, q) - utx(r, q);
        la_addprod<T>(m, k, k, ui, utx.ref(), x.ref());  // x = U (C - U^T x) + x
        if (gs)
          for (index_t r = 0; r < m; ++r)
            for (index_t q = 0; q < k; ++q) x(r, q) += ui(r, q) * gs[i * k + q];
        la_addprod<T>(m, n, k, x.ref(), vhi, la_mat(ga, i, m, n));
        continue;
      }
      if (m < n && gvh) {
        // gA = U [C Vh + S^-1 gVh (I - Vh^T Vh)].
        LaTmp<T> x(k, n);
        for (index_t r = 0; r < k; ++r)
          for (index_t q = 0; q < n; ++q) x(r, q) = gvhi(r, q) / si[r];
        auto xv = la_prod<T>(k, k, n, x.ref(), vhi.t());
        for (index_t r = 0; r < k; ++r)
          for (index_t q = 0; q < k; ++q) xv(r, q) = c(r, q) - xv(r, q) + (gs && r == q ? gs[i * k + r] : T(0));
        la_addprod<T>(k, n, k, xv.ref(), vhi, x.ref());  // x = (C + diag(gS) - x Vh^T) Vh + x
        la_addprod<T>(m, n, k, ui, x.ref(), la_mat(ga, i, m, n));
        continue;
      }
    }
    if (gs)
      for (index_t r = 0; r < k; ++r) c(r, r) = gs[i * k + r];
    auto t = la_prod<T>(m, k, k, ui, c.ref());
    la_addprod<T>(m, n, k, t.ref(), vhi, la_mat(ga, i, m, n));
  }
}

}  // namespace detail

namespace linalg {
// requires: A of rank >= 2, float or double. ensures: {U, S, Vh} with U diag(S) Vh = A, U^T U = I,
// Vh Vh^T = I, S descending and >= 0; FullMatrices: U and Vh square orthogonal.
template <bool FullMatrices = false, Expression X>
auto svd(const X& a) {
  return ctorch::detail::svd_impl<op::LinalgSvd, FullMatrices>(a);
}

// requires: A of rank >= 2, float or double. ensures: the singular values of A, descending.
template <Expression X>
auto svdvals(const X& a) {
  return ctorch::detail::svdvals_impl<op::LinalgSvdvals>(a);
}
}  // namespace linalg

namespace detail {
template <bool Full, bool VT, class X>
auto svd_tracked(const X& a);

// The create_graph form of la_svd_backward for one of gU, gS, gVh (Which: 0, 1, 2; g that gradient, a
// Var; 3: the gradient of V = Vh^T): the same formulas on a recomputed, recorded SVD (the same singular vectors: the
// computation is deterministic) with recorded products; the denominators S_j^2 - S_i^2 get 1 added on the diagonal,
// where the skew parts are exactly 0.
template <int Which, class G, class V, class U, class SV, class VH>
void svd_backward_graph_core(const G& g, const V& in, const U& u, const SV& s, const VH& vh);

template <bool Full, int Which, class G, class V>
void svd_backward_graph(const G& g, const V& in) {
  using S = typename V::shape_type;
  [[maybe_unused]] constexpr index_t rows = la_rows<S>, cols = la_cols<S>;
  if constexpr (Full) {
    // full_matrices: the same formulas on the first k columns of U and rows of Vh (and of their
    // gradients: the extra ones are ignored, as PyTorch), taken by recorded narrow views; static
    // extents only.
    if constexpr (rows == Dyn || cols == Dyn) {
      (void)g, (void)in;
      gg::unsupported("LinalgSvdBackward0 (full_matrices with Dyn extents)");
    } else {
      constexpr index_t k = rows < cols ? rows : cols;
      constexpr int r1 = int(S::rank) - 1, r2 = int(S::rank) - 2;
      const auto r = svd_tracked<true, false>(in);
      const auto u = narrow<r1, k>(r.U, 0);
      const auto vh = narrow<r2, k>(r.Vh, 0);
      if constexpr (Which == 0)
        svd_backward_graph_core<Which>(narrow<r1, k>(g, 0), in, u, r.S, vh);
      else if constexpr (Which == 2)
        svd_backward_graph_core<Which>(narrow<r2, k>(g, 0), in, u, r.S, vh);
      else
        svd_backward_graph_core<Which>(g, in, u, r.S, vh);
    }
  } else {
    const auto r = svd_tracked<false, false>(in);
    svd_backward_graph_core<Which>(g, in, r.U, r.S, r.Vh);
  }
}

// The formulas of svd_backward_graph on the (reduced) factors u, s, vh.
template <int Which, class G, class V, class U, class SV, class VH>
void svd_backward_graph_core(const G& g, const V& in, const U& u, const SV& s, const VH& vh) {
  using T = typename V::value_type;
  {
    if constexpr (Which == 1) {
      gg::send(in, gg::mm(autograd::as_var(u * unsqueeze<-2>(g)), vh));
    } else {
      const index_t m = in.sizes()[V::rank - 2], n = in.sizes()[V::rank - 1];
      const auto s2 = autograd::as_var(s * s);
      const auto d = autograd::as_var(unsqueeze<-2>(s2) - unsqueeze<-1>(s2));  // S_j^2 - S_i^2, k x k
      const auto e = autograd::as_var(d + gg::tri_mask(d.dims(), true, T(1), T(0)));
      if constexpr (Which == 0) {
        const auto t = autograd::as_var(gg::mm(gg::mT(u), g));
        const auto c = autograd::as_var((t - gg::mT(t)) * unsqueeze<-2>(s) / e);
        if (m > n) {
          const auto x = autograd::as_var(g / unsqueeze<-2>(s));
          const auto y = autograd::as_var(gg::mm(u, autograd::as_var(c - gg::mm(gg::mT(u), x))) + x);
          gg::send(in, gg::mm(y, vh));
        } else {
          gg::send(in, gg::mm(gg::mm(u, c), vh));
        }
      } else {
        const auto gvh = [&] {  // Which 3: torch.svd's V = Vh^T
          if constexpr (Which == 3)
            return autograd::as_var(gg::mT(g));
          else
            return g;
        }();
        const auto t = autograd::as_var(gg::mm(vh, gg::mT(gvh)));
        const auto c = autograd::as_var(unsqueeze<-1>(s) * (t - gg::mT(t)) / e);
        if (m < n) {
          const auto x = autograd::as_var(gvh / unsqueeze<-1>(s));
          const auto y = autograd::as_var(gg::mm(autograd::as_var(c - gg::mm(x, gg::mT(vh))), vh) + x);
          gg::send(in, gg::mm(u, y));
        } else {
          gg::send(in, gg::mm(gg::mm(u, c), vh));
        }
      }
    }
  }
}

// The Var form of an SVD: U, S, Vh (V = Vh^T when VT, torch.svd) as Vars, each recording the VJP with
// the others' gradients taken as zero (the VJP is linear in (gU, gS, gVh)).
template <bool Full, bool VT, class X>
auto svd_tracked(const X& a) {
  auto v = autograd::as_var(a);
  using V = decltype(v);
  using T = typename V::value_type;
  auto r = svd_impl<op::LinalgSvd, Full>(v.value());
  using TU = decltype(r.U);
  using TS = decltype(r.S);
  using TV = decltype(r.Vh);
  struct Saved {
    TU u;
    TS s;
    TV vh;
  };
  auto saved = std::make_shared<const Saved>(Saved{r.U, r.S, r.Vh});
  auto grad = [saved](const T* gu, const T* gs, const T* gvh, const V& in) {
    T* ga = la_grad(in);
    if (!ga) return;
    const auto b = la_batch(in.value().sizes());
    const auto& sv = *saved;
    la_svd_backward<T>(gu, gs, gvh, VT, sv.u.data(), sv.s.data(), sv.vh.data(), b.count, b.m, b.n,
                       sv.u.sizes()[V::rank - 1], sv.vh.sizes()[V::rank - 2], ga);
  };
  auto U = autograd::record_graph(
      "LinalgSvdBackward0", std::move(r.U),
      [grad](const auto& g, const auto&, const V& in) { grad(g.data(), nullptr, nullptr, in); },
      [](const auto& g, const V& in) { svd_backward_graph<Full, 0>(g, in); }, v);
  auto S = autograd::record_graph(
      "LinalgSvdBackward0", std::move(r.S),
      [grad](const auto& g, const auto&, const V& in) { grad(nullptr, g.data(), nullptr, in); },
      [](const auto& g, const V& in) { svd_backward_graph<Full, 1>(g, in); }, v);
  if constexpr (VT) {
    using TVt = Tensor<
        T, la_replace_t<typename TV::shape_type, 2, la_cols<typename TV::shape_type>, la_rows<typename TV::shape_type>>,
        Cpu>;
    auto Vv = autograd::record_graph(
        "LinalgSvdBackward0", TVt(transpose<-1, -2>(r.Vh)),
        [grad](const auto& g, const auto&, const V& in) { grad(nullptr, nullptr, g.data(), in); },
        [](const auto& g, const V& in) { svd_backward_graph<Full, 3>(g, in); }, v);
    return linalg::SvdVResult<decltype(U), decltype(S), decltype(Vv)>{std::move(U), std::move(S), std::move(Vv)};
  } else {
    auto Vh = autograd::record_graph(
        "LinalgSvdBackward0", std::move(r.Vh),
        [grad](const auto& g, const auto&, const V& in) { grad(nullptr, nullptr, g.data(), in); },
        [](const auto& g, const V& in) { svd_backward_graph<Full, 2>(g, in); }, v);
    return linalg::SvdResult<decltype(U), decltype(S), decltype(Vh)>{std::move(U), std::move(S), std::move(Vh)};
  }
}
}  // namespace detail

namespace linalg {
// Autograd: {U, S, Vh} as Vars (see the gradient at the top).
template <bool FullMatrices = false, Tracked X>
auto svd(const X& a) {
  return ctorch::detail::svd_tracked<FullMatrices, false>(a);
}

// Autograd: S, recording gA = U diag(gS) Vh.
template <Tracked X>
auto svdvals(const X& a) {
  return ctorch::detail::svd_tracked<false, false>(a).S;
}
}  // namespace linalg

// torch.svd(input, some=True): {U, S, V} with A = U diag(S) V^T (V [*, n, k], not Vh).
// requires: A of rank >= 2, float or double. ensures: as linalg::svd, with V = Vh^T.
template <Expression X>
auto svd(const X& a) {
  auto r = detail::svd_impl<op::LinalgSvd, false>(a);
  auto V = Tensor<
      typename decltype(r.Vh)::value_type,
      detail::la_replace_t<typename decltype(r.Vh)::shape_type, 2, detail::la_cols<typename decltype(r.Vh)::shape_type>,
                           detail::la_rows<typename decltype(r.Vh)::shape_type>>,
      Cpu>(transpose<-1, -2>(r.Vh));
  return linalg::SvdVResult<decltype(r.U), decltype(r.S), decltype(V)>{std::move(r.U), std::move(r.S), std::move(V)};
}
// Autograd: {U, S, V} as Vars.
template <Tracked X>
auto svd(const X& a) {
  return detail::svd_tracked<false, true>(a);
}

}  // namespace ctorch
