// ctorch/core/packet_fma.hpp: register-level helpers for the kernels: a fused multiply-add on xsimd
// batches (one rounding), and in_register.
//
// xsimd 8.1 has no AVX-512 fma kernel: xsimd::fma on AVX-512 batches is x * y + z with two roundings.
// Ops whose result depends on the single rounding (exact fmod, addcmul and lerp as PyTorch computes
// them) use this instead: the FMA instruction for the batch's width where the build has it, else
// std::fma lane by lane.
#pragma once
#include <cmath>
#include <type_traits>

#include "config.hpp"
#include "simd.hpp"

namespace ctorch::detail {

template <class B>
CTORCH_ALWAYS_INLINE B packet_fma(const B& x, const B& y, const B& z) {
  using T = typename B::value_type;
  static_assert(std::is_floating_point_v<T>);
  using R = typename B::register_type;
  static_assert(sizeof(R) >= sizeof(T));  // R is unused when the build has no FMA instructions
  [[maybe_unused]] constexpr bool f32 = std::is_same_v<T, float>;
#if defined(__AVX512F__)
  if constexpr (sizeof(R) == 64) {
    if constexpr (f32)
      return B(_mm512_fmadd_ps(R(x), R(y), R(z)));
    else
      return B(_mm512_fmadd_pd(R(x), R(y), R(z)));
  }
#endif
#if defined(__FMA__)
  if constexpr (sizeof(R) == 32) {
    if constexpr (f32)
      return B(_mm256_fmadd_ps(R(x), R(y), R(z)));
    else
      return B(_mm256_fmadd_pd(R(x), R(y), R(z)));
  }
  if constexpr (sizeof(R) == 16) {
    if constexpr (f32)
      return B(_mm_fmadd_ps(R(x), R(y), R(z)));
    else
      return B(_mm_fmadd_pd(R(x), R(y), R(z)));
  }
#endif
  alignas(64) T a[B::size], b[B::size], c[B::size];
  x.store_aligned(a);
  y.store_aligned(b);
  z.store_aligned(c);
  for (std::size_t i = 0; i < B::size; ++i) a[i] = std::fma(a[i], b[i], c[i]);
  return B::load_aligned(a);
}

// A packet the compiler must hold in a register: g++ otherwise folds a load used by several fmas into each
// of them as a memory operand, so that one (unaligned, often line-crossing) packet is loaded once per fma.
template <class B>
CTORCH_ALWAYS_INLINE B in_register(B v) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  typename B::register_type r = v;
  asm("" : "+v"(r));
  return B(r);
#else
  return v;
#endif
}

}  // namespace ctorch::detail
