// ctorch/eval/cpu/gemm_static.hpp: C = alpha * A B + beta * C for small products whose M, N and K are
// compile-time constants (Tensor<float, Shape<16, 16>> @ Tensor<float, Shape<16, 16>>), operands contiguous and
// row-major. No packing and no threads: the packing that pays off for large products costs more than the
// product itself at these sizes. C is cut into tiles of RB rows x CP packets held in registers; for each k,
// the CP packets of B's row k are loaded once and every row's A[i][k] is broadcast against them; the k loop
// has a constant trip count, so the compiler unrolls it. Columns past the last whole packet are done by a
// scalar loop.
//
// requires: a M x K, b K x N, c M x N, all dense row-major; c does not alias a or b.
// ensures: C = alpha * A B + beta * C; with beta == 0, C is not read (NaN in C does not propagate).
#pragma once
#include <algorithm>

#include "../../core/config.hpp"
#include "../../core/packet_fma.hpp"
#include "../../core/simd.hpp"

namespace ctorch::linalg {

namespace detail {

template <class T>
struct static_gemm_params {
  using B = xsimd::batch<T>;
  static constexpr index_t W = index_t(B::size);
#if defined(__AVX512F__)
  static constexpr index_t acc_regs = 24;  // of 32 vector registers: the rest hold B packets and a broadcast
#else
  static constexpr index_t acc_regs = 12;  // of 16
#endif
};

// One RB x CP tile of C at (i0, column packet p0).
template <class T, index_t N, index_t K, index_t RB, index_t CP>
CTORCH_ALWAYS_INLINE void static_tile(const T* __restrict a, const T* __restrict b, T* __restrict c, index_t i0,
                                      index_t j0, T alpha, T beta) {
  using B = typename static_gemm_params<T>::B;
  constexpr index_t W = static_gemm_params<T>::W;
  B acc[RB][CP];
  CTORCH_UNROLL
  for (index_t r = 0; r < RB; ++r) CTORCH_UNROLL
  for (index_t p = 0; p < CP; ++p) acc[r][p] = B(T(0));
  for (index_t k = 0; k < K; ++k) {
    B bk[CP];
    CTORCH_UNROLL
    for (index_t p = 0; p < CP; ++p) bk[p] = B::load_unaligned(b + k * N + j0 + p * W);
    CTORCH_UNROLL
    for (index_t r = 0; r < RB; ++r) {
      const B ar(a[(i0 + r) * K + k]);
      CTORCH_UNROLL
      for (index_t p = 0; p < CP; ++p) acc[r][p] = ctorch::detail::packet_fma(ar, bk[p], acc[r][p]);
    }
  }
  const B va(alpha), vb(beta);
  CTORCH_UNROLL
  for (index_t r = 0; r < RB; ++r) CTORCH_UNROLL
  for (index_t p = 0; p < CP; ++p) {
    T* cp = c + (i0 + r) * N + j0 + p * W;
    B v = va * acc[r][p];
    if (beta != T(0)) v = ctorch::detail::packet_fma(vb, B::load_unaligned(cp), v);
    v.store_unaligned(cp);
  }
}

// All rows of one column block of CP packets starting at column j0: full RB-row tiles, then the rest.
template <class T, index_t M, index_t N, index_t K, index_t CP>
CTORCH_ALWAYS_INLINE void static_column_block(const T* a, const T* b, T* c, index_t j0, T alpha, T beta) {
  constexpr index_t RB = std::max<index_t>(1, std::min<index_t>(M, static_gemm_params<T>::acc_regs / CP));
  constexpr index_t full = M / RB * RB;
  for (index_t i0 = 0; i0 < full; i0 += RB) static_tile<T, N, K, RB, CP>(a, b, c, i0, j0, alpha, beta);
  if constexpr (M % RB != 0) static_tile<T, N, K, M % RB, CP>(a, b, c, full, j0, alpha, beta);
}

}  // namespace detail

// The product sizes the static kernel takes: at most 32^3 multiply-adds (larger ones repay packing).
template <index_t M, index_t N, index_t K>
inline constexpr bool static_gemm_applies = M > 0 && N > 0 && K > 0 && M* N* K <= 32 * 32 * 32;

template <class T, index_t M, index_t N, index_t K>
void gemm_static(const T* a, const T* b, T* c, T alpha, T beta) {
  static_assert(static_gemm_applies<M, N, K>, "ctorch: gemm_static: only for small products");
  constexpr index_t W = detail::static_gemm_params<T>::W;
  constexpr index_t NP = N / W;            // whole packets per row of C
  constexpr index_t CP = NP < 2 ? NP : 2;  // packets per column block
  if constexpr (CP > 0) {
    constexpr index_t nblk = NP / CP;
    for (index_t jb = 0; jb < nblk; ++jb)
      detail::static_column_block<T, M, N, K, CP>(a, b, c, jb * CP * W, alpha, beta);
    if constexpr (NP % CP != 0) detail::static_column_block<T, M, N, K, NP % CP>(a, b, c, nblk * CP * W, alpha, beta);
  }
  if constexpr (N % W != 0) {  // the columns past the last whole packet
    for (index_t i = 0; i < M; ++i)
      for (index_t j = NP * W; j < N; ++j) {
        T s(0);
        for (index_t k = 0; k < K; ++k) s += a[i * K + k] * b[k * N + j];
        T& cij = c[i * N + j];
        cij = beta == T(0) ? alpha * s : alpha * s + beta * cij;
      }
  }
}

}  // namespace ctorch::linalg
