// ctorch/ops/sorting/argsort.hpp: argsort (torch.argsort): the int64 positions that sort x along dim Dim
// (default the last): sort<Dim>(x, descending).indices. Stable, NaN above every number. Shape: x's.
// Gradient: none (integer result). Dim out of range is a compile error.
#pragma once
#include "sort.hpp"

namespace ctorch {

// requires: rank >= 1, Dim in [-rank, rank). ensures: an int64 Tensor of x's shape: the sorting positions.
template <int Dim = -1, Expression X>
auto argsort(const X& x, bool descending = false, bool stable = false) {
  return sort<Dim>(x, descending, stable).indices;
}

}  // namespace ctorch
