// ctorch/core/simd.hpp: includes xsimd. Every ctorch header reaches xsimd through this one.
//
// GCC 12 warns -Wmaybe-uninitialized and -Wuninitialized inside its own AVX-512 intrinsic headers once
// they are inlined (the _mm512_undefined_* idiom, reached e.g. through xsimd::log and xsimd::pow); the
// warning is classified by the location of those header lines, so silencing it around their inclusion
// keeps user builds warning-free without hiding user code.
#pragma once
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>
#endif
#include <xsimd/xsimd.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
