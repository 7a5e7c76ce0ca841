// ctorch/ops/random/random_.hpp: random_ (Tensor.random_): fills a tensor or a view in place with integers.
//   random_(t, from, to, [gen])  uniform on {from, ..., to - 1};
//   random_(t, to, [gen])        uniform on {0, ..., to - 1};
//   random_(t, [gen])            uniform on [0, 2^mantissa] for float/double, [0, max] for int32/int64, {0, 1}
//                                for bool.
// Shape and dtype: the target's. No gradient.
// Values: PyTorch 1.13's bit for bit: (draw % (to - from)) + from with a 32-bit draw, or a 64-bit one when
// to - from >= 2^32, in memory order.
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {
template <class X>
void random_range(const char* op, X& t, std::int64_t from, std::int64_t to, Generator& gen) {
  using T = typename std::remove_cvref_t<X>::value_type;
  if (!(from < to))
    throw value_error(std::string("ctorch: ") + op + ": expects 'from' to be less than 'to', but got from=" +
                      std::to_string(from) + " >= to=" + std::to_string(to));
  const std::uint64_t range = std::uint64_t(to) - std::uint64_t(from);
  fill_serial(t, [&] { return int_from_to<T>(gen, range, from); });
}
}  // namespace detail

// requires: t a tensor or writable host view; from < to (value_error otherwise); both representable in t's
// dtype. ensures: every element of t is uniform on {from, ..., to - 1}; returns t.
template <class X>
  requires detail::is_random_target_v<X>
detail::inplace_result_t<X&&> random_(X&& t, std::int64_t from, std::int64_t to, Generator& gen = default_generator()) {
  detail::random_range("random_", t, from, to, gen);
  return std::forward<X>(t);
}
// ensures: random_(t, 0, to, gen).
template <class X>
  requires detail::is_random_target_v<X>
detail::inplace_result_t<X&&> random_(X&& t, std::int64_t to, Generator& gen = default_generator()) {
  detail::random_range("random_", t, 0, to, gen);
  return std::forward<X>(t);
}
// ensures: every element of t is uniform on t's dtype's range of exact non-negative integers (see above).
template <class X>
  requires detail::is_random_target_v<X>
detail::inplace_result_t<X&&> random_(X&& t, Generator& gen = default_generator()) {
  using T = typename std::remove_cvref_t<X>::value_type;
  detail::fill_serial(t, [&] { return detail::int_full<T>(gen); });
  return std::forward<X>(t);
}

}  // namespace ctorch
