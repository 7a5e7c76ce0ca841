// ctorch/ops/joining/masked_fill.hpp: masked_fill (torch.masked_fill): value where mask holds, else x.
// Lazy: it is where(mask, value, x) with value converted to x's dtype. Shape: x's; the bool mask must
// broadcast to it (compile error / shape_error otherwise). masked_fill_ writes into a Tensor in place.
#pragma once
#include "../pointwise/where.hpp"
#include "common.hpp"

namespace ctorch {

namespace detail {
template <class XS, class MS>
constexpr bool mask_fits_static() {
  if constexpr (MS::rank > XS::rank) {
    return false;
  } else {
    for (std::size_t i = 0; i < MS::rank; ++i) {
      const index_t m = MS::static_extents[i], x = XS::static_extents[XS::rank - MS::rank + i];
      if (m != Dyn && x != Dyn && m != 1 && m != x) return false;
    }
    return true;
  }
}
}  // namespace detail

// requires: mask a bool expression broadcasting to x's shape; value a number. ensures: a lazy expression
// of x's shape and dtype: value (as x's dtype) where mask, x elsewhere.
template <Expression X, Expression M, Arithmetic V>
auto masked_fill(X&& x, M&& mask, V value) {
  using XR = std::remove_cvref_t<X>;
  using MR = std::remove_cvref_t<M>;
  using T = std::remove_const_t<typename XR::value_type>;
  static_assert(std::is_same_v<typename MR::value_type, bool>, "ctorch: masked_fill: the mask must be a bool tensor");
  static_assert(joining_check<op::MaskedFill, Args<>,
                              detail::mask_fits_static<typename XR::shape_type, typename MR::shape_type>(),
                              typename XR::shape_type, typename MR::shape_type>::ok);
  if constexpr (!(XR::shape_type::is_static && MR::shape_type::is_static)) {
    const auto xe = x.dims().array();
    const auto me = mask.dims().array();
    for (std::size_t i = 0; i < me.size(); ++i) {
      const index_t e = xe[xe.size() - me.size() + i];
      if (me[i] != 1 && me[i] != e)
        throw shape_error(detail::join_op_error("masked_fill", "the mask " + shape_string(me) +
                                                                   " does not broadcast to the input's shape " +
                                                                   shape_string(xe)));
    }
  }
  return where(std::forward<M>(mask), static_cast<T>(value), std::forward<X>(x));
}

// requires: as masked_fill. ensures: x's elements set to value where mask holds; returns x.
template <class T, class S, class D, Expression M, Arithmetic V>
Tensor<T, S, D>& masked_fill_(Tensor<T, S, D>& x, const M& mask, V value) {
  x.view() = masked_fill(x.view(), mask, value);
  return x;
}

}  // namespace ctorch
