// ctorch/ops/linalg/eigh.hpp: eigh (torch.linalg.eigh) and eigvalsh (torch.linalg.eigvalsh), the
// eigenvalues and eigenvectors of a symmetric matrix: A = V diag(w) V^T.
// Shape: A [*, n, n] -> eigenvalues [*, n] (ascending, as PyTorch), eigenvectors [*, n, n] (column i
// belongs to eigenvalue i). Only the triangle named by uplo ('L', the default, or 'U') is read.
// Static non-square: compile error from square_check<op::LinalgEigh, Shape>; Dyn: shape_error; a
// uplo other than 'L' or 'U' throws value_error. dtype: float or double.
// Method: the cyclic Jacobi eigenvalue algorithm (accurate, O(n^3) per sweep, a handful of sweeps).
// The eigenvectors' signs may differ from PyTorch's (LAPACK's syevd).
// Gradient (PyTorch's linalg_eig_backward, Hermitian case): gA = V (diag(gw) + K) V^T with
// K_ij = skew(V^T gV)_ij / (w_j - w_i) for i != j, skew(X) = (X - X^T) / 2: invariant under the sign
// of each eigenvector, symmetric, and infinite for repeated eigenvalues (as PyTorch). Since only one
// triangle of A is read, a finite-difference check must perturb A symmetrically.
#pragma once
#include "graph_grad.hpp"
#include "lapack_common.hpp"
#include "lapack_grad.hpp"

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
    if constexpr (Vectors)
      return Tensor<T, S, Cpu>(w.dims());
    else
      return 0;
  }();
  la_for_batch(b.count, n, [&](index_t i) {
    auto m = la_mat(w.data(), i, n, n);
    for (index_t r = 0; r < n; ++r)  // symmetric from the chosen triangle
      for (index_t c = r + 1; c < n; ++c) {
        if (lower)
          m(r, c) = m(c, r);
        else
          m(c, r) = m(r, c);
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

// The VJP of A = V diag(w) V^T for the gradients gw ([*, n]) and gv ([*, n, n]), either may be null.
template <class T, class GT>
void la_eigh_backward(const GT* gw, const GT* gv, const T* w, const T* v, index_t count, index_t n, T* ga) {
  for (index_t i = 0; i < count; ++i) {
    const auto vi = la_cmat(v, i, n, n);
    const T* wi = w + i * n;
    LaTmp<T> k(n, n);
    if (gv) {
      auto t = la_prod<T>(n, n, n, vi.t(), la_cmat(gv, i, n, n));
      for (index_t r = 0; r < n; ++r)
        for (index_t c = 0; c < n; ++c)
          if (r != c) k(r, c) = T(0.5) * (t(r, c) - t(c, r)) / (wi[c] - wi[r]);
    }
    if (gw)
      for (index_t r = 0; r < n; ++r) k(r, r) = gw[i * n + r];
    auto t = la_prod<T>(n, n, n, vi, k.ref());
    la_addprod<T>(n, n, n, t.ref(), vi.t(), la_mat(ga, i, n, n));
  }
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

// Autograd: {eigenvalues, eigenvectors}, both Vars; each records the VJP with the other's gradient
// taken as zero (the VJP is linear in (gw, gV)).
template <Tracked X>
auto eigh(const X& a, char uplo = 'L') {
  namespace cd = ctorch::detail;
  auto v = autograd::as_var(a);
  using V = decltype(v);
  using T = typename V::value_type;
  auto r = eigh(v.value(), uplo);
  auto grad = [](const T* gw, const T* gv, const auto& w, const auto& vec, const V& in) {
    T* ga = cd::la_grad(in);
    if (!ga) return;
    const auto b = cd::la_batch(in.value().sizes());
    cd::la_eigh_backward<T>(gw, gv, w.data(), vec.data(), b.count, b.n, ga);
  };
  auto vecs = r.eigenvectors;
  // create_graph: the same formulas on a recomputed, recorded eigh (the same eigenvectors: the
  // computation is deterministic), with recorded products; the denominators w_j - w_i get 1 added on
  // the diagonal, where skew(V^T gV) is exactly 0.
  auto W = autograd::record_graph(
      "LinalgEighBackward0", std::move(r.eigenvalues),
      [grad, vecs](const auto& g, const auto& w, const V& in) { grad(g.data(), nullptr, w, vecs, in); },
      [uplo](const auto& g, const V& in) {
        const auto e = eigh(in, uplo);
        const auto& vv = e.eigenvectors;
        cd::gg::send(in, cd::gg::mm(autograd::as_var(vv * unsqueeze<-2>(g)), cd::gg::mT(vv)));
      },
      v);
  auto Vv = autograd::record_graph(
      "LinalgEighBackward0", std::move(r.eigenvectors),
      [grad, w = W.value()](const auto& g, const auto& vec, const V& in) { grad(nullptr, g.data(), w, vec, in); },
      [uplo](const auto& g, const V& in) {
        using T = typename V::value_type;
        const auto e = eigh(in, uplo);
        const auto& vv = e.eigenvectors;
        const auto& w = e.eigenvalues;
        const auto t = autograd::as_var(cd::gg::mm(cd::gg::mT(vv), g));
        const auto den =
            autograd::as_var(unsqueeze<-2>(w) - unsqueeze<-1>(w) + cd::gg::tri_mask(in.dims(), true, T(1), T(0)));
        const auto k = autograd::as_var((t - cd::gg::mT(t)) * T(0.5) / den);
        cd::gg::send(in, cd::gg::mm(cd::gg::mm(vv, k), cd::gg::mT(vv)));
      },
      v);
  return EighResult<decltype(W), decltype(Vv)>{std::move(W), std::move(Vv)};
}

// Autograd: the eigenvalues, recording gA = V diag(gw) V^T (the eigenvectors are kept for it).
template <Tracked X>
auto eigvalsh(const X& a, char uplo = 'L') {
  return linalg::eigh(a, uplo).eigenvalues;
}
}  // namespace linalg

}  // namespace ctorch
