// ctorch/ops/sorting/dist.hpp: dist (torch.dist): the p-norm of a - b (broadcast), as a 0-d tensor:
// norm(a - b, p) (p = 2 by default; 0 counts the differing elements; inf and -inf give the largest and
// smallest |a - b|). Fused: a - b is never materialised. dtype: the promotion of a's and b's (floating
// point only, as norm). Shapes must broadcast (a compile error / shape_error). Gradient: as norm.
#pragma once
#include "../reduction/norm.hpp"
#include "common.hpp"

namespace ctorch {

// requires: floating-point a and b that broadcast; p not nan. ensures: a 0-d tensor, ||a - b||_p.
template <Expression A, Expression B>
auto dist(const A& a, const B& b, double p = 2) {
  return norm(a - b, p);
}

}  // namespace ctorch
