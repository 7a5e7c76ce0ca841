// ctorch/ops/linalg/slogdet.hpp: slogdet (torch.linalg.slogdet, torch.slogdet), the sign and the log
// of the absolute value of the determinant, det = sign * exp(logabsdet).
// Shape: [*, n, n] -> sign [*], logabsdet [*] (batch dims; a 0-d tensor for one matrix). Static
// non-square: compile error from square_check; Dyn: shape_error. dtype: float or double.
// Method: LU with partial pivoting. A singular matrix gives sign 0 and logabsdet -inf (no error, as
// PyTorch). Gradient: not yet.
#pragma once
#include <cmath>

#include "lapack_common.hpp"

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
}  // namespace detail

namespace linalg {
// requires: A square (or a batch), float or double. ensures: {sign, logabsdet} of A's batch shape.
template <Expression X>
auto slogdet(const X& a) {
  static_assert(ctorch::detail::square_check<op::LinalgSlogdet, ctorch::detail::lin_shape_t<X>,
                                             ctorch::detail::lin_value_t<X>>::value);
  return ctorch::detail::slogdet_impl<op::LinalgSlogdet>(a);
}
}  // namespace linalg

// torch.slogdet: the same as linalg::slogdet.
// requires / ensures: as linalg::slogdet.
template <Expression X>
auto slogdet(const X& a) {
  return linalg::slogdet(a);
}

}  // namespace ctorch
