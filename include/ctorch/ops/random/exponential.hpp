// ctorch/ops/random/exponential.hpp: exponential_ (Tensor.exponential_): fills a tensor or a view in place with
// samples of density lambd * exp(-lambd * x). Shape and dtype: the target's (floating point). No gradient.
// Values: PyTorch 1.13's bit for bit: -1 / lambd * log(1 - u), u a 53-bit uniform (double), in memory order.
#pragma once
#include "common.hpp"

namespace ctorch {

// requires: t a tensor or writable host view of a floating dtype; lambd >= 0 (value_error otherwise; 0 gives inf, as PyTorch).
// ensures: every element of t is drawn from Exp(lambd); returns t.
template <class X>
  requires detail::is_random_target_v<X>
detail::inplace_result_t<X&&> exponential_(X&& t, double lambd = 1.0, Generator& gen = default_generator()) {
  using T = typename std::remove_cvref_t<X>::value_type;
  static_assert(std::is_floating_point_v<T>, "ctorch: exponential_: the dtype must be floating point");
  if (!(lambd >= 0.0))
    throw value_error("ctorch: exponential_: expects lambda >= 0.0, but found lambda=" + detail::num_str(lambd));
  detail::fill_serial(t, [&] {
    const double u = detail::uniform_real<double>(gen, 0.0, 1.0);
    return static_cast<T>(-1.0 / lambd * std::log(1.0 - u));
  });
  return std::forward<X>(t);
}
template <class X>
  requires detail::is_random_target_v<X>
detail::inplace_result_t<X&&> exponential_(X&& t, Generator& gen) {
  return exponential_(std::forward<X>(t), 1.0, gen);
}

}  // namespace ctorch
