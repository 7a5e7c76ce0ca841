// ctorch/ops/reduction/prod.hpp: prod (torch.prod), over every element or along one dim.
// Shape: as sum. dtype: bool and integers give int64, floating point keeps its dtype. Empty input
// gives 1. Fused like sum.
#pragma once
#include "../pointwise/mul.hpp"
#include "../comparison/eq.hpp"
#include "common.hpp"

namespace ctorch {
namespace red {
struct Prod {
  static constexpr const char* name = "prod";
  template <class Acc>
  CTORCH_HD static Acc init() {
    return Acc(1);
  }
  template <class Acc, class V>
  CTORCH_HD static Acc step(Acc a, V x, index_t) {
    return a * static_cast<Acc>(x);
  }
  template <class Acc>
  CTORCH_HD static Acc merge(Acc a, Acc b) {
    return a * b;
  }
  template <class Acc>
  CTORCH_HD static Acc finalize(Acc a, index_t) {
    return a;
  }
  template <class B>
  static B pstep(const B& a, const B& x) {
    return a * x;
  }
  template <class B>
  static B pmerge(const B& a, const B& b) {
    return a * b;
  }
  template <class Acc, class B>
  static Acc phorizontal(const B& b) {
    return detail::fold_lanes<Prod, Acc>(b);
  }
};
}  // namespace red

// ensures: a 0-d tensor holding the product of every element of x.
template <Expression X>
auto prod(const X& x) {
  using T = detail::sum_acc_t<detail::expr_value_t<X>>;
  return Tensor<T, Shape<>, detail::expr_device_t<X>>(detail::reduce_full_acc<red::Prod, T>(x));
}

// requires: Dim in [-rank, rank). ensures: the products along Dim.
template <int Dim, bool Keep = false, Expression X>
auto prod(const X& x) {
  using S = detail::expr_shape_t<X>;
  constexpr std::size_t d = detail::reduce_dim_check<red::Prod, S, Dim>::value;
  using T = detail::sum_acc_t<detail::expr_value_t<X>>;
  return detail::reduce_along<red::Prod, T, T, detail::reduced_shape_t<S, d, Keep>>(x, d, "prod");
}

// Autograd: d prod / dx_i = the product of the other elements (computed without dividing, so zeros
// are handled: one zero gets the product of the rest, two or more make every gradient zero).
template <Tracked X>
auto prod(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  using T = typename V::value_type;
  return autograd::record(
      "ProdBackward0", prod(v.value()),
      [](const auto& g, const auto&, const V& in) {
        const auto vals = in.value().tolist();
        const std::size_t n = vals.size();
        std::vector<T> pre(n + 1, T(1)), suf(n + 1, T(1));
        for (std::size_t i = 0; i < n; ++i) pre[i + 1] = pre[i] * vals[i];
        for (std::size_t i = n; i-- > 0;) suf[i] = suf[i + 1] * vals[i];
        typename V::tensor_type others(in.dims());
        for (std::size_t i = 0; i < n; ++i) others.data()[i] = pre[i] * suf[i + 1];
        autograd::accumulate(in, g * others);
      },
      v);
}

}  // namespace ctorch
