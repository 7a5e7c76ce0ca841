// ctorch/ops/linalg/ormqr.hpp: ormqr (torch.ormqr), the product of Q = H_0 ... H_{k-1} (geqrf's compact
// reflectors) with a matrix C, without forming Q: Q C, Q^T C (left), C Q, C Q^T (not left).
// Shape: A [*, mq, k'] (the reflectors, k = tau's length <= k'), tau [*, k], C [*, m, p] with mq = m
// (left) or mq = p (not left) -> [*, m, p]. dtype: float or double. Errors: shape_error for sizes that
// do not fit. Gradient: not yet.
#pragma once
#include "lapack_common.hpp"

namespace ctorch {

// requires: a and tau from geqrf, C's rows (left) or columns (not left) == a's rows, equal batch dims.
// ensures: op(Q) C (left) or C op(Q), op(Q) = Q^T when transpose; of C's shape.
template <Expression X, Expression TX, Expression CX>
auto ormqr(const X& a, const TX& tau, const CX& other, bool left = true, bool transpose = false) {
  using T = detail::lin_value_t<X>;
  using S = detail::lin_shape_t<X>;
  using ST = detail::lin_shape_t<TX>;
  using SC = detail::lin_shape_t<CX>;
  static_assert(detail::matrix_check<op::Ormqr, S, T>::value);
  static_assert(detail::matrix_check<op::Ormqr, SC, detail::lin_value_t<CX>>::value);
  static_assert(std::is_same_v<T, detail::lin_value_t<TX>> && std::is_same_v<T, detail::lin_value_t<CX>>,
                "ctorch: ormqr: input, tau and other of one dtype");
  static_assert(ST::rank + 1 == S::rank && SC::rank == S::rank,
                "ctorch: ormqr: tau has one dim less than input, other as many as input");
  const auto v = detail::la_work(a);
  const auto tw = detail::la_work(tau);
  auto c = detail::la_work(other);
  const auto b = detail::la_batch(v.sizes());
  const auto cb = detail::la_batch(c.sizes());
  const auto te = tw.sizes();
  const index_t mq = b.m, k = te[ST::rank - 1];
  bool ok = k <= b.n && k <= mq && (left ? cb.m : cb.n) == mq && cb.lead == b.lead;
  for (std::size_t i = 0; i + 1 < ST::rank; ++i) ok = ok && te[i] == b.lead[i];
  if (!ok)
    throw shape_error("ctorch: ormqr: input of shape " + shape_string(v.sizes()) + ", tau of shape " +
                      shape_string(te) + " and other of shape " + shape_string(c.sizes()) + " do not fit");
  detail::la_for_batch(b.count, mq, [&](index_t i) {
    const auto vi = detail::la_mat(const_cast<T*>(v.data()), i, mq, b.n);
    auto ci = detail::la_mat(c.data(), i, cb.m, cb.n);
    // C Q = (Q^T C^T)^T: the left product on C^T, with the transpose flipped.
    if (left) detail::lapack::ormqr_left<T>(mq, cb.n, k, vi, tw.data() + i * k, ci, transpose);
    else detail::lapack::ormqr_left<T>(mq, cb.m, k, vi, tw.data() + i * k, ci.t(), !transpose);
  });
  return c;
}

}  // namespace ctorch
