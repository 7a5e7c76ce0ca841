// ctorch/ops/linalg/dot.hpp: dot (torch.dot), the inner product of two vectors.
// Shape: [K] x [K] -> [] (no broadcasting); static mismatch: compile error from product_check<op::Dot, ...>;
// Dyn: shape_error. An empty product is 0.
#pragma once
#include "common.hpp"
#include "grad.hpp"

namespace ctorch {

// requires: a and b of rank 1 and equal size. ensures: a 0-d Tensor holding sum_k a[k] * b[k].
template <Expression A, Expression B>
auto dot(const A& a, const B& b) {
  return detail::product_of<op::Dot>(a, b);
}

// Autograd: ddot: dA = G B^T, dB = A^T G (detail::product_backward).
template <Expression A, Expression B>
  requires autograd::AnyTracked<A, B>
auto dot(const A& a, const B& b) {
  return detail::tracked_product("DotBackward0", a, b, [](const auto& x, const auto& y) { return dot(x, y); });
}

}  // namespace ctorch
