// ctorch/ops/linalg/cholesky_inverse.hpp: cholesky_inverse (torch.cholesky_inverse), the inverse of
// A = L L^T (or U^T U when upper) from its Cholesky factor.
// Shape: [*, n, n] -> [*, n, n] (PyTorch 1.13 takes one matrix or a batch). Static non-square: compile
// error from square_check<op::CholeskyInverse, Shape>; Dyn: shape_error. dtype: float or double. A zero
// on the factor's diagonal gives inf/nan, as in PyTorch.
// Gradient (PyTorch's cholesky_inverse_backward): C = Y (G + G^T) Y with Y the result, gL = -C L
// (upper: -U C), over the whole of L (not only its triangle, as PyTorch).
#pragma once
#include "graph_grad.hpp"
#include "lapack_common.hpp"
#include "lapack_grad.hpp"

namespace ctorch {

// requires: L square triangular (lower, or upper when upper). ensures: inv(L L^T) (inv(U^T U)), symmetric.
template <Expression LX>
auto cholesky_inverse(const LX& L, bool upper = false) {
  using T = detail::lin_value_t<LX>;
  using S = detail::lin_shape_t<LX>;
  static_assert(detail::square_check<op::CholeskyInverse, S, T>::value);
  auto lw = detail::la_work(L);
  const auto b = detail::la_batch(lw.sizes());
  detail::la_check_square(op::CholeskyInverse::name, b, "L");
  const index_t n = b.n;
  Tensor<T, S, Cpu> out(lw.dims());
  detail::la_for_batch(b.count, n, [&](index_t i) {
    auto l = detail::la_mat(lw.data(), i, n, n);
    if (upper) l = l.t();
    auto x = detail::la_mat(out.data(), i, n, n);
    for (index_t r = 0; r < n; ++r) x(r, r) = T(1);
    detail::lapack::trsm<T>(n, n, l, true, false, x);
    detail::lapack::trsm<T>(n, n, l.t(), false, false, x);
  });
  return out;
}

// Autograd: as cholesky_inverse, recording gL = -Y (G + G^T) Y L (upper: -U Y (G + G^T) Y).
template <Tracked LX>
auto cholesky_inverse(const LX& L, bool upper = false) {
  auto v = autograd::as_var(L);
  using V = decltype(v);
  return autograd::record_graph(
      "CholeskyInverseBackward0", cholesky_inverse(v.value(), upper),
      [upper](const auto& g, const auto& y, const V& l) {
        using T = typename V::value_type;
        T* gl = detail::la_grad(l);
        if (!gl) return;
        const auto b = detail::la_batch(y.sizes());
        const index_t n = b.n;
        detail::LaTmp<T> s(n, n);
        for (index_t i = 0; i < b.count; ++i) {
          const auto gi = detail::la_cmat(g.data(), i, n, n), yi = detail::la_cmat(y.data(), i, n, n);
          for (index_t r = 0; r < n; ++r)
            for (index_t c = 0; c < n; ++c) s(r, c) = gi(r, c) + gi(c, r);
          auto t = detail::la_prod<T>(n, n, n, yi, s.ref());
          auto c = detail::la_prod<T>(n, n, n, t.ref(), yi);
          const auto li = detail::la_cmat(l.value().data(), i, n, n);
          auto out = detail::la_mat(gl, i, n, n);
          if (upper)
            detail::la_addprod<T>(n, n, n, li, c.ref(), out, T(-1));
          else
            detail::la_addprod<T>(n, n, n, c.ref(), li, out, T(-1));
        }
      },
      // create_graph: the same formula with a recorded cholesky_inverse (Y recomputed) and products.
      [upper](const auto& g, const V& l) {
        using T = typename V::value_type;
        namespace gg = detail::gg;
        const V y = cholesky_inverse(l, upper);
        const V c(gg::mm(gg::mm(y, autograd::as_var(g + gg::mT(g))), y));
        if (upper)
          gg::send(l, gg::mm(l, c) * T(-1));
        else
          gg::send(l, gg::mm(c, l) * T(-1));
      },
      v);
}

}  // namespace ctorch
