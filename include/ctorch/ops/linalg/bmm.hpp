// ctorch/ops/linalg/bmm.hpp: bmm (torch.bmm), a batch of matrix products.
// Shape: [B, M, K] x [B, K, N] -> [B, M, N], batch sizes equal (no broadcasting, as in PyTorch); static
// mismatch: compile error from product_check<op::Bmm, ...>; Dyn: shape_error. Small products are spread
// over threads by batch, large ones thread inside each product.
#pragma once
#include "common.hpp"
#include "grad.hpp"

namespace ctorch {

// requires: a and b of rank 3, equal batch, a.size(2) == b.size(1). ensures: a new Tensor, out[i] = a[i] @ b[i].
template <Expression A, Expression B>
auto bmm(const A& a, const B& b) {
  return detail::product_of<op::Bmm>(a, b);
}

// Autograd: dbmm: dA = G B^T, dB = A^T G (detail::product_backward).
template <Expression A, Expression B>
  requires autograd::AnyTracked<A, B>
auto bmm(const A& a, const B& b) {
  return detail::tracked_product("BmmBackward0", a, b, [](const auto& x, const auto& y) { return bmm(x, y); });
}

}  // namespace ctorch
