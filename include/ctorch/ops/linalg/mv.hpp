// ctorch/ops/linalg/mv.hpp: mv (torch.mv), a matrix times a vector.
// Shape: [M, K] x [K] -> [M]; static mismatch: compile error from product_check<op::Mv, ...>; Dyn: shape_error.
#pragma once
#include "common.hpp"
#include "grad.hpp"

namespace ctorch {

// requires: a of rank 2, v of rank 1, a.size(1) == v.size(0). ensures: a new Tensor a @ v.
template <Expression A, Expression V>
auto mv(const A& a, const V& v) {
  return detail::product_of<op::Mv>(a, v);
}

// Autograd: dmv: dA = G B^T, dB = A^T G (detail::product_backward).
template <Expression A, Expression B>
  requires autograd::AnyTracked<A, B>
auto mv(const A& a, const B& b) {
  return detail::tracked_product("MvBackward0", a, b, [](const auto& x, const auto& y) { return mv(x, y); });
}

}  // namespace ctorch
