// ctorch/ops/linalg/lu_factor.hpp: lu_factor (torch.linalg.lu_factor), the compact LU factorization
// with partial pivoting, A = P L U.
// Shape: A [*, m, n] -> LU [*, m, n] (L unit lower below the diagonal, U on and above it) and pivots
// [*, min(m, n)] (int32, 1-based, LAPACK's: row i was swapped with row pivots[i] at step i).
// dtype: float or double. Blocked right-looking LU with GEMM trailing updates for min(m, n) >= 128.
// Errors: an exactly zero pivot throws value_error like PyTorch ("U[3,3] is zero ..."); linalg::lu
// does not check. Gradient: not yet (ctorch has no autograd for linalg).
#pragma once
#include "lapack_common.hpp"

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
  using PS = ctorch::detail::la_replace_t<S, 2, ctorch::detail::la_min(ctorch::detail::la_rows<S>,
                                                                        ctorch::detail::la_cols<S>)>;
  auto p = ctorch::detail::la_make<std::int32_t, PS>(ctorch::detail::la_ext(lead, k), op);
  for (std::size_t i = 0; i < piv.size(); ++i) p.data()[i] = std::int32_t(piv[i] + 1);
  return p;
}
}  // namespace detail

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

}  // namespace ctorch::linalg
