// ctorch/ops/linalg/pinverse.hpp: pinv (torch.linalg.pinv) and pinverse (torch.pinverse), the
// Moore-Penrose pseudo-inverse through the SVD: pinv(A) = V diag(1 / s_i for s_i > tol, else 0) U^T.
// Shape: [*, m, n] -> [*, n, m]. dtype: float or double. Tolerance as PyTorch: tol = max(atol, rtol *
// s_max); when neither is given rtol = eps * max(m, n), when only atol is given (> 0) rtol = 0;
// pinverse(A, rcond) is pinv with rtol = rcond.
// Gradient (PyTorch's pinv_backward, valid where the rank does not change, so for full-rank A): with
// P = pinv(A), gA = -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A).
#pragma once
#include <limits>
#include <optional>

#include "graph_grad.hpp"
#include "lapack_grad.hpp"
#include "svd.hpp"

namespace ctorch {

namespace detail {
// The relative tolerance PyTorch uses for pinv and matrix_rank.
template <class T>
double la_rtol(std::optional<double> atol, std::optional<double> rtol, index_t m, index_t n) {
  if (rtol) return *rtol;
  if (atol && *atol > 0) return 0.0;
  return double(std::numeric_limits<T>::epsilon()) * double(std::max(m, n));
}

template <class Op, class X>
auto pinv_impl(const X& a, std::optional<double> atol, std::optional<double> rtol) {
  using T = lin_value_t<X>;
  using S = lin_shape_t<X>;
  static_assert(matrix_check<Op, S, T>::value);
  const auto w = la_work(a);
  const auto b = la_batch(w.sizes());
  const index_t m = b.m, n = b.n, k = std::min(m, n);
  std::vector<T> u(static_cast<std::size_t>(b.count * m * k)), s(static_cast<std::size_t>(b.count * k)),
      vh(static_cast<std::size_t>(b.count * k * n));
  la_svd_batch<T>(w.data(), b, u.data(), k, s.data(), vh.data(), k);
  const double rt = la_rtol<T>(atol, rtol, m, n), at = atol ? *atol : 0.0;
  auto out = la_make<T, la_replace_t<S, 2, la_cols<S>, la_rows<S>>>(la_ext(b.lead, n, m), Op::name);
  for (index_t i = 0; i < b.count; ++i) {
    T* si = s.data() + i * k;
    auto vhi = la_mat(vh.data(), i, k, n);
    const double tol = std::max(at, rt * (k > 0 ? double(si[0]) : 0.0));
    for (index_t l = 0; l < k; ++l) {
      const T r = double(si[l]) > tol ? T(1) / si[l] : T(0);
      for (index_t c = 0; c < n; ++c) vhi(l, c) *= r;
    }
    // pinv = (diag(1/s) Vh)^T U^T: n x m.
    lapack::gemm<T>(n, m, k, T(1), vhi.t(), la_mat(u.data(), i, m, k).t(), T(0), la_mat(out.data(), i, n, m));
  }
  return out;
}

// ga (m x n, +=) of P = pinv(A) (A m x n, P n x m) for the gradient g of P (n x m).
template <class T>
void la_pinv_backward(index_t m, index_t n, lapack::MatRef<T> g, lapack::MatRef<T> p, lapack::MatRef<T> a,
                      lapack::MatRef<T> ga) {
  auto ptg = la_prod<T>(m, m, n, p.t(), g);
  la_addprod<T>(m, n, m, ptg.ref(), p.t(), ga, T(-1));  // -P^T G P^T
  auto gtp = la_prod<T>(m, m, n, g.t(), p);
  auto t2 = la_prod<T>(m, n, m, gtp.ref(), p.t());  // G^T P P^T
  auto ap = la_prod<T>(m, m, n, a, p);
  la_add_to(ga.p, m, n, t2.ref());                        // ga is contiguous m x n
  la_addprod<T>(m, n, m, ap.ref(), t2.ref(), ga, T(-1));  // (I - A P) G^T P P^T
  auto ptp = la_prod<T>(m, m, n, p.t(), p);
  auto t3 = la_prod<T>(m, n, m, ptp.ref(), g.t());  // P^T P G^T
  auto pa = la_prod<T>(n, n, m, p, a);
  la_add_to(ga.p, m, n, t3.ref());
  la_addprod<T>(m, n, n, t3.ref(), pa.ref(), ga, T(-1));  // P^T P G^T (I - P A)
}

// The create_graph form of la_pinv_backward: gA (as a recorded Var) for the gradient g of P = pinv(A),
// all three recorded.
template <class G, class P, class A>
auto pinv_backward_graph(const G& g, const P& p, const A& a) {
  const auto pt = gg::mT(p);
  const auto gt = gg::mT(g);
  const auto t1 = gg::mm(gg::mm(pt, g), pt);
  const auto t2 = gg::mm(gt, gg::mm(p, pt));  // G^T P P^T
  const auto t3 = gg::mm(gg::mm(pt, p), gt);  // P^T P G^T
  return autograd::as_var(t2 - t1 - gg::mm(gg::mm(a, p), t2) + t3 - gg::mm(t3, gg::mm(p, a)));
}

// The Var form of pinv: pinv computed by f, the VJP above for each matrix.
template <class X, class F>
auto pinv_tracked(const X& a, F f) {
  auto v = autograd::as_var(a);
  using V = decltype(v);
  using T = typename V::value_type;
  return autograd::record_graph(
      "LinalgPinvBackward0", f(v.value()),
      [](const auto& g, const auto& p, const V& in) {
        T* ga = la_grad(in);
        if (!ga) return;
        const auto b = la_batch(in.value().sizes());
        const index_t m = b.m, n = b.n;
        for (index_t i = 0; i < b.count; ++i)
          la_pinv_backward<T>(m, n, la_cmat(g.data(), i, n, m), la_cmat(p.data(), i, n, m),
                              la_cmat(in.value().data(), i, m, n), la_mat(ga, i, m, n));
      },
      // create_graph: the same formula with P recomputed (recorded) and recorded products.
      [f](const auto& g, const V& in) { gg::send(in, pinv_backward_graph(g, pinv_tracked(in, f), in)); }, v);
}
}  // namespace detail

namespace linalg {
// requires: A of rank >= 2, float or double. ensures: the pseudo-inverse [*, n, m]: A pinv(A) A = A,
// pinv(A) A pinv(A) = pinv(A), both products symmetric.
template <Expression X>
auto pinv(const X& a, std::optional<double> atol = std::nullopt, std::optional<double> rtol = std::nullopt) {
  return ctorch::detail::pinv_impl<op::LinalgPinv>(a, atol, rtol);
}
// Autograd: as pinv, recording PyTorch's pinv_backward (full-rank A).
template <Tracked X>
auto pinv(const X& a, std::optional<double> atol = std::nullopt, std::optional<double> rtol = std::nullopt) {
  return ctorch::detail::pinv_tracked(
      a, [=](const auto& t) { return ctorch::detail::pinv_impl<op::LinalgPinv>(t, atol, rtol); });
}
}  // namespace linalg

// torch.pinverse(input, rcond=1e-15): linalg::pinv with rtol = rcond.
// requires: A of rank >= 2, float or double. ensures: as linalg::pinv, cutting s_i <= rcond * s_max.
template <Expression X>
auto pinverse(const X& a, double rcond = 1e-15) {
  return detail::pinv_impl<op::LinalgPinv>(a, std::nullopt, rcond);
}
// Autograd: as pinverse, recording PyTorch's pinv_backward (full-rank A).
template <Tracked X>
auto pinverse(const X& a, double rcond = 1e-15) {
  return detail::pinv_tracked(a,
                              [=](const auto& t) { return detail::pinv_impl<op::LinalgPinv>(t, std::nullopt, rcond); });
}

}  // namespace ctorch
