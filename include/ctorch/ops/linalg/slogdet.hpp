// ctorch/ops/linalg/slogdet.hpp: slogdet (torch.linalg.slogdet, torch.slogdet), the sign and the log
// of the absolute value of the determinant, det = sign * exp(logabsdet).
// Shape: [*, n, n] -> sign [*], logabsdet [*] (batch dims; a 0-d tensor for one matrix). Static
// non-square: compile error from square_check; Dyn: shape_error. dtype: float or double.
// Method: LU with partial pivoting. A singular matrix gives sign 0 and logabsdet -inf (no error, as
// PyTorch). Gradient: of logabsdet, gA = g A^-T (sign has none); a singular A throws value_error
// in backward (PyTorch gives infinities there).
#pragma once
#include <cmath>

#include "graph_grad.hpp"
#include "inverse.hpp"
#include "lapack_common.hpp"
#include "lapack_grad.hpp"

namespace ctorch {

namespace linalg {
template <class TS, class TL>
struct SlogdetResult {
  TS sign;
  TL logabsdet;
};
}  // namespace linalg

namespace detail {
// Factors the work copy lu (LU, in place) and calls f(i, sign, logabsdet, det) for each matrix i.
template <class Op, class W, class F>
void la_det_each(W& lu, F&& f) {
  const auto b = la_batch(lu.sizes());
  la_check_square(Op::name, b);
  const index_t n = b.n;
  using T = typename W::value_type;
  std::vector<index_t> piv(static_cast<std::size_t>(b.count * n));
  const auto info = la_getrf_batch(lu.data(), b.count, n, n, piv.data());
  for (index_t i = 0; i < b.count; ++i) {
    const auto m = la_mat(lu.data(), i, n, n);
    T sign(1), logabs(0), det(1);
    for (index_t r = 0; r < n; ++r) {
      const T d = m(r, r);
      if (piv[std::size_t(i * n + r)] != r) sign = -sign, det = -det;
      if (d < T(0)) sign = -sign;
      logabs += std::log(std::abs(d));
      det *= d;
    }
    if (info[std::size_t(i)] != 0) sign = T(0), logabs = -std::numeric_limits<T>::infinity(), det = T(0);
    f(i, sign, logabs, det);
  }
}

// A zero-filled tensor of the batch shape of the work tensor w (its dims without the last two).
template <class Op, class W>
auto la_batch_result(const W& w) {
  return la_make<typename W::value_type, la_replace_t<typename W::shape_type, 2>>(la_batch(w.sizes()).lead, Op::name);
}

template <class Op, class X>
auto slogdet_impl(const X& a) {
  auto lu = la_work(a);
  auto sign = la_batch_result<Op>(lu);
  auto logabs = la_batch_result<Op>(lu);
  la_det_each<Op>(lu, [&](index_t i, auto s, auto l, auto) {
    sign.data()[i] = s;
    logabs.data()[i] = l;
  });
  return linalg::SlogdetResult<decltype(sign), decltype(logabs)>{std::move(sign), std::move(logabs)};
}

// The VJP shared by logabsdet, logdet and det: gA_i += coef(i) A_i^-T for each matrix i of in's value
// (coef(i) == 0 skips matrix i, singular or not). A singular matrix with a coefficient throws
// value_error naming Op.
template <class Op, class V, class C>
void la_inverse_t_grad(const V& in, C&& coef) {
  using T = typename V::value_type;
  T* ga = la_grad(in);
  if (!ga) return;
  const auto b = la_batch(in.value().sizes());
  const index_t n = b.n;
  std::vector<T> inv(static_cast<std::size_t>(n * n));
  for (index_t i = 0; i < b.count; ++i) {
    const T c = coef(i);
    if (c == T(0)) continue;
    if (const index_t info = la_inverse_one<T>(n, in.value().data() + i * n * n, inv.data()))
      la_raise_singular_grad(Op::name, V::rank > 2, i, info);
    T* gi = ga + i * n * n;
    for (index_t r = 0; r < n; ++r)
      for (index_t k = 0; k < n; ++k) gi[r * n + k] += c * inv[std::size_t(k * n + r)];
  }
}
}  // namespace detail

namespace linalg {
// requires: A square (or a batch), float or double. ensures: {sign, logabsdet} of A's batch shape.
template <Expression X>
auto slogdet(const X& a) {
  static_assert(ctorch::detail::square_check<op::LinalgSlogdet, ctorch::detail::lin_shape_t<X>,
                                             ctorch::detail::lin_value_t<X>>::value);
  return ctorch::detail::slogdet_impl<op::LinalgSlogdet>(a);
}

// Autograd: {sign (a Tensor: piecewise constant), logabsdet (a Var: g A^-T)}.
template <Tracked X>
auto slogdet(const X& a) {
  namespace cd = ctorch::detail;
  static_assert(cd::square_check<op::LinalgSlogdet, cd::lin_shape_t<X>, cd::lin_value_t<X>>::value);
  auto v = autograd::as_var(a);
  using V = decltype(v);
  auto r = cd::slogdet_impl<op::LinalgSlogdet>(v.value());
  auto l = autograd::record_graph(
      "LinalgSlogdetBackward0", std::move(r.logabsdet),
      [](const auto& g, const auto&, const V& in) {
        cd::la_inverse_t_grad<op::LinalgSlogdet>(in, [&](index_t i) { return g.data()[i]; });
      },
      // create_graph: g A^-T with a recorded inverse.
      [](const auto& g, const V& in) {
        cd::gg::send(in, cd::gg::per_matrix<V::rank>(g) * cd::gg::mT(linalg::inv(in)));
      },
      v);
  return SlogdetResult<decltype(r.sign), decltype(l)>{std::move(r.sign), std::move(l)};
}
}  // namespace linalg

// torch.slogdet: the same as linalg::slogdet.
// requires / ensures: as linalg::slogdet.
template <Expression X>
auto slogdet(const X& a) {
  return linalg::slogdet(a);
}

}  // namespace ctorch
