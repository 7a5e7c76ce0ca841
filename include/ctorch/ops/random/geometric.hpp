// ctorch/ops/random/geometric.hpp: geometric_ (Tensor.geometric_): fills a tensor or a view in place with the
// number of Bernoulli(p) trials up to and including the first success (1, 2, 3, ...). Shape and dtype: the
// target's (any dtype but bool). No gradient.
// Values: PyTorch 1.13's bit for bit: ceil(log(u) / log(1 - p)), u a 53-bit uniform, in memory order.
#pragma once
#include "common.hpp"

namespace ctorch {

// requires: t a tensor or writable host view (not bool); 0 < p < 1 (value_error otherwise).
// ensures: every element of t is drawn from Geometric(p) on {1, 2, ...}; returns t.
template <class X>
  requires detail::is_random_target_v<X>
detail::inplace_result_t<X&&> geometric_(X&& t, double p, Generator& gen = default_generator()) {
  using T = typename std::remove_cvref_t<X>::value_type;
  static_assert(!std::is_same_v<T, bool>, "ctorch: geometric_: the dtype cannot be bool");
  if (!(p > 0.0 && p < 1.0))
    throw value_error("ctorch: geometric_: expects p to be in (0, 1), but got p=" + detail::num_str(p));
  detail::fill_serial(t, [&] {
    const double u = detail::uniform_real<double>(gen, 0.0, 1.0);
    return static_cast<T>(std::ceil(std::log(u) / std::log(1.0 - p)));
  });
  return std::forward<X>(t);
}

}  // namespace ctorch
