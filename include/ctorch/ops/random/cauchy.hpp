// ctorch/ops/random/cauchy.hpp: cauchy_ (Tensor.cauchy_): fills a tensor or a view in place with samples of the
// Cauchy distribution, density 1 / (pi * sigma * (1 + ((x - median) / sigma)^2)). Shape and dtype: the
// target's (floating point). No gradient.
// Values: PyTorch 1.13's bit for bit: median + sigma * tan(pi * (u - 0.5)), u a 53-bit uniform, memory order.
#pragma once
#include "common.hpp"

namespace ctorch {

// requires: t a tensor or writable host view of a floating dtype; sigma > 0 (value_error otherwise).
// ensures: every element of t is drawn from Cauchy(median, sigma); returns t.
template <class X>
  requires detail::is_random_target_v<X>
detail::inplace_result_t<X&&> cauchy_(X&& t, double median = 0.0, double sigma = 1.0,
                                      Generator& gen = default_generator()) {
  using T = typename std::remove_cvref_t<X>::value_type;
  static_assert(std::is_floating_point_v<T>, "ctorch: cauchy_: the dtype must be floating point");
  if (!(sigma > 0.0))
    throw value_error("ctorch: cauchy_: expects sigma > 0.0, but found sigma=" + detail::num_str(sigma));
  detail::fill_serial(t, [&] {
    const double u = detail::uniform_real<double>(gen, 0.0, 1.0);
    return static_cast<T>(median + sigma * std::tan(3.14159265358979323846 * (u - 0.5)));
  });
  return std::forward<X>(t);
}
template <class X>
  requires detail::is_random_target_v<X>
detail::inplace_result_t<X&&> cauchy_(X&& t, Generator& gen) {
  return cauchy_(std::forward<X>(t), 0.0, 1.0, gen);
}

}  // namespace ctorch
