// ctorch/ops/linalg/det.hpp: det (torch.linalg.det, torch.det), the determinant.
// Shape: [*, n, n] -> [*] (a 0-d tensor for one matrix). Static non-square: compile error from
// square_check<op::LinalgDet, Shape>; Dyn: shape_error. dtype: float or double.
// Method: the product of U's diagonal from LU with partial pivoting, with the pivots' sign. A singular
// matrix gives 0 (no error); the product may overflow to inf for large n, as in PyTorch (slogdet does
// not). Gradient: gA = g det(A) A^-T, the cofactor matrix times g; for an exactly singular A the
// cofactor matrix comes from the SVD A = U S Vh: det(U) det(Vh) U diag(prod_{j != i} s_j) Vh (PyTorch
// 1.13 returns zeros there, later versions the cofactors).
#pragma once
#include "slogdet.hpp"
#include "svd.hpp"

namespace ctorch {

namespace linalg {
// requires: A square (or a batch), float or double. ensures: a Tensor of A's batch shape, det(A).
template <Expression X>
auto det(const X& a) {
  static_assert(ctorch::detail::square_check<op::LinalgDet, ctorch::detail::lin_shape_t<X>,
                                             ctorch::detail::lin_value_t<X>>::value);
  auto lu = ctorch::detail::la_work(a);
  auto out = ctorch::detail::la_batch_result<op::LinalgDet>(lu);
  ctorch::detail::la_det_each<op::LinalgDet>(lu, [&](index_t i, auto, auto, auto d) { out.data()[i] = d; });
  return out;
}
}  // namespace linalg

namespace detail {
// The sign of the determinant of the n x n matrix m (row-major; +1 or -1 for an orthogonal one).
template <class T>
T la_det_sign(index_t n, const T* m) {
  std::vector<T> lu(m, m + n * n);
  std::vector<index_t> piv(static_cast<std::size_t>(n));
  lapack::getrf<T>(n, n, lapack::MatRef<T>{lu.data(), n, 1}, piv.data());
  T s(1);
  for (index_t r = 0; r < n; ++r) {
    if (piv[std::size_t(r)] != r) s = -s;
    if (lu[std::size_t(r * n + r)] < T(0)) s = -s;
  }
  return s;
}

// dst (n x n) += g * the cofactor matrix of the singular n x n matrix a, through its SVD.
template <class T>
void la_singular_cofactor_grad(index_t n, const T* a, T g, T* dst) {
  LaBatch<2> b;
  b.m = b.n = n;
  std::vector<T> u(static_cast<std::size_t>(n * n)), s(static_cast<std::size_t>(n)), vh(u.size());
  la_svd_batch<T>(a, b, u.data(), n, s.data(), vh.data(), n);
  // The singular vectors of singular values at rounding level (not exactly 0) come out of the Jacobi
  // SVD unreliable: rebuild them as an orthonormal completion of the others.
  index_t c = 0;
  while (c < n && s[std::size_t(c)] > T(n) * std::numeric_limits<T>::epsilon() * s[0]) ++c;
  for (index_t l = c; l < n; ++l) s[std::size_t(l)] = T(0);
  la_complete_basis<T>(n, c, lapack::MatRef<T>{u.data(), n, 1});
  la_complete_basis<T>(n, c, lapack::MatRef<T>{vh.data(), n, 1}.t());
  const T sign = la_det_sign<T>(n, u.data()) * la_det_sign<T>(n, vh.data());
  for (index_t l = 0; l < n; ++l) {
    T p = g * sign;
    for (index_t j = 0; j < n; ++j)
      if (j != l) p *= s[std::size_t(j)];
    if (p == T(0)) continue;
    for (index_t r = 0; r < n; ++r)
      for (index_t c = 0; c < n; ++c) dst[r * n + c] += p * u[std::size_t(r * n + l)] * vh[std::size_t(l * n + c)];
  }
}

template <class X>
auto det_tracked(const X& a) {
  auto v = autograd::as_var(a);
  using V = decltype(v);
  return autograd::record_graph(
      "LinalgDetBackward0", linalg::det(v.value()),
      [](const auto& g, const auto& y, const V& in) {
        using T = typename V::value_type;
        T* ga = la_grad(in);
        if (!ga) return;
        const index_t n = la_batch(in.value().sizes()).n;
        la_inverse_t_grad<op::LinalgDet>(in, [&](index_t i) { return g.data()[i] * y.data()[i]; });
        for (index_t i = 0; i < y.numel(); ++i)
          if (y.data()[i] == T(0) && g.data()[i] != T(0))
            la_singular_cofactor_grad<T>(n, in.value().data() + i * n * n, g.data()[i], ga + i * n * n);
      },
      // create_graph: g det(A) A^-T with a recorded det and inverse. At a singular matrix the
      // cofactors come from an SVD, which has no create_graph form here: refused.
      [](const auto& g, const V& in) {
        using T = typename V::value_type;
        const auto d = det_tracked(in);
        for (index_t i = 0; i < d.numel(); ++i)
          if (d.value().data()[i] == T(0)) gg::unsupported("LinalgDetBackward0 at a singular matrix");
        const auto gd = autograd::as_var(g * d);
        gg::send(in, gg::per_matrix<V::rank>(gd) * gg::mT(linalg::inv(in)));
      },
      v);
}
}  // namespace detail

namespace linalg {
// Autograd: as det, recording gA = g det(A) A^-T (the cofactors, also for a singular A).
template <Tracked X>
auto det(const X& a) {
  static_assert(ctorch::detail::square_check<op::LinalgDet, ctorch::detail::lin_shape_t<X>,
                                             ctorch::detail::lin_value_t<X>>::value);
  return ctorch::detail::det_tracked(a);
}
}  // namespace linalg

// torch.det: the same as linalg::det.
// requires / ensures: as linalg::det.
template <Expression X>
auto det(const X& a) {
  return linalg::det(a);
}

}  // namespace ctorch
