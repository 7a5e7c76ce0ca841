// ctorch/ops/reduction/argmax.hpp: argmax and argmin (torch.argmax, torch.argmin): the position of the
// largest / smallest value, over the flattened input or along one dim.
// Shape: as sum. dtype: int64. Ties give the first position; a NaN counts as the largest and the
// smallest value, so the first NaN's position is returned (as PyTorch does). bool input is a compile
// error (not implemented in PyTorch). Empty input throws value_error.
#pragma once
#include "amax.hpp"

namespace ctorch {

// A value and its position (the accumulator of max/min with a dim and of argmax/argmin).
template <class T>
struct ValueIndex {
  T value;
  index_t index;
};

namespace red {

// IsMax picks the largest value; Arg = true finalizes to the position, false to the pair.
template <bool IsMax, bool Arg>
struct ExtremeIndex {
  static constexpr const char* name = Arg ? (IsMax ? "argmax" : "argmin") : (IsMax ? "max" : "min");
  template <class Acc>
  CTORCH_HD static Acc init() {
    return Acc{{}, -1};  // no element yet
  }
  template <class Acc, class V>
  CTORCH_HD static Acc step(Acc a, V x, index_t k) {
    using T = decltype(a.value);
    const T v = static_cast<T>(x);
    return (a.index < 0 || Extreme<IsMax>::better(v, a.value)) ? Acc{v, k} : a;
  }
  // Commutative: on equal values (or two NaNs) the smaller position wins.
  template <class Acc>
  CTORCH_HD static Acc merge(Acc a, Acc b) {
    if (a.index < 0) return b;
    if (b.index < 0) return a;
    if (Extreme<IsMax>::better(b.value, a.value)) return b;
    if (Extreme<IsMax>::better(a.value, b.value)) return a;
    return b.index < a.index ? b : a;
  }
  template <class Acc>
  CTORCH_HD static auto finalize(Acc a, index_t) {
    if constexpr (Arg)
      return a.index;
    else
      return a;
  }
};
using Argmax = ExtremeIndex<true, true>;
using Argmin = ExtremeIndex<false, true>;

}  // namespace red

namespace detail {
// A class, not a function: its static_assert fires at once, before the caller's return type is deduced.
template <class T>
struct arg_dtype_check {
  static constexpr bool ok = true;
  static_assert(!std::is_same_v<T, bool>, "ctorch: argmax/argmin: not implemented for bool input (as in PyTorch)");
};
template <class Red, Expression X>
auto arg_full(const X& x, const char* op) {
  using T = expr_value_t<X>;
  (void)arg_dtype_check<T>::ok;
  require_nonempty_full(expr_numel(x), op);
  return Tensor<std::int64_t, Shape<>, expr_device_t<X>>(reduce_full_acc<Red, ValueIndex<T>>(x).index);
}
template <class Red, int Dim, bool Keep, Expression X>
auto arg_dim(const X& x, const char* op) {
  using S = expr_shape_t<X>;
  using T = expr_value_t<X>;
  (void)arg_dtype_check<T>::ok;
  constexpr std::size_t d = reduce_dim_check<Red, S, Dim>::value;
  require_nonempty_dim(x.dims().array(), d, op);
  return reduce_along<Red, ValueIndex<T>, std::int64_t, reduced_shape_t<S, d, Keep>>(x, d, op);
}
}  // namespace detail

// requires: x not empty (value_error). ensures: the flat (row-major) position of the largest element.
template <Expression X>
auto argmax(const X& x) {
  return detail::arg_full<red::Argmax>(x, "argmax()");
}
// requires: Dim in [-rank, rank); the dim not empty. ensures: the positions of the largest values along Dim.
template <int Dim, bool Keep = false, Expression X>
auto argmax(const X& x) {
  return detail::arg_dim<red::Argmax, Dim, Keep>(x, "argmax()");
}
// As argmax, for the smallest values.
template <Expression X>
auto argmin(const X& x) {
  return detail::arg_full<red::Argmin>(x, "argmin()");
}
template <int Dim, bool Keep = false, Expression X>
auto argmin(const X& x) {
  return detail::arg_dim<red::Argmin, Dim, Keep>(x, "argmin()");
}

}  // namespace ctorch
