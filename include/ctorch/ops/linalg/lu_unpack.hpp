// ctorch/ops/linalg/lu_unpack.hpp: lu_unpack (torch.lu_unpack), P, L, U from lu_factor's compact
// result, so that A = P L U.
// Shape: LU [*, m, n], pivots [*, k] (k = min(m, n), integer, 1-based) -> P [*, m, m], L [*, m, k],
// U [*, k, n]. dtype: LU's (float or double). Errors: a pivot outside [1, m] throws index_error; batch
// dims of LU and pivots must agree (shape_error).
// Gradient (PyTorch's lu_unpack_backward): L and U pass LU's entries through, so
// gLU = tril(gL, -1) + triu(gU) (gL padded to [*, m, n] with zero columns when m < n, gU with zero rows
// when m > n): L's unit diagonal and its zeros, and U's zeros, are constants. P is a Tensor and the
// pivots get no gradient (both integer-valued, as PyTorch's non-differentiable outputs/inputs).
#pragma once
#include "lapack_common.hpp"
#include "lapack_grad.hpp"

namespace ctorch {

namespace linalg {
template <class TP, class TL, class TU>
struct LuResult {
  TP P;
  TL L;
  TU U;
};
}  // namespace linalg

namespace detail {
// Builds P, L, U from a contiguous LU buffer (shape S) and 0-based pivots.
template <class Op, class S, class T, std::size_t R>
auto lu_unpack_raw(const T* lu, const LaBatch<R>& b, const std::vector<index_t>& piv) {
  constexpr index_t sm = la_rows<S>, sn = la_cols<S>, sk = la_min(sm, sn);
  const index_t m = b.m, n = b.n, k = std::min(m, n);
  auto P = la_make<T, la_replace_t<S, 2, sm, sm>>(la_ext(b.lead, m, m), Op::name);
  auto L = la_make<T, la_replace_t<S, 2, sm, sk>>(la_ext(b.lead, m, k), Op::name);
  auto U = la_make<T, la_replace_t<S, 2, sk, sn>>(la_ext(b.lead, k, n), Op::name);
  std::vector<index_t> perm(static_cast<std::size_t>(m));
  for (index_t i = 0; i < b.count; ++i) {
    const T* a = lu + i * m * n;
    T* l = L.data() + i * m * k;
    T* u = U.data() + i * k * n;
    T* p = P.data() + i * m * m;
    for (index_t r = 0; r < m; ++r)
      for (index_t c = 0; c < k; ++c) l[r * k + c] = r == c ? T(1) : r > c ? a[r * n + c] : T(0);
    for (index_t r = 0; r < k; ++r)
      for (index_t c = 0; c < n; ++c) u[r * n + c] = c >= r ? a[r * n + c] : T(0);
    // P^T A = L U with (P^T A)[r] = A[perm[r]]: P[perm[r], r] = 1.
    for (index_t r = 0; r < m; ++r) perm[std::size_t(r)] = r;
    for (index_t r = 0; r < k; ++r) std::swap(perm[std::size_t(r)], perm[std::size_t(piv[std::size_t(i * k + r)])]);
    for (index_t r = 0; r < m; ++r) p[perm[std::size_t(r)] * m + r] = T(1);
  }
  return linalg::LuResult<decltype(P), decltype(L), decltype(U)>{std::move(P), std::move(L), std::move(U)};
}

// Reads 1-based integer pivots (any expression of an integer dtype) into 0-based ones, checking range
// and that their batch and length fit LU's.
template <class Op, class PX, std::size_t R>
std::vector<index_t> la_read_pivots(const PX& pivots, const LaBatch<R>& b) {
  using PT = lin_value_t<PX>;
  using PS = lin_shape_t<PX>;
  static_assert(std::is_integral_v<PT> && !std::is_same_v<PT, bool>, "ctorch: LU pivots are an integer tensor");
  static_assert(PS::rank + 1 == R, "ctorch: LU pivots have one dim less than LU (batch + [min(m, n)])");
  const Tensor<PT, PS, Cpu> pv(pivots);
  const auto pe = pv.sizes();
  const index_t k = std::min(b.m, b.n);
  bool ok = pe[R - 2] == k;
  for (std::size_t i = 0; i + 2 < R; ++i) ok = ok && pe[i] == b.lead[i];
  if (!ok)
    throw shape_error(std::string("ctorch: ") + Op::name + ": pivots of shape " + shape_string(pe) +
                      " do not fit LU of batch " + shape_string(b.lead) + " and min(m, n) = " + std::to_string(k));
  std::vector<index_t> piv(static_cast<std::size_t>(pv.numel()));
  for (std::size_t i = 0; i < piv.size(); ++i) {
    const index_t v = index_t(pv.data()[i]);
    const index_t r = index_t(i) % std::max<index_t>(k, 1);
    if (v < r + 1 || v > b.m)
      throw index_error(std::string("ctorch: ") + Op::name + ": pivot " + std::to_string(v) + " at position " +
                        std::to_string(i) + " is out of range [" + std::to_string(r + 1) + ", " + std::to_string(b.m) +
                        "]");
    piv[i] = v - 1;
  }
  return piv;
}

// dst (count matrices dr x dc) += src (count matrices sr x sc) on the entries both have that are kept:
// strictly lower (lower) or upper. Both directions of lu_unpack's VJP: into LU's shape and back.
template <class T>
void lu_pass(const T* src, index_t sr, index_t sc, T* dst, index_t dr, index_t dc, index_t count, bool lower) {
  const index_t r = std::min(sr, dr), c = std::min(sc, dc);
  for (index_t i = 0; i < count; ++i)
    for (index_t p = 0; p < r; ++p)
      for (index_t q = 0; q < c; ++q)
        if (lower ? p > q : q >= p) dst[(i * dr + p) * dc + q] += src[(i * sr + p) * sc + q];
}

// The create_graph VJP of lu_unpack's L (lower) or U: g placed into zeros of LU's extents od on the
// kept entries, recorded; its VJP is the extraction back (lu_pass the other way), and the two close
// under differentiation.
template <class SO, class T, class SG, class D>
Var<T, SO, D> lu_unpack_move(const Var<T, SG, D>& g, const Dims<SO>& od, bool lower) {
  Tensor<T, SO, D> out(od);
  const auto gb = la_batch(g.value().sizes());
  const auto ob = la_batch(out.sizes());
  lu_pass(g.value().data(), gb.m, gb.n, out.data(), ob.m, ob.n, ob.count, lower);
  return autograd::record_graph(
      "LuUnpackBackward0", std::move(out),
      [lower](const auto& h, const auto&, const Var<T, SG, D>& gv) {
        T* d = la_grad(gv);
        if (!d) return;
        const auto hb = la_batch(h.sizes());
        const auto db = la_batch(gv.value().sizes());
        lu_pass(h.data(), hb.m, hb.n, d, db.m, db.n, hb.count, lower);
      },
      [lower](const auto& h, const Var<T, SG, D>& gv) {
        autograd::accumulate_graph(gv, lu_unpack_move(h, gv.dims(), lower));
      },
      g);
}
}  // namespace detail

// requires: LU of rank >= 2 (float or double), pivots as lu_factor gives them. ensures: {P, L, U} with
// P a permutation matrix, L unit lower [*, m, k], U upper [*, k, n], P L U = the factored A.
template <Expression X, Expression PX>
auto lu_unpack(const X& lu_data, const PX& lu_pivots) {
  using T = detail::lin_value_t<X>;
  using S = detail::lin_shape_t<X>;
  static_assert(detail::matrix_check<op::LuUnpack, S, T>::value);
  const auto lu = detail::la_work(lu_data);
  const auto b = detail::la_batch(lu.sizes());
  const auto piv = detail::la_read_pivots<op::LuUnpack>(lu_pivots, b);
  return detail::lu_unpack_raw<op::LuUnpack, S>(lu.data(), b, piv);
}

// Autograd: {P (a Tensor), L, U (Vars)}: L adds tril(gL, -1), U adds triu(gU) into LU_data's gradient.
template <Tracked X, Expression PX>
auto lu_unpack(const X& lu_data, const PX& lu_pivots) {
  auto v = autograd::as_var(lu_data);
  using V = decltype(v);
  using T = typename V::value_type;
  auto r = lu_unpack(v.value(), lu_pivots);
  // g is [*, m, k] (lower) or [*, k, n] (upper); entry (i, j) of matrix b goes to LU's (i, j) when kept.
  auto pass = [](const auto& g, const V& in, bool lower) {
    T* ga = detail::la_grad(in);
    if (!ga) return;
    const auto b = detail::la_batch(in.value().sizes());
    const auto gb = detail::la_batch(g.sizes());
    for (index_t i = 0; i < b.count; ++i)
      for (index_t p = 0; p < gb.m; ++p)
        for (index_t q = 0; q < gb.n; ++q)
          if (lower ? p > q : q >= p) ga[(i * b.m + p) * b.n + q] += g.data()[(i * gb.m + p) * gb.n + q];
  };
  auto L = autograd::record_graph(
      "LuUnpackBackward0", std::move(r.L), [pass](const auto& g, const auto&, const V& in) { pass(g, in, true); },
      [](const auto& g, const V& in) { autograd::accumulate_graph(in, detail::lu_unpack_move(g, in.dims(), true)); },
      v);
  auto U = autograd::record_graph(
      "LuUnpackBackward0", std::move(r.U), [pass](const auto& g, const auto&, const V& in) { pass(g, in, false); },
      [](const auto& g, const V& in) { autograd::accumulate_graph(in, detail::lu_unpack_move(g, in.dims(), false)); },
      v);
  return linalg::LuResult<decltype(r.P), decltype(L), decltype(U)>{std::move(r.P), std::move(L), std::move(U)};
}

}  // namespace ctorch
