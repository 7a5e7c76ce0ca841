// ctorch/ops/reduction/max.hpp: max and min (torch.max, torch.min) as reductions.
// max(x): a 0-d tensor holding the largest element, as amax(x). max<Dim, Keep>(x): the largest values
// along Dim and their positions, returned together (torch.return_types.max: .values, .indices; also
// `auto [v, i] = max<1>(x)`). Ties give the first position; NaN propagates, with the first NaN's
// position. dtype: values keep the input's, indices are int64. Empty input throws value_error.
#pragma once
#include "argmax.hpp"

namespace ctorch {

// torch.return_types.max / min: the values and the int64 positions of a dim reduction.
template <class T, class S, class D = Cpu>
struct values_indices {
  Tensor<T, S, D> values;
  Tensor<std::int64_t, S, D> indices;
};

namespace detail {
// Writes a ValueIndex into two contiguous outputs at once (a sink for executor::reduce_dim).
template <class T>
struct ValueIndexSink {
  T* values;
  std::int64_t* indices;
  struct Ref {
    T* v;
    std::int64_t* i;
    CTORCH_HD void operator=(const ValueIndex<T>& r) const {
      *v = r.value;
      *i = r.index;
    }
  };
  CTORCH_HD Ref operator[](index_t k) const { return {values + k, indices + k}; }
};

template <bool IsMax, int Dim, bool Keep, Expression X>
auto extreme_with_indices(const X& x, const char* op) {
  using S = expr_shape_t<X>;
  using T = expr_value_t<X>;
  using Dev = expr_device_t<X>;
  using Red = red::ExtremeIndex<IsMax, false>;
  constexpr std::size_t d = reduce_dim_check<Red, S, Dim>::value;
  using RS = reduced_shape_t<S, d, Keep>;
  constexpr std::size_t R = S::rank;
  const std::array<index_t, R> ext = x.dims().array();
  require_nonempty_dim(ext, d, op);
  const Dims<RS> od = reduced_dims<RS>(ext, d, op);
  values_indices<T, RS, Dev> out{Tensor<T, RS, Dev>(od), Tensor<std::int64_t, RS, Dev>(od)};
  const auto ev = make_evaluator<R>(x, ext);
  executor<Dev>::template reduce_dim<Red, ValueIndex<T>>(ValueIndexSink<T>{out.values.data(), out.indices.data()}, ext,
                                                         d, ev);
  return out;
}
}  // namespace detail

// requires: x not empty (value_error). ensures: a 0-d tensor holding the largest element (NaN if any).
template <Expression X>
auto max(const X& x) {
  return detail::extreme_full<red::Amax>(x, "max()");
}
// requires: Dim in [-rank, rank); the dim not empty. ensures: {values, indices} of the maxima along Dim.
template <int Dim, bool Keep = false, Expression X>
auto max(const X& x) {
  return detail::extreme_with_indices<true, Dim, Keep>(x, "max()");
}
// As max, for the smallest values.
template <Expression X>
auto min(const X& x) {
  return detail::extreme_full<red::Amin>(x, "min()");
}
template <int Dim, bool Keep = false, Expression X>
auto min(const X& x) {
  return detail::extreme_with_indices<false, Dim, Keep>(x, "min()");
}

}  // namespace ctorch
