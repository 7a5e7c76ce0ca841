// ctorch/ops/linalg/logdet.hpp: logdet (torch.logdet), log(det(A)).
// Shape: [*, n, n] -> [*]. dtype: float or double. Static non-square: compile error from square_check;
// Dyn: shape_error. Values as PyTorch: -inf for a singular matrix, nan for a negative determinant
// (the log of a negative number: use slogdet for its sign). Gradient: gA = g A^-T where det(A) > 0,
// zero where det(A) < 0 (PyTorch's logdet is where(sign < 0, nan, logabsdet), whose gradient is 0
// there); a singular A throws value_error in backward (PyTorch gives infinities).
#pragma once
#include "slogdet.hpp"

namespace ctorch {

// requires: A square (or a batch), float or double. ensures: a Tensor of A's batch shape, log det(A)
// (nan where det(A) < 0, -inf where it is 0).
template <Expression X>
auto logdet(const X& a) {
  static_assert(detail::square_check<op::Logdet, detail::lin_shape_t<X>, detail::lin_value_t<X>>::value);
  using T = detail::lin_value_t<X>;
  auto lu = detail::la_work(a);
  auto out = detail::la_batch_result<op::Logdet>(lu);
  detail::la_det_each<op::Logdet>(
      lu, [&](index_t i, auto s, auto l, auto) { out.data()[i] = s < T(0) ? std::numeric_limits<T>::quiet_NaN() : l; });
  return out;
}

// Autograd: as logdet, recording gA = g A^-T (0 where the value is nan).
template <Tracked X>
auto logdet(const X& a) {
  static_assert(detail::square_check<op::Logdet, detail::lin_shape_t<X>, detail::lin_value_t<X>>::value);
  auto v = autograd::as_var(a);
  using V = decltype(v);
  return autograd::record_graph(
      "LogdetBackward0", logdet(v.value()),
      [](const auto& g, const auto& y, const V& in) {
        using T = typename V::value_type;
        detail::la_inverse_t_grad<op::Logdet>(
            in, [&](index_t i) { return y.data()[i] != y.data()[i] ? T(0) : g.data()[i]; });
      },
      // create_graph: g A^-T with a recorded inverse, g taken as 0 where the value is nan (a constant mask).
      [](const auto& g, const V& in) {
        using T = typename V::value_type;
        const auto y = logdet(in.value());
        auto keep = y;
        for (index_t i = 0; i < keep.numel(); ++i) keep.data()[i] = y.data()[i] != y.data()[i] ? T(0) : T(1);
        const auto gk = autograd::as_var(g * std::move(keep));
        detail::gg::send(in, detail::gg::per_matrix<V::rank>(gk) * detail::gg::mT(linalg::inv(in)));
      },
      v);
}

}  // namespace ctorch
