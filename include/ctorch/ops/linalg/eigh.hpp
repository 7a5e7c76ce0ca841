// ctorch/ops/linalg/eigh.hpp: eigh (torch.linalg.eigh) and eigvalsh (torch.linalg.eigvalsh), the
// eigenvalues and eigenvectors of a symmetric matrix: A = V diag(w) V^T.
// Shape: A [*, n, n] -> eigenvalues [*, n] (ascending, as PyTorch), eigenvectors [*, n, n] (column i
// belongs to eigenvalue i). Only the triangle named by uplo ('L', the default, or 'U') is read.
// Static non-square: compile error from square_check<op::LinalgEigh, Shape>; Dyn: shape_error; a
// uplo other than 'L' or 'U' throws value_error. dtype: float or double.
// Method: the cyclic Jacobi eigenvalue algorithm (accurate, O(n^3) per sweep, a handful of sweeps).
// The eigenvectors' signs may differ from PyTorch's (LAPACK's syevd). Gradient: not yet.
#pragma once
#include "lapack_common.hpp"

namespace ctorch {

namespace linalg {
template <class TW, class TV>
struct EighResult {
  TW eigenvalues;
  TV eigenvectors;
};
}  // namespace linalg

namespace detail {
template <class Op, bool Vectors, class X>
auto eigh_impl(const X& a, char uplo) {
  using T = lin_value_t<X>;
  using S = lin_shape_t<X>;
  static_assert(square_check<Op, S, T>::value);
  if (uplo != 'L' && uplo != 'U' && uplo != 'l' && uplo != 'u')
    throw value_error(std::string("ctorch: ") + Op::name + ": UPLO must be 'L' or 'U', got '" + uplo + "'");
  const bool lower = uplo == 'L' || uplo == 'l';
  auto w = la_work(a);
  const auto b = la_batch(w.sizes());
  la_check_square(Op::name, b);
  const index_t n = b.n;
  auto vals = la_make<T, la_replace_t<S, 2, la_order<S>>>(la_ext(b.lead, n), Op::name);
  auto vecs = [&] {
    if constexpr (Vectors) return Tensor<T, S, Cpu>(w.dims());
    else return 0;
  }();
  la_for_batch(b.count, n, [&](index_t i) {
    auto m = la_mat(w.data(), i, n, n);
    for (index_t r = 0; r < n; ++r)  // symmetric from the chosen triangle
      for (index_t c = r + 1; c < n; ++c) {
        if (lower) m(r, c) = m(c, r);
        else m(c, r) = m(r, c);
      }
    if constexpr (Vectors) {
      std::vector<T> vt(static_cast<std::size_t>(n * n));
      lapack::jacobi_eigh<T>(n, m.p, n, vals.data() + i * n, vt.data(), n);
      auto v = la_mat(vecs.data(), i, n, n);
      for (index_t r = 0; r < n; ++r)
        for (index_t c = 0; c < n; ++c) v(r, c) = vt[std::size_t(c * n + r)];
    } else {
      lapack::jacobi_eigh<T>(n, m.p, n, vals.data() + i * n, nullptr, n);
    }
  });
  if constexpr (Vectors)
    return linalg::EighResult<decltype(vals), decltype(vecs)>{std::move(vals), std::move(vecs)};
  else
    return vals;
}
}  // namespace detail

namespace linalg {
// requires: A square (or a batch), float or double, symmetric (only uplo's triangle is read).
// ensures: {eigenvalues ascending, eigenvectors} with A V = V diag(w), V^T V = I.
template <Expression X>
auto eigh(const X& a, char uplo = 'L') {
  return ctorch::detail::eigh_impl<op::LinalgEigh, true>(a, uplo);
}

// requires: as eigh. ensures: the eigenvalues, ascending.
template <Expression X>
auto eigvalsh(const X& a, char uplo = 'L') {
  return ctorch::detail::eigh_impl<op::LinalgEigvalsh, false>(a, uplo);
}
}  // namespace linalg

}  // namespace ctorch
