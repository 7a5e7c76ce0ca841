// ctorch/ops/sorting/equal.hpp: equal (torch.equal): true when a and b have the same shape (no
// broadcasting) and equal elements (compared in their promoted dtype; NaN is unequal to everything, so a
// tensor holding NaN is not equal to itself, as in PyTorch). A fused reduction. Gradient: none.
#pragma once
#include "../comparison/eq.hpp"
#include "../reduction/all.hpp"
#include "common.hpp"

namespace ctorch {

// ensures: a.shape == b.shape and every a[i] == b[i].
template <Expression A, Expression B>
bool equal(const A& a, const B& b) {
  using SA = typename A::shape_type;
  using SB = typename B::shape_type;
  constexpr bool may_match = [] {
    if constexpr (SA::rank != SB::rank) {
      return false;
    } else {
      for (std::size_t d = 0; d < SA::rank; ++d)
        if (SA::static_extents[d] != Dyn && SB::static_extents[d] != Dyn &&
            SA::static_extents[d] != SB::static_extents[d])
          return false;
      return true;
    }
  }();
  if constexpr (!may_match) {
    return false;
  } else {
    if (a.dims().array() != b.dims().array()) return false;
    return all(eq(a, b)).item();
  }
}

}  // namespace ctorch
