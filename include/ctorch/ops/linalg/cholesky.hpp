// ctorch/ops/linalg/cholesky.hpp: cholesky (torch.linalg.cholesky, torch.cholesky), the Cholesky factor
// of a symmetric positive-definite matrix: A = L L^T (lower, the default) or A = U^T U (upper).
// Shape: [*, n, n] -> [*, n, n]. Only the lower triangle of A is read (as PyTorch); the other triangle
// of the result is zero. Static non-square: compile error from square_check<op::LinalgCholesky, Shape>;
// Dyn: shape_error. dtype: float or double.
// Method: right-looking blocked Cholesky with GEMM trailing updates for n >= 48, Cholesky-Crout below.
// Errors: value_error "ctorch: linalg.cholesky: The factorization could not be completed because the
// input is not positive-definite (the leading minor of order 2 is not positive-definite)." (with
// "(Batch element i): " for batches; a NaN pivot counts as not positive).
// Gradient (Murray 2016, PyTorch's cholesky_backward): gA = sym(L^-T phi(L^T gL) L^-1), phi = the
// lower triangle with its diagonal halved, sym(X) = (X + X^T) / 2: symmetric, as PyTorch's, although
// only A's lower triangle is read (so a finite-difference check must perturb A symmetrically).
#pragma once
#include "lapack_common.hpp"
#include "lapack_grad.hpp"
#include "triangular_solve.hpp"

namespace ctorch {

namespace detail {
// Factors the work copy w (shape [*, n, n]) in place: the lower factor, upper triangle zeroed (or the
// transpose when upper). Throws value_error naming Op for a matrix that is not positive-definite.
template <class Op, class W>
void la_cholesky_inplace(W& w, bool upper) {
  using T = typename W::value_type;
  const auto b = la_batch(w.sizes());
  la_check_square(Op::name, b);
  const index_t n = b.n;
  std::vector<index_t> info(static_cast<std::size_t>(b.count), 0);
  la_for_batch(b.count, n, [&](index_t i) {
    auto a = la_mat(w.data(), i, n, n);
    info[std::size_t(i)] = lapack::potrf<T>(n, a);
    for (index_t r = 0; r < n; ++r)
      for (index_t c = r + 1; c < n; ++c) {
        if (upper)
          a(r, c) = a(c, r), a(c, r) = T(0);
        else
          a(r, c) = T(0);
      }
  });
  la_raise_not_pd(Op::name, W::shape_type::rank > 2, info);
}

template <class Op, class X>
auto cholesky_impl(const X& a, bool upper) {
  auto w = la_work(a);
  la_cholesky_inplace<Op>(w, upper);
  return w;
}

// (The return type is spelled out: the create_graph VJP calls this function again.)
template <class Op, class X>
autograd::as_var_t<const X&> cholesky_tracked(const char* name, const X& a, bool upper) {
  auto v = autograd::as_var(a);
  using V = decltype(v);
  return autograd::record_graph(
      name, cholesky_impl<Op>(v.value(), upper),
      [upper](const auto& g, const auto& y, const V& in) {
        using T = typename V::value_type;
        T* ga = la_grad(in);
        if (!ga) return;
        const auto b = la_batch(y.sizes());
        const index_t n = b.n;
        for (index_t i = 0; i < b.count; ++i) {
          auto l = la_cmat(y.data(), i, n, n), gl = la_cmat(g.data(), i, n, n);
          if (upper) l = l.t(), gl = gl.t();
          auto phi = la_prod<T>(n, n, n, l.t(), gl);  // L^T gL, then its lower triangle, diagonal halved
          for (index_t r = 0; r < n; ++r) {
            phi(r, r) *= T(0.5);
            for (index_t c = r + 1; c < n; ++c) phi(r, c) = T(0);
          }
          lapack::trsm<T>(n, n, l.t(), false, false, phi.ref());  // W = L^-T phi
          lapack::trsm<T>(n, n, l.t(), false, false, phi.t());    // Z = W L^-1: L^T Z^T = W^T
          auto gi = la_mat(ga, i, n, n);
          for (index_t r = 0; r < n; ++r)
            for (index_t c = 0; c < n; ++c) gi(r, c) += T(0.5) * (phi(r, c) + phi(c, r));
        }
      },
      // create_graph: the same formula on a recomputed, recorded L, with recorded triangular solves.
      [upper, name](const auto& g, const V& in) {
        using T = typename V::value_type;
        const V f = cholesky_tracked<Op>(name, in, upper);
        const V l = upper ? V(gg::mT(f)) : f;
        const V gl = upper ? V(gg::mT(g)) : V(g);
        const V phi(gg::mm(gg::mT(l), gl) * gg::tri_mask(in.dims(), false, T(0.5)));
        const auto w = linalg::solve_triangular(gg::mT(l), phi, true);  // L^-T phi
        const auto z = linalg::solve_triangular(l, w, false, false);    // W L^-1
        gg::send(in, (z + gg::mT(z)) * T(0.5));
      },
      v);
}
}  // namespace detail

namespace linalg {
// requires: A symmetric positive-definite (its lower triangle is read), square, float or double.
// ensures: L lower with L L^T = A (upper: U = L^T, U^T U = A), of A's shape.
template <Expression X>
auto cholesky(const X& a, bool upper = false) {
  static_assert(ctorch::detail::square_check<op::LinalgCholesky, ctorch::detail::lin_shape_t<X>,
                                             ctorch::detail::lin_value_t<X>>::value);
  return ctorch::detail::cholesky_impl<op::LinalgCholesky>(a, upper);
}

// Autograd: as cholesky, recording gA = sym(L^-T phi(L^T gL) L^-1).
template <Tracked X>
auto cholesky(const X& a, bool upper = false) {
  static_assert(ctorch::detail::square_check<op::LinalgCholesky, ctorch::detail::lin_shape_t<X>,
                                             ctorch::detail::lin_value_t<X>>::value);
  return ctorch::detail::cholesky_tracked<op::LinalgCholesky>("LinalgCholeskyExBackward0", a, upper);
}
}  // namespace linalg

// torch.cholesky(input, upper=False): the same as linalg::cholesky.
// requires / ensures: as linalg::cholesky.
template <Expression X>
auto cholesky(const X& a, bool upper = false) {
  return linalg::cholesky(a, upper);
}

}  // namespace ctorch
