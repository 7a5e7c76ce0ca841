// ctorch/eval/executor.hpp: the per-device executor that runs evaluators (eval/cpu, eval/cuda).
#pragma once
#include "../core/device.hpp"

namespace ctorch {

// executor<D>::assign(dst, dst_strides, extents, evaluator) writes every element of the destination;
// executor<D>::reduce_all / reduce_dim run reductions. Specialised per device.
template <Device D>
struct executor;

}  // namespace ctorch
