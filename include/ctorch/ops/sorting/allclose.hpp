// ctorch/ops/sorting/allclose.hpp: allclose (torch.allclose): whether isclose(a, b, rtol, atol,
// equal_nan) holds for every element (a fused reduction, no temporary). a and b must broadcast and share
// a dtype (as isclose). Empty operands are close. Gradient: none.
#pragma once
#include "../reduction/all.hpp"
#include "isclose.hpp"

namespace ctorch {

// requires: as isclose. ensures: true when every (broadcast) pair of elements is close.
template <Expression A, Expression B>
bool allclose(const A& a, const B& b, double rtol = 1e-05, double atol = 1e-08, bool equal_nan = false) {
  return all(isclose(a, b, rtol, atol, equal_nan)).item();
}

}  // namespace ctorch
