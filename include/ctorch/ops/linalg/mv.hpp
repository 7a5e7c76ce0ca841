// ctorch/ops/linalg/mv.hpp: mv (torch.mv), a matrix times a vector.
// Shape: [M, K] x [K] -> [M]; static mismatch: compile error from product_check<op::Mv, ...>; Dyn: shape_error.
#pragma once
#include "common.hpp"

namespace ctorch {

// requires: a of rank 2, v of rank 1, a.size(1) == v.size(0). ensures: a new Tensor a @ v.
template <Expression A, Expression V>
auto mv(const A& a, const V& v) {
  return detail::product_of<op::Mv>(a, v);
}

}  // namespace ctorch
