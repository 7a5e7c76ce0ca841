// ctorch/ops/linalg/orgqr.hpp: householder_product (torch.linalg.householder_product) and orgqr
// (torch.orgqr): the first n columns of H_0 ... H_{k-1} from geqrf's compact reflectors.
// Shape: A [*, m, n] (n <= m), tau [*, k] (k <= n) -> [*, m, n]. dtype: float or double. Errors:
// shape_error when n > m, k > n or the batch dims of A and tau differ. Gradient: not yet.
#pragma once
#include "lapack_common.hpp"

namespace ctorch {

namespace detail {
template <class Op, class X, class TX>
auto orgqr_impl(const X& a, const TX& tau) {
  using T = lin_value_t<X>;
  using S = lin_shape_t<X>;
  using ST = lin_shape_t<TX>;
  static_assert(matrix_check<Op, S, T>::value);
  static_assert(std::is_same_v<T, lin_value_t<TX>>, "ctorch: householder_product: A and tau of one dtype");
  static_assert(ST::rank + 1 == S::rank, "ctorch: householder_product: tau has one dim less than A");
  const auto v = la_work(a);
  const auto tw = la_work(tau);
  const auto b = la_batch(v.sizes());
  const auto te = tw.sizes();
  const index_t m = b.m, n = b.n, k = te[ST::rank - 1];
  bool ok = n <= m && k <= n;
  for (std::size_t i = 0; i + 1 < ST::rank; ++i) ok = ok && te[i] == b.lead[i];
  if (!ok)
    throw shape_error(std::string("ctorch: ") + Op::name + ": A of shape " + shape_string(v.sizes()) +
                      " and tau of shape " + shape_string(te) + " do not fit (need n <= m, k <= n, equal batch dims)");
  Tensor<T, S, Cpu> q(v.dims());
  la_for_batch(b.count, m, [&](index_t i) {
    lapack::orgqr<T>(m, n, k, la_mat(const_cast<T*>(v.data()), i, m, n), tw.data() + i * k, la_mat(q.data(), i, m, n));
  });
  return q;
}
}  // namespace detail

namespace linalg {
// requires: A [*, m, n] with the reflectors below its diagonal, tau [*, k], k <= n <= m.
// ensures: the m x n matrix of the first n columns of H_0 ... H_{k-1} (orthonormal columns).
template <Expression X, Expression TX>
auto householder_product(const X& a, const TX& tau) {
  return ctorch::detail::orgqr_impl<op::Orgqr>(a, tau);
}
}  // namespace linalg

// torch.orgqr: the same as linalg::householder_product.
// requires / ensures: as linalg::householder_product.
template <Expression X, Expression TX>
auto orgqr(const X& a, const TX& tau) {
  return detail::orgqr_impl<op::Orgqr>(a, tau);
}

}  // namespace ctorch
