// ctorch/ops/reduction/mean.hpp: mean (torch.mean), over every element or along one dim.
// Shape: as sum. dtype: floating point only (PyTorch rejects integer and bool input: here a compile
// error); the result keeps the input's dtype. Empty input gives nan. Fused like sum.
#pragma once
#include "sum.hpp"

namespace ctorch {
namespace red {
struct Mean : Sum {
  static constexpr const char* name = "mean";
  template <class Acc>
  CTORCH_HD static Acc finalize(Acc a, index_t n) {
    return a / static_cast<Acc>(n);
  }
};
}  // namespace red

namespace detail {
// A class, not a function: its static_assert fires at once, before the caller's return type is deduced.
template <class T>
struct mean_dtype_check {
  static constexpr bool ok = true;
  static_assert(std::is_floating_point_v<T>,
                "ctorch: mean(): could not infer output dtype. Input dtype must be either a floating point or "
                "complex dtype (convert first, e.g. x.to<float>() or cast<float>(x))");
};
}  // namespace detail

// requires: a floating-point x. ensures: a 0-d tensor holding the mean of x (nan when x is empty).
template <Expression X>
auto mean(const X& x) {
  using T = detail::expr_value_t<X>;
  (void)detail::mean_dtype_check<T>::ok;
  if constexpr (std::is_floating_point_v<T>) {
    const T s = detail::reduce_full_acc<red::Sum, T>(x);
    return Tensor<T, Shape<>, detail::expr_device_t<X>>(red::Mean::finalize(s, detail::expr_numel(x)));
  }
}

// requires: a floating-point x, Dim in [-rank, rank). ensures: the means along Dim.
template <int Dim, bool Keep = false, Expression X>
auto mean(const X& x) {
  using T = detail::expr_value_t<X>;
  (void)detail::mean_dtype_check<T>::ok;
  if constexpr (std::is_floating_point_v<T>) {
    using S = detail::expr_shape_t<X>;
    constexpr std::size_t d = detail::reduce_dim_check<red::Mean, S, Dim>::value;
    return detail::reduce_along<red::Mean, T, T, detail::reduced_shape_t<S, d, Keep>>(x, d, "mean");
  }
}

// Autograd: the gradient of a mean is the incoming gradient / n, broadcast back (recorded under
// create_graph).
template <Tracked X>
auto mean(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  using T = typename V::value_type;
  return autograd::record_graph(
      "MeanBackward0", mean(v.value()),
      [](const auto& g, const auto&, const V& in) { autograd::accumulate(in, g * (T(1) / T(in.numel()))); },
      [](const auto& g, const V& in) {
        autograd::accumulate_graph(in, V(autograd::bcast_to(g, in.dims()) * (T(1) / T(in.numel()))));
      },
      v);
}
template <int Dim, bool Keep = false, Tracked X>
auto mean(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  using T = typename V::value_type;
  [[maybe_unused]] constexpr std::size_t d = detail::reduce_dim_check<red::Mean, typename V::shape_type, Dim>::value;
  return autograd::record_graph(
      "MeanBackward1", mean<Dim, Keep>(v.value()),
      [](const auto& g, const auto&, const V& in) {
        autograd::accumulate(in, detail::unreduce<d, Keep>(g) * (T(1) / T(in.size(int(d)))));
      },
      [](const auto& g, const V& in) {
        autograd::accumulate_graph(in, V(detail::unreduce_to<d, Keep>(g, in.dims()) * (T(1) / T(in.size(int(d))))));
      },
      v);
}

}  // namespace ctorch
