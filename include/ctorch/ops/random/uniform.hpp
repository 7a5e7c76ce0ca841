// ctorch/ops/random/uniform.hpp: uniform_ (Tensor.uniform_): fills a tensor or a view in place with samples
// uniform on [from, to). Shape and dtype: the target's (floating point). No gradient.
// Values: PyTorch 1.13's bit for bit (see rand.hpp for the bits used), drawn in memory order.
#pragma once
#include "common.hpp"

namespace ctorch {

// requires: t is a tensor or a writable host view of a floating dtype; from <= to and to - from is finite in
// t's dtype (value_error otherwise). ensures: every element of t is uniform on [from, to), drawn from gen in
// memory order; returns t (a view by value, a tensor by reference).
template <class X>
  requires detail::is_random_target_v<X>
detail::inplace_result_t<X&&> uniform_(X&& t, double from = 0.0, double to = 1.0, Generator& gen = default_generator()) {
  using T = typename std::remove_cvref_t<X>::value_type;
  static_assert(std::is_floating_point_v<T>, "ctorch: uniform_: the dtype must be floating point");
  const T f = static_cast<T>(from), e = static_cast<T>(to);
  if (!(f <= e))
    throw value_error("ctorch: uniform_: expects to return a [from, to) range, but found from=" +
                      detail::num_str(from) + " > to=" + detail::num_str(to));
  if (!(e - f <= std::numeric_limits<T>::max()))
    throw value_error("ctorch: uniform_: expects to - from <= the dtype's max, but found from=" +
                      detail::num_str(from) + " and to=" + detail::num_str(to));
  detail::fill_serial(t, [&] { return detail::uniform_real<T>(gen, f, e); });
  return std::forward<X>(t);
}
// ensures: uniform_(t, 0, 1, gen).
template <class X>
  requires detail::is_random_target_v<X>
detail::inplace_result_t<X&&> uniform_(X&& t, Generator& gen) {
  return uniform_(std::forward<X>(t), 0.0, 1.0, gen);
}

}  // namespace ctorch
