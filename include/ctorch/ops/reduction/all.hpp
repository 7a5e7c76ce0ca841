// ctorch/ops/reduction/all.hpp: all and any (torch.all, torch.any): whether every / some element is
// non-zero (NaN counts as non-zero), over every element or along one dim.
// Shape: as sum. dtype: bool. Empty input: all is true, any is false. Fused like sum.
#pragma once
#include "common.hpp"

namespace ctorch {
namespace red {
template <bool IsAll>
struct Logical {
  static constexpr const char* name = IsAll ? "all" : "any";
  template <class Acc>
  CTORCH_HD static Acc init() {
    return IsAll;
  }
  template <class Acc, class V>
  CTORCH_HD static Acc step(Acc a, V x, index_t) {
    if constexpr (IsAll)
      return a && x != V(0);
    else
      return a || x != V(0);
  }
  template <class Acc>
  CTORCH_HD static Acc merge(Acc a, Acc b) {
    if constexpr (IsAll)
      return a && b;
    else
      return a || b;
  }
  template <class Acc>
  CTORCH_HD static Acc finalize(Acc a, index_t) {
    return a;
  }
};
using All = Logical<true>;
using Any = Logical<false>;
}  // namespace red

// ensures: a 0-d bool tensor: whether every element of x is non-zero.
template <Expression X>
auto all(const X& x) {
  return Tensor<bool, Shape<>, detail::expr_device_t<X>>(detail::reduce_full_acc<red::All, bool>(x));
}
// requires: Dim in [-rank, rank). ensures: whether every element along Dim is non-zero.
template <int Dim, bool Keep = false, Expression X>
auto all(const X& x) {
  using S = detail::expr_shape_t<X>;
  constexpr std::size_t d = detail::reduce_dim_check<red::All, S, Dim>::value;
  return detail::reduce_along<red::All, bool, bool, detail::reduced_shape_t<S, d, Keep>>(x, d, "all");
}
// ensures: a 0-d bool tensor: whether some element of x is non-zero.
template <Expression X>
auto any(const X& x) {
  return Tensor<bool, Shape<>, detail::expr_device_t<X>>(detail::reduce_full_acc<red::Any, bool>(x));
}
// requires: Dim in [-rank, rank). ensures: whether some element along Dim is non-zero.
template <int Dim, bool Keep = false, Expression X>
auto any(const X& x) {
  using S = detail::expr_shape_t<X>;
  constexpr std::size_t d = detail::reduce_dim_check<red::Any, S, Dim>::value;
  return detail::reduce_along<red::Any, bool, bool, detail::reduced_shape_t<S, d, Keep>>(x, d, "any");
}

}  // namespace ctorch
