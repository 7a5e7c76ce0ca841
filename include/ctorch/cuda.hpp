// ctorch/cuda.hpp: the whole library plus the Cuda device (memory and evaluator through Thrust/CUB).
//
// Compile with nvcc (-std=c++20) for the GPU, or with a host compiler and
// -DTHRUST_DEVICE_SYSTEM=THRUST_DEVICE_SYSTEM_CPP to run the Cuda evaluator on the host; either way
// Thrust's headers (<cuda>/include/cccl) must be on the include path.
#pragma once
#if defined(__NVCC__)
// nvcc's front end warns "pointless comparison of unsigned integer with zero" (#186) for every
// `for (std::size_t d = 0; d < R; ++d)` instantiated with R == 0 (0-d tensors); the loops are right.
#pragma nv_diagnostic push
#pragma nv_diag_suppress 186
#endif
#include "ctorch.hpp"
#include "eval/cuda/config.hpp"
#include "eval/cuda/executor.hpp"
#include "eval/cuda/memory.hpp"
#if defined(__NVCC__)
#pragma nv_diagnostic pop
#endif
