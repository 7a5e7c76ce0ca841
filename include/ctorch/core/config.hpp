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

// The same for a lambda (after its parameter list): a kernel's loop body written once for two loops.
#if defined(__GNUC__)
#define CTORCH_LAMBDA_INLINE __attribute__((always_inline))
#else
#define CTORCH_LAMBDA_INLINE
#endif

// Keeps a function out of line: parallel_for's chunk body is compiled once, in its thunk, instead of once
// per call site (the serial path, the threaded path).
#if defined(__GNUC__)
#define CTORCH_NOINLINE __attribute__((noinline))
#else
#define CTORCH_NOINLINE
#endif

// Asks GCC to unroll the next loop fully (nvcc's front end does not know the GCC spelling).
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#define CTORCH_UNROLL _Pragma("GCC unroll 16")
#else
#define CTORCH_UNROLL
#endif

// Asks the compiler to unroll the next loop 4 times (GEMM's k loop: fewer loop-carried increments and
// branches per FMA).
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__)
#define CTORCH_UNROLL4 _Pragma("GCC unroll 4")
#elif defined(__clang__)
#define CTORCH_UNROLL4 _Pragma("unroll 4")
#else
#define CTORCH_UNROLL4
#endif

// create_graph (second and higher derivatives, autograd::grad(..., {.create_graph = true})) is opt-in:
// define CTORCH_CREATE_GRAPH=1 for every translation unit of the program (the CMake option of the same
// name does that for targets linking ctorch::ctorch). Off, no op instantiates its create_graph form:
// a model's compile time and memory drop by about a sixth (examples/fashion_mnist, g++ -O2), and asking
// for create_graph throws an autograd_error that names this macro.
#ifndef CTORCH_CREATE_GRAPH
#define CTORCH_CREATE_GRAPH 0
#endif

namespace ctorch {

// Extents, strides and indices are signed 64-bit, as in PyTorch (negative strides and dims exist).
using index_t = std::int64_t;

}  // namespace ctorch
