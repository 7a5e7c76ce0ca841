// ctorch/ops/linalg/matrix_rank.hpp: matrix_rank (torch.linalg.matrix_rank), the number of singular
// values above tol = max(atol, rtol * s_max).
// Shape: [*, m, n] -> [*] (int64; a 0-d tensor for one matrix). dtype: float or double in. Tolerance as
// PyTorch: without atol and rtol, rtol = eps * max(m, n); with only atol (> 0), rtol = 0. With
// hermitian, the absolute eigenvalues (eigh) stand for the singular values. Gradient: none.
#pragma once
#include <optional>

#include "eigh.hpp"
#include "pinverse.hpp"

namespace ctorch::linalg {

// requires: A of rank >= 2, float or double (square when hermitian). ensures: int64 ranks of A's batch shape.
template <Expression X>
auto matrix_rank(const X& a, std::optional<double> atol = std::nullopt, std::optional<double> rtol = std::nullopt,
                 bool hermitian = false) {
  namespace cd = ctorch::detail;
  using T = cd::lin_value_t<X>;
  using S = cd::lin_shape_t<X>;
  static_assert(cd::matrix_check<op::LinalgMatrixRank, S, T>::value);
  const auto w = cd::la_work(a);
  const auto b = cd::la_batch(w.sizes());
  const index_t m = b.m, n = b.n, k = std::min(m, n);
  std::vector<T> s(static_cast<std::size_t>(b.count * k));
  bool done = false;
  if constexpr (cd::extents_agree(cd::la_rows<S>, cd::la_cols<S>)) {
    if (hermitian) {
      cd::la_check_square(op::LinalgMatrixRank::name, b);
      const auto e = eigvalsh(w);
      for (std::size_t i = 0; i < s.size(); ++i) s[i] = std::abs(e.data()[i]);
      done = true;
    }
  }
  if (hermitian && !done) cd::la_check_square(op::LinalgMatrixRank::name, b);
  if (!done) {
    cd::la_svd_batch<T>(w.data(), b, nullptr, 0, s.data(), nullptr, 0);
  }
  const double rt = cd::la_rtol<T>(atol, rtol, m, n), at = atol ? *atol : 0.0;
  auto out = cd::la_make<std::int64_t, cd::la_replace_t<S, 2>>(b.lead, op::LinalgMatrixRank::name);
  for (index_t i = 0; i < b.count; ++i) {
    const T* si = s.data() + i * k;
    double smax = 0;
    for (index_t l = 0; l < k; ++l) smax = std::max(smax, double(si[l]));
    const double tol = std::max(at, rt * smax);
    std::int64_t r = 0;
    for (index_t l = 0; l < k; ++l) r += double(si[l]) > tol;
    out.data()[i] = r;
  }
  return out;
}

}  // namespace ctorch::linalg
