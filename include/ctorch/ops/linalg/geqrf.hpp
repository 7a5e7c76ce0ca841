// ctorch/ops/linalg/geqrf.hpp: geqrf (torch.geqrf), the Householder QR factorization in LAPACK's
// compact form: A = H_0 ... H_{k-1} R, H_j = I - tau_j v_j v_j^T, v_j(j) = 1.
// Shape: A [*, m, n] -> a [*, m, n] (R on and above the diagonal, the v_j below it) and tau [*, k],
// k = min(m, n). dtype: float or double. LAPACK's sign conventions (R's diagonal may be negative), so
// the values match PyTorch's. Gradient: none (as PyTorch).
#pragma once
#include "lapack_common.hpp"

namespace ctorch {

namespace linalg {
template <class TA, class TT>
struct GeqrfResult {
  TA a;
  TT tau;
};
}  // namespace linalg

namespace detail {
// Factors the work copy w ([*, m, n]) in place; returns tau ([*, min(m, n)]).
template <class Op, class W>
auto la_geqrf_inplace(W& w) {
  using T = typename W::value_type;
  using S = typename W::shape_type;
  const auto b = la_batch(w.sizes());
  const index_t m = b.m, n = b.n, k = std::min(m, n);
  auto tau = la_make<T, la_replace_t<S, 2, la_min(la_rows<S>, la_cols<S>)>>(la_ext(b.lead, k), Op::name);
  la_for_batch(b.count, std::max(m, n),
               [&](index_t i) { lapack::geqrf<T>(m, n, la_mat(w.data(), i, m, n), tau.data() + i * k); });
  return tau;
}
}  // namespace detail

// requires: A of rank >= 2, float or double. ensures: {a, tau} as LAPACK's geqrf.
template <Expression X>
auto geqrf(const X& a) {
  static_assert(detail::matrix_check<op::Geqrf, detail::lin_shape_t<X>, detail::lin_value_t<X>>::value);
  auto w = detail::la_work(a);
  auto tau = detail::la_geqrf_inplace<op::Geqrf>(w);
  return linalg::GeqrfResult<decltype(w), decltype(tau)>{std::move(w), std::move(tau)};
}

}  // namespace ctorch
