// ctorch/ops/random/log_normal.hpp: log_normal_ (Tensor.log_normal_): fills a tensor or a view in place with
// exp(X), X ~ N(mean, std^2). Shape and dtype: the target's (floating point). No gradient.
// Values: PyTorch 1.13's bit for bit: exp of one normal_distribution<double> draw per element (Box-Muller with
// the generator's cached second value), in memory order.
#pragma once
#include "common.hpp"

namespace ctorch {

// requires: t a tensor or writable host view of a floating dtype; std > 0 (value_error otherwise).
// ensures: every element of t is drawn from LogNormal(mean, std); returns t.
template <class X>
  requires detail::is_random_target_v<X>
detail::inplace_result_t<X&&> log_normal_(X&& t, double mean = 1.0, double std = 2.0,
                                          Generator& gen = default_generator()) {
  using T = typename std::remove_cvref_t<X>::value_type;
  static_assert(std::is_floating_point_v<T>, "ctorch: log_normal_: the dtype must be floating point");
  if (!(std > 0.0))
    throw value_error("ctorch: log_normal_: expects std > 0.0, but found std=" + detail::num_str(std));
  detail::fill_serial(t, [&] { return static_cast<T>(std::exp(detail::normal_double(gen, mean, std))); });
  return std::forward<X>(t);
}
template <class X>
  requires detail::is_random_target_v<X>
detail::inplace_result_t<X&&> log_normal_(X&& t, Generator& gen) {
  return log_normal_(std::forward<X>(t), 1.0, 2.0, gen);
}

}  // namespace ctorch
