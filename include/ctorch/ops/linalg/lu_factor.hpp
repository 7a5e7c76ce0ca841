// ctorch/ops/linalg/lu_factor.hpp: lu_factor (torch.linalg.lu_factor), the compact LU factorization
// with partial pivoting, A = P L U.
// Shape: A [*, m, n] -> LU [*, m, n] (L unit lower below the diagonal, U on and above it) and pivots
// [*, min(m, n)] (int32, 1-based, LAPACK's: row i was swapped with row pivots[i] at step i).
// dtype: float or double. Blocked right-looking LU with GEMM trailing updates for min(m, n) >= 64.
// Errors: an exactly zero pivot throws value_error like PyTorch ("U[3,3] is zero ..."); linalg::lu
// does not check.
// Gradient (PyTorch's lu_factor_ex_backward): with gL = G[:, :k], gU = G[:k, :], linalg.lu's VJP
// (la_lu_backward below, PyTorch's linalg_lu_backward), which reads only gL's strictly lower and gU's
// upper part, the parts of LU that hold L and U. The pivots have no gradient (an int32 Tensor). Under
// create_graph only square matrices are supported (lu_backward_graph); a non-square one throws.
#pragma once
#include "graph_grad.hpp"
#include "lapack_common.hpp"
#include "lapack_grad.hpp"
#include "triangular_solve.hpp"

namespace ctorch::linalg {

template <class TLU, class TP>
struct LuFactorResult {
  TLU LU;
  TP pivots;
};

namespace detail {
// The factorization with 0-based pivots kept for the other LU ops; no error checks.
template <class X>
auto lu_factor_raw(const X& a, std::vector<index_t>& piv, std::vector<index_t>& info) {
  auto lu = ctorch::detail::la_work(a);
  const auto b = ctorch::detail::la_batch(lu.sizes());
  piv.assign(std::size_t(b.count * std::min(b.m, b.n)), 0);
  info = ctorch::detail::la_getrf_batch(lu.data(), b.count, b.m, b.n, piv.data());
  return lu;
}

// 0-based pivots -> PyTorch's int32 1-based pivots tensor of shape batch + [min(m, n)].
template <class S, class L>
auto pivots_tensor(const L& lead, index_t k, const std::vector<index_t>& piv, const char* op) {
  using PS =
      ctorch::detail::la_replace_t<S, 2,
                                   ctorch::detail::la_min(ctorch::detail::la_rows<S>, ctorch::detail::la_cols<S>)>;
  auto p = ctorch::detail::la_make<std::int32_t, PS>(ctorch::detail::la_ext(lead, k), op);
  for (std::size_t i = 0; i < piv.size(); ++i) p.data()[i] = std::int32_t(piv[i] + 1);
  return p;
}
}  // namespace detail

}  // namespace ctorch::linalg

namespace ctorch::detail {
// The VJP of A = P L U (PyTorch's linalg_lu_backward, real case) for one m x n matrix, k = min(m, n):
// gl (m x k) and gu (k x n) the gradients of L and U (only gl's strictly lower and gu's upper part are
// read), l and u the factors (any strides; only their triangles are read, so both may be the compact
// LU), perm from la_lu_perm; gA added into ga (m x n, row-major).
//   m == n: gA = P L^-T [tril(L^T gL, -1) + triu(gU U^T)] U^-T
//   m < n (U = [U1 | U2]): M = tril(L^T gL - triu(gU) U^T, -1) U1^-T, gA = P L^-T [M + triu(gU1) | gU2]
//   m > n (L = [L1; L2]):  M = L1^-T triu(gU U^T - L^T tril(gL, -1)), gA = P [M + tril(gL1, -1); gL2] U^-T
template <class T>
void la_lu_backward(index_t m, index_t n, lapack::MatRef<T> gl, lapack::MatRef<T> gu, lapack::MatRef<T> l,
                    lapack::MatRef<T> u, const std::vector<index_t>& perm, T* ga) {
  const index_t k = std::min(m, n);
  // Explicit unit lower L and upper U (the products below are GEMMs, which do not know triangles).
  LaTmp<T> le(m, k), ue(k, n), glt(m, k), gut(k, n);
  for (index_t r = 0; r < m; ++r)
    for (index_t c = 0; c < k; ++c) {
      le(r, c) = r == c ? T(1) : r > c ? l(r, c) : T(0);
      glt(r, c) = r > c ? gl(r, c) : T(0);
    }
  for (index_t r = 0; r < k; ++r)
    for (index_t c = r; c < n; ++c) {
      ue(r, c) = u(r, c);
      gut(r, c) = gu(r, c);
    }
  LaTmp<T> out(m, n);
  LaTmp<T> mm = la_prod<T>(k, k, m, le.t(), glt.ref());  // L^T tril(gL, -1), k x k
  if (m >= n) {
    // tall or square: M = triu(gU U^T - L^T tril(gL, -1)) + (square: tril(L^T gL, -1))
    auto uu = la_prod<T>(k, k, n, gut.ref(), ue.t());
    for (index_t r = 0; r < k; ++r)
      for (index_t c = 0; c < k; ++c) {
        if (m == n)
          mm(r, c) = c >= r ? uu(r, c) : mm(r, c);
        else
          mm(r, c) = c >= r ? uu(r, c) - mm(r, c) : T(0);
      }
    if (m > n) lapack::trsm<T>(k, k, le.t(), false, true, mm.ref());  // L1^-T M
    for (index_t r = 0; r < k; ++r)
      for (index_t c = 0; c < k; ++c) out(r, c) = mm(r, c) + (m > n && r > c ? glt(r, c) : T(0));
    for (index_t r = k; r < m; ++r)
      for (index_t c = 0; c < k; ++c) out(r, c) = glt(r, c);
    lapack::trsm<T>(k, m, ue.ref(), false, false, out.t());             // out U^-T: U out^T = out^T
    if (m == n) lapack::trsm<T>(k, k, le.t(), false, true, out.ref());  // L^-T out
  } else {
    // wide: M = tril(L^T gL - triu(gU) U^T, -1) U1^-T, then L^-T [M + triu(gU1) | gU2]
    la_addprod<T>(k, k, n, gut.ref(), ue.t(), mm.ref(), T(-1));
    for (index_t r = 0; r < k; ++r)
      for (index_t c = r; c < k; ++c) mm(r, c) = T(0);
    lapack::trsm<T>(k, k, ue.ref(), false, false, mm.t());  // M U1^-T
    for (index_t r = 0; r < k; ++r)
      for (index_t c = 0; c < n; ++c) out(r, c) = (c < k ? mm(r, c) : T(0)) + gut(r, c);
    lapack::trsm<T>(k, n, le.t(), false, true, out.ref());
  }
  for (index_t r = 0; r < m; ++r) {
    T* dst = ga + perm[std::size_t(r)] * n;
    for (index_t c = 0; c < n; ++c) dst[c] += out(r, c);
  }
}

// The permutation matrices P (A = P L U) of a batch of m x m matrices of extents d from the 0-based
// pivots (k per matrix).
template <class T, class S>
Tensor<T, S, Cpu> lu_perm_matrix(const std::vector<index_t>& piv, index_t k, const Dims<S>& d) {
  Tensor<T, S, Cpu> p(d);
  const auto b = la_batch(p.sizes());
  for (index_t i = 0; i < b.count; ++i) {
    const auto perm = la_lu_perm(piv.data() + i * k, k, b.m);
    for (index_t r = 0; r < b.m; ++r) p.data()[i * b.m * b.m + perm[std::size_t(r)] * b.m + r] = T(1);
  }
  return p;
}

// The create_graph form of la_lu_backward for square matrices (gl or gu may be null: zero), with L and U
// recorded Vars of A's shape (from a recomputed, recorded factorization) and P a constant:
// gA = P L^-T [tril(L^T gL, -1) + triu(gU U^T)] U^-T, with recorded triangular solves.
template <class V, class G>
void lu_backward_graph(const V& in, const V& l, const V& u,
                       Tensor<typename V::value_type, typename V::shape_type, Cpu> p, const G* gl, const G* gu) {
  using T = typename V::value_type;
  const auto d = in.dims();
  const V x = [&] {
    if (gl && gu)
      return V(gg::mm(gg::mT(l), *gl) * gg::tri_mask(d, false, T(0)) +
               gg::mm(*gu, gg::mT(u)) * gg::tri_mask(d, true, T(1)));
    if (gl) return V(gg::mm(gg::mT(l), *gl) * gg::tri_mask(d, false, T(0)));
    return V(gg::mm(*gu, gg::mT(u)) * gg::tri_mask(d, true, T(1)));
  }();
  const auto y = linalg::solve_triangular(gg::mT(l), x, true, true, true);  // L^-T X
  const auto z = linalg::solve_triangular(gg::mT(u), y, false, false);      // Y U^-T
  gg::send(in, gg::mm(V(std::move(p)), z));
}

// linalg.lu's VJP over a batch: gl [*, m, k] and gu [*, k, n] (either may be null: zero), the compact
// factors lu [*, m, n] and 0-based pivots, added into ga [*, m, n].
template <class T>
void la_lu_backward_batch(const T* gl, const T* gu, const T* lu, const std::vector<index_t>& piv, index_t count,
                          index_t m, index_t n, T* ga) {
  const index_t k = std::min(m, n);
  LaTmp<T> zl(m, k), zu(k, n);
  for (index_t i = 0; i < count; ++i) {
    const auto f = la_cmat(lu, i, m, n);
    la_lu_backward<T>(m, n, gl ? la_cmat(gl, i, m, k) : zl.ref(), gu ? la_cmat(gu, i, k, n) : zu.ref(), f, f,
                      la_lu_perm(piv.data() + i * k, k, m), ga + i * m * n);
  }
}
}  // namespace ctorch::detail

namespace ctorch::linalg {

// requires: A of rank >= 2, float or double; no exactly zero pivot (value_error otherwise).
// ensures: {LU, pivots} with A = P L U, P from the pivots (lu_unpack), L unit lower and U upper in LU.
template <Expression X>
auto lu_factor(const X& a) {
  using T = ctorch::detail::lin_value_t<X>;
  using S = ctorch::detail::lin_shape_t<X>;
  static_assert(ctorch::detail::matrix_check<op::LinalgLuFactor, S, T>::value);
  std::vector<index_t> piv, info;
  auto lu = detail::lu_factor_raw(a, piv, info);
  const auto b = ctorch::detail::la_batch(lu.sizes());
  for (std::size_t i = 0; i < info.size(); ++i)
    if (info[i] != 0)
      throw value_error(ctorch::detail::la_prefix(op::LinalgLuFactor::name, S::rank > 2, index_t(i)) + "U[" +
                        std::to_string(info[i]) + "," + std::to_string(info[i]) +
                        "] is zero and using it on lu_solve would result in a division by zero. If you still want "
                        "to perform the factorization, consider calling linalg.lu(A)");
  auto p = detail::pivots_tensor<S>(b.lead, std::min(b.m, b.n), piv, op::LinalgLuFactor::name);
  return LuFactorResult<decltype(lu), decltype(p)>{std::move(lu), std::move(p)};
}

// Autograd: {LU (a Var), pivots (an int32 Tensor)}, LU recording linalg.lu's VJP with gL = G[:, :k],
// gU = G[:k, :] (see the top).
template <Tracked X>
auto lu_factor(const X& a) {
  namespace cd = ctorch::detail;
  auto v = autograd::as_var(a);
  using V = decltype(v);
  using T = typename V::value_type;
  auto r = lu_factor(v.value());
  std::vector<index_t> piv(static_cast<std::size_t>(r.pivots.numel()));
  for (std::size_t i = 0; i < piv.size(); ++i) piv[i] = index_t(r.pivots.data()[i]) - 1;
  // create_graph (square matrices only): the square formula on L and U taken from a recomputed, recorded
  // factorization (the same pivots: the computation is deterministic).
  auto gfn = [piv](const auto& g, const V& in) {
    using S = typename V::shape_type;
    if constexpr (cd::la_rows<S> != cd::la_cols<S>) {
      (void)g;
      cd::gg::unsupported("LinalgLuFactorExBackward0 (a non-square matrix)");
    } else {
      const auto b = cd::la_batch(in.value().sizes());
      if (b.m != b.n) cd::gg::unsupported("LinalgLuFactorExBackward0 (a non-square matrix)");
      const V f = lu_factor(in).LU;
      const auto d = in.dims();
      const V l(f * cd::gg::tri_mask(d, false, T(0)) + cd::gg::tri_mask(d, false, T(1), T(0)));
      const V u(f * cd::gg::tri_mask(d, true, T(1)));
      cd::lu_backward_graph(in, l, u, cd::lu_perm_matrix<T>(piv, b.n, d), &g, &g);
    }
  };
  auto LU = autograd::record_graph(
      "LinalgLuFactorExBackward0", std::move(r.LU),
      [piv = std::move(piv)](const auto& g, const auto& lu, const V& in) {
        T* ga = cd::la_grad(in);
        if (!ga) return;
        const auto bb = cd::la_batch(lu.sizes());
        const index_t m = bb.m, n = bb.n, k = std::min(m, n);
        // gL = G[:, :k], gU = G[:k, :]: strided views of G, matrix by matrix.
        for (index_t i = 0; i < bb.count; ++i) {
          const auto gi = cd::la_cmat(g.data(), i, m, n), f = cd::la_cmat(lu.data(), i, m, n);
          cd::la_lu_backward<T>(m, n, gi, gi, f, f, cd::la_lu_perm(piv.data() + i * k, k, m), ga + i * m * n);
        }
      },
      gfn, v);
  return LuFactorResult<decltype(LU), decltype(r.pivots)>{std::move(LU), std::move(r.pivots)};
}

}  // namespace ctorch::linalg
