// ctorch/ops/linalg/qr.hpp: qr (torch.linalg.qr, torch.qr), A = Q R with Q orthonormal columns and R
// upper triangular, by Householder reflections (LAPACK's geqrf + orgqr conventions, so Q and R match
// PyTorch's, signs included).
// Shape: A [*, m, n], k = min(m, n): reduced mode (the default, torch's mode='reduced') Q [*, m, k],
// R [*, k, n]; complete mode (qr<QrMode::complete>) Q [*, m, m], R [*, m, n]. dtype: float or double.
// A rank-deficient A is fine (R has zeros on its diagonal). Gradient: not yet.
#pragma once
#include "geqrf.hpp"

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

// torch.qr(input, some=True): the reduced QR, as linalg::qr.
// requires / ensures: as linalg::qr.
template <Expression X>
auto qr(const X& a) {
  return linalg::qr(a);
}

}  // namespace ctorch
