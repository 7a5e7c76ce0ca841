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
// Without optimization GCC 12 defines these two AVX-512BW intrinsics as macros that C-cast their operands
// straight to a vector type; xsimd 8.1 passes them its batch<integer> objects (select on 8- and 16-bit
// lanes, compiled for every integer type), and that cast does not compile. As functions (what GCC
// declares when optimizing) the batches convert to __m512i implicitly, as xsimd expects.
#if defined(__AVX512BW__) && !defined(__OPTIMIZE__)
#undef _mm512_mask_blend_epi8
#undef _mm512_mask_blend_epi16
inline __m512i _mm512_mask_blend_epi8(__mmask64 u, __m512i a, __m512i w) {
  return (__m512i)__builtin_ia32_blendmb_512_mask((__v64qi)a, (__v64qi)w, u);
}
inline __m512i _mm512_mask_blend_epi16(__mmask32 u, __m512i a, __m512i w) {
  return (__m512i)__builtin_ia32_blendmw_512_mask((__v32hi)a, (__v32hi)w, u);
}
#endif
#endif
#include <xsimd/xsimd.hpp>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
