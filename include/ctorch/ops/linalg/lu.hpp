// ctorch/ops/linalg/lu.hpp: lu (torch.linalg.lu), the LU factorization with partial pivoting A = P L U.
// Shape: A [*, m, n] -> P [*, m, m], L [*, m, k] (unit lower), U [*, k, n] (upper), k = min(m, n).
// dtype: float or double. Singular A is fine (U has a zero on its diagonal; no error, as PyTorch).
// Blocked right-looking with GEMM trailing updates for k >= 64.
// Gradient (PyTorch's linalg_lu_backward, square, wide and tall; la_lu_backward in lu_factor.hpp): P is
// a Tensor (a permutation, no gradient, as PyTorch's), L and U are Vars. For m == n,
// gA = P L^-T [tril(L^T gL, -1) + triu(gU U^T)] U^-T; only gL's strictly lower and gU's upper part
// count (the other entries of L and U are constants). A singular U gives inf/nan, as in PyTorch.
// create_graph: square matrices only (the square formula, recorded); a non-square one throws.
#pragma once
#include "lu_factor.hpp"
#include "lu_unpack.hpp"

namespace ctorch::linalg {

// requires: A of rank >= 2, float or double. ensures: {P, L, U} with P L U = A (P a permutation).
template <Expression X>
auto lu(const X& a) {
  using T = ctorch::detail::lin_value_t<X>;
  using S = ctorch::detail::lin_shape_t<X>;
  static_assert(ctorch::detail::matrix_check<op::LinalgLu, S, T>::value);
  std::vector<index_t> piv, info;
  const auto f = detail::lu_factor_raw(a, piv, info);
  return ctorch::detail::lu_unpack_raw<op::LinalgLu, S>(f.data(), ctorch::detail::la_batch(f.sizes()), piv);
}

// Autograd: {P (a Tensor), L, U (Vars)}; L and U each record the VJP with the other's gradient taken
// as zero (the VJP is linear in (gL, gU), so the two contributions add up to the joint one).
template <Tracked X>
auto lu(const X& a) {
  namespace cd = ctorch::detail;
  auto v = autograd::as_var(a);
  using V = decltype(v);
  using T = typename V::value_type;
  using S = typename V::shape_type;
  static_assert(cd::matrix_check<op::LinalgLu, S, T>::value);
  std::vector<index_t> piv, info;
  const auto f = detail::lu_factor_raw(v.value(), piv, info);
  auto r = cd::lu_unpack_raw<op::LinalgLu, S>(f.data(), cd::la_batch(f.sizes()), piv);
  // Both nodes share the compact factors and the pivots (the VJP reads L and U from them).
  auto grad = [f, piv](const T* gl, const T* gu, const V& in) {
    T* ga = cd::la_grad(in);
    if (!ga) return;
    const auto b = cd::la_batch(f.sizes());
    cd::la_lu_backward_batch<T>(gl, gu, f.data(), piv, b.count, b.m, b.n, ga);
  };
  // create_graph (square matrices only): the square formula on a recomputed, recorded factorization.
  auto gfn = [](const auto& g, const V& in, bool lower) {
    if constexpr (cd::la_rows<S> != cd::la_cols<S>) {
      (void)g, (void)lower;
      cd::gg::unsupported("LinalgLuBackward0 (a non-square matrix)");
    } else {
      const auto b = cd::la_batch(in.value().sizes());
      if (b.m != b.n) cd::gg::unsupported("LinalgLuBackward0 (a non-square matrix)");
      const auto r2 = lu(in);
      const V l = r2.L, u = r2.U;
      const V gv = g;
      cd::lu_backward_graph(in, l, u, Tensor<T, S, Cpu>(r2.P), lower ? &gv : nullptr, lower ? nullptr : &gv);
    }
  };
  auto L = autograd::record_graph(
      "LinalgLuBackward0", std::move(r.L),
      [grad](const auto& g, const auto&, const V& in) { grad(g.data(), nullptr, in); },
      [gfn](const auto& g, const V& in) { gfn(g, in, true); }, v);
  auto U = autograd::record_graph(
      "LinalgLuBackward0", std::move(r.U),
      [grad](const auto& g, const auto&, const V& in) { grad(nullptr, g.data(), in); },
      [gfn](const auto& g, const V& in) { gfn(g, in, false); }, v);
  return LuResult<decltype(r.P), decltype(L), decltype(U)>{std::move(r.P), std::move(L), std::move(U)};
}

}  // namespace ctorch::linalg
