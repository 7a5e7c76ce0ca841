// ctorch/ops/linalg/mm.hpp: mm (torch.mm), the product of two matrices.
// Shape: [M, K] x [K, N] -> [M, N]; a static K mismatch is a compile error from product_check<op::Mm, ...>,
// a Dyn one throws shape_error. dtype: float or double, both operands alike. A materialization point:
// tensors and views (transpose<0, 1> ones too) are read in place, other expressions evaluated first.
#pragma once
#include "common.hpp"
#include "grad.hpp"

namespace ctorch {

// requires: a and b of rank 2, a.size(1) == b.size(0). ensures: a new Tensor a @ b.
template <Expression A, Expression B>
auto mm(const A& a, const B& b) {
  return detail::product_of<op::Mm>(a, b);
}

// Autograd: dmm: dA = G B^T, dB = A^T G (detail::product_backward).
template <Expression A, Expression B>
  requires autograd::AnyTracked<A, B>
auto mm(const A& a, const B& b) {
  return detail::tracked_product("MmBackward0", a, b, [](const auto& x, const auto& y) { return mm(x, y); });
}

}  // namespace ctorch
