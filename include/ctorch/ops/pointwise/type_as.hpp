// ctorch/ops/pointwise/type_as.hpp: type_as (Tensor.type_as): x converted to other's dtype, lazily.
// Shape: x's. dtype: other's. Gradient: as cast (the incoming gradient cast back to x's dtype).
#pragma once
#include <type_traits>

#include "cast.hpp"

namespace ctorch {

// requires: other is a tensor, view, Var or expression (only its dtype is used; it is not read).
// ensures: cast<other's dtype>(x), a lazy expression (materialize with a Tensor or x.type_as(o).clone()).
template <Expression X, Expression O>
auto type_as(X&& x, const O&) {
  return cast<std::remove_const_t<typename std::remove_cvref_t<O>::value_type>>(std::forward<X>(x));
}

}  // namespace ctorch
