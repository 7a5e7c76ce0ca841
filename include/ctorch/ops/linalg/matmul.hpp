// ctorch/ops/linalg/matmul.hpp: matmul (torch.matmul) for operands of rank 1 to 3.
// Shape (PyTorch's rule): [K] x [K] -> []; [M, K] x [K] -> [M]; [K] x [K, N] -> [N]; [M, K] x [K, N] -> [M, N];
// a 3-D operand adds a batch dim, broadcast against the other operand (a 2-D or 1-D one is shared by
// every batch; two 3-D batches are equal or one is 1). Static mismatch: compile error from
// product_check<op::Matmul, ...>; Dyn: shape_error. Rank above 3: not yet (compile error).
#pragma once
#include "common.hpp"
#include "grad.hpp"

namespace ctorch {

// requires: ranks 1..3 whose inner dims agree. ensures: a new Tensor a @ b.
template <Expression A, Expression B>
auto matmul(const A& a, const B& b) {
  return detail::product_of<op::Matmul>(a, b);
}

// Autograd: dmatmul: dA = G B^T, dB = A^T G (detail::product_backward).
template <Expression A, Expression B>
  requires autograd::AnyTracked<A, B>
auto matmul(const A& a, const B& b) {
  return detail::tracked_product("MatmulBackward0", a, b, [](const auto& x, const auto& y) { return matmul(x, y); });
}

}  // namespace ctorch
