// ctorch/core/config.hpp: build-wide macros and the index type.
#pragma once
#include <cstddef>
#include <cstdint>

#if defined(__CUDACC__)
#define CTORCH_HD __host__ __device__
#else
#define CTORCH_HD
#endif

#if defined(__GNUC__)
#define CTORCH_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define CTORCH_ALWAYS_INLINE inline
#endif

// Asks GCC to unroll the next loop fully (nvcc's front end does not know the GCC spelling).
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#define CTORCH_UNROLL _Pragma("GCC unroll 16")
#else
#define CTORCH_UNROLL
#endif

namespace ctorch {

// Extents, strides and indices are signed 64-bit, as in PyTorch (negative strides and dims exist).
using index_t = std::int64_t;

}  // namespace ctorch
