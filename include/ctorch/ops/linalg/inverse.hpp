// ctorch/ops/linalg/inverse.hpp: inv (torch.linalg.inv) and inverse (torch.inverse), the inverse of
// a square matrix or of each matrix of a batch.
// Shape: [*, n, n] -> [*, n, n]; a static non-square shape is a compile error from
// square_check<op::LinalgInv, Shape>; a Dyn one throws shape_error. dtype: float or double.
// Method: LU with partial pivoting (blocked, GEMM updates, for n >= 64), then the triangular solves
// against the identity. Errors: a singular matrix (an exactly zero pivot) throws value_error
// "ctorch: linalg.inv: The diagonal element 3 is zero, the inversion could not be completed because
// the input matrix is singular." (with "(Batch element i): " for batches); an ill-conditioned one gives
// large values, as in PyTorch. Gradient: Y = A^-1, gA = -Y^T G Y^T (PyTorch's LinalgInvExBackward0).
#pragma once
#include "graph_grad.hpp"
#include "lapack_common.hpp"
#include "lapack_grad.hpp"

namespace ctorch {

namespace detail {
template <class Op, class X>
auto inverse_impl(const X& a) {
  using T = lin_value_t<X>;
  using S = lin_shape_t<X>;
  auto lu = la_work(a);
  const auto b = la_batch(lu.sizes());
  la_check_square(Op::name, b);
  const index_t n = b.n;
  std::vector<index_t> piv(static_cast<std::size_t>(b.count * n));
  la_raise_singular(Op::name, "inversion", S::rank > 2, la_getrf_batch(lu.data(), b.count, n, n, piv.data()));
  Tensor<T, S, Cpu> out(lu.dims());
  la_for_batch(b.count, n, [&](index_t i) {
    auto x = la_mat(out.data(), i, n, n);
    for (index_t r = 0; r < n; ++r) x(r, r) = T(1);
    lapack::getrs<T>(n, n, la_mat(lu.data(), i, n, n), piv.data() + i * n, x);
  });
  return out;
}

// The Var form: the inverse recorded with its VJP, gA = -Y^T G Y^T for each matrix. (The return type
// is spelled out: the create_graph VJP calls this function again.)
template <class Op, class X>
autograd::as_var_t<const X&> inverse_tracked(const X& a) {
  auto v = autograd::as_var(a);
  using V = decltype(v);
  return autograd::record_graph(
      "LinalgInvExBackward0", inverse_impl<Op>(v.value()),
      [](const auto& g, const auto& y, const V& in) {
        using T = typename V::value_type;
        T* ga = la_grad(in);
        if (!ga) return;
        const auto b = la_batch(y.sizes());
        const index_t n = b.n;
        for (index_t i = 0; i < b.count; ++i) {
          const auto yi = la_cmat(y.data(), i, n, n);
          auto t = la_prod<T>(n, n, n, yi.t(), la_cmat(g.data(), i, n, n));
          la_addprod<T>(n, n, n, t.ref(), yi.t(), la_mat(ga, i, n, n), T(-1));
        }
      },
      // create_graph: Y recomputed as a recorded inverse, so the VJP is differentiable again.
      [](const auto& g, const V& in) {
        const auto yt = gg::mT(inverse_tracked<Op>(in));
        gg::send(in, gg::mm(gg::mm(yt, g), yt) * typename V::value_type(-1));
      },
      v);
}
}  // namespace detail

namespace linalg {
// requires: A square (or a batch), float or double, nonsingular (value_error otherwise).
// ensures: a new Tensor of A's shape with A inv(A) = I.
template <Expression X>
auto inv(const X& a) {
  static_assert(ctorch::detail::square_check<op::LinalgInv, ctorch::detail::lin_shape_t<X>,
                                             ctorch::detail::lin_value_t<X>>::value);
  return ctorch::detail::inverse_impl<op::LinalgInv>(a);
}

// Autograd: as inv, recording gA = -inv(A)^T G inv(A)^T.
template <Tracked X>
auto inv(const X& a) {
  static_assert(ctorch::detail::square_check<op::LinalgInv, ctorch::detail::lin_shape_t<X>,
                                             ctorch::detail::lin_value_t<X>>::value);
  return ctorch::detail::inverse_tracked<op::LinalgInv>(a);
}
}  // namespace linalg

// torch.inverse: the same as linalg::inv.
// requires / ensures: as linalg::inv.
template <Expression X>
auto inverse(const X& a) {
  static_assert(detail::square_check<op::LinalgInv, detail::lin_shape_t<X>, detail::lin_value_t<X>>::value);
  return detail::inverse_impl<op::LinalgInv>(a);
}
template <Tracked X>
auto inverse(const X& a) {
  static_assert(detail::square_check<op::LinalgInv, detail::lin_shape_t<X>, detail::lin_value_t<X>>::value);
  return detail::inverse_tracked<op::LinalgInv>(a);
}

}  // namespace ctorch
