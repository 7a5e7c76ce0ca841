// ctorch/eval/cpu/gemm.hpp: ctorch's own GEMM, C = alpha * A B + beta * C, for float and double.
//
// The structure of BLIS/GotoBLAS: the N dim is cut into nc-wide panels, K into kc-deep slabs, M into
// mc-tall blocks; a kc x nc slab of B is packed into NR-wide column slivers, an mc x kc block of A into
// MR-tall row slivers (both zero-padded at the edges), and a register-blocked MR x NR micro-kernel runs
// over the packed panels with one FMA per (row, packet) per k. NR is two xsimd batches; MR is 14 with 32
// vector registers (AVX-512: 28 accumulators; a last row tile of at most 8 rows runs an 8-row kernel)
// and 6 with 16 (AVX2). Every operand is read through its row and column strides, so a transposed
// operand (a transpose<0, 1> view) is packed straight from the strided memory, never copied whole. Where
// a thread's panel has few NR slivers (N <= 256 a thread) a packed A block would serve too few of them to
// repay the copy, and the micro-kernel reads A's rows in place instead (when A has a unit column stride);
// where a thread's kc-deep share of B is small (64 KB), it reads B's rows in place too (unit column
// stride; only a partial last sliver is packed). With both A and B in place (small products), the
// AVX-512 kernel is 6 rows x 4 packets (64 floats) instead, OpenBLAS's small-matrix shape: 6 row pointers
// where 14 spilled, and a shorter prologue and epilogue for the same FMA count.
//
// What brought N = 1024 and 2048 from 0.85-0.9x OpenBLAS's time to about 1.0x (one AVX2 Zen 3 core,
// shared): the micro-kernel prefetches its C tile before the k loop (with C past L2, the loads and stores
// after the loop otherwise wait on L3 or memory; the largest part); the k loop is unrolled 4 times
// (3-5%, most where the core is shared); pack_b reads B a few whole rows at a time (the hardware
// prefetcher follows rows, not a 64-byte column strip with a row stride). Tried, no gain: prefetching
// the next B sliver or A ahead in the kernel, prefetching A's next block before packing it, KC 384 or 512
// and other MC.
//
// On an AVX-512 Zen 5 core (OpenBLAS with its SkylakeX kernels, one thread, shared machine; ratio =
// OpenBLAS's time / ctorch's): N = 64 from 0.76x to 0.90x (B read in place: no pack; the 8-row edge
// kernel: 64 = 4 x 14 + 8 no longer pays for a 14-row tile); 1024 from 0.90x to 1.0x and 2048 from 0.88x
// to 0.95x (KC 1024, see gemm_params; pack_a transposes 14 x 16 blocks in registers: 3.6% of the time at
// 1024 was its scalar copy); 64 x 784 x 128 from 1.04x to 1.15x. The micro-kernel itself runs at the FMA
// peak (265 GFLOP/s) with its operands in L1 or L2 at every shape tried (14 x 32, 12 x 32, 8 x 48,
// 6 x 64), so the shape stays. Tried, no gain: prefetching B or A ahead in the k loop (10-50% slower),
// skipping the C prefetch at N = 64, packing A at N = 64 (0.72x), huge pages for the packed buffers,
// MC from 256 to 768 KB of A, splitting the in-place-A kernel into two 7-row passes to avoid spilling
// its 14 row pointers (GCC then kept the accumulators in memory).
// Then N = 64 from 0.90x to 1.00x: at kc = 64 the 14 x 32 kernel spent 12% of its time outside its k
// loop (a stack copy of the 28 accumulators for a kc == 0 path, each row pointer a vector min and a
// multiply, 28 C prefetches); kc >= 1 is now told to GCC, row pointers are a compare and a conditional
// move each, and the in-place tiles are 6 x 64 (their k loop not unrolled: 2% faster at N = 64, while
// the 2-packet loop keeps its 4-fold unroll, 2% faster on AVX2). ctorch and OpenBLAS both run N = 64 at
// about 97% of the FMA peak. N = 2048 from 0.97x to about 1.0x: the packed kernel prefetches its B
// sliver 8 KB ahead (b_ahead), since the first row tile of each sliver reads it from L3. Tried, no gain
// beyond the noise (about 3% between runs on this shared machine): a 4 MB B panel instead of 8 MB.
//
// Threads: one parallel region per product (parallel_team). Split along M, each thread computes its own
// rows and the B slab is shared, packed by all the threads, with a barrier per slab (none where B is read
// in place); split along N (the choice when M is a few micro-tiles tall, e.g. the 64-row batch of an
// MLP), each thread computes its own NR slivers with its own packed B and either reads A in place (no
// barrier at all) or shares a packed A block, packed by all, with a barrier per block.
// detail::plan_gemm makes the choices.
//
// An epilogue (gemm_ep) applies a per-column function to each finished element while the tile is still in
// registers: nn::Linear's bias + activation cost no second pass over the output.
//
// With CTORCH_CBLAS defined to 1 (CMake: -DCTORCH_CBLAS=ON, which finds and links a BLAS), products of at
// least detail::cblas_min_work multiply-adds whose operands each have a unit stride go to cblas_sgemm /
// cblas_dgemm instead (for users who have MKL). CTORCH_CBLAS_HEADER names the header (default <cblas.h>;
// MKL: <mkl_cblas.h>).
//
// requires: A is M x K, B is K x N, C is M x N, addressed as X[i * rs + j * cs]; C does not alias A or
// B. ensures: C = alpha * A B + beta * C; with beta == 0, C is not read (NaN in C does not propagate).
#pragma once
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#if defined(CTORCH_CBLAS) && CTORCH_CBLAS
#ifndef CTORCH_CBLAS_HEADER
#define CTORCH_CBLAS_HEADER <cblas.h>
#endif
#include CTORCH_CBLAS_HEADER
#endif

#include "../../core/config.hpp"
#include "../../core/packet_fma.hpp"
#include "../../core/parallel.hpp"
#include "../../core/simd.hpp"

namespace ctorch::linalg {

// The default epilogue: none. An epilogue E has `active = true` and, for column j of C,
// `E::packet(v, j)` (v: the W values of columns j .. j+W-1) and `E::scalar(v, j)`.
struct NoEpilogue {
  static constexpr bool active = false;
  template <class V>
  V packet(const V& v, index_t) const {
    return v;
  }
  template <class T>
  T scalar(T v, index_t) const {
    return v;
  }
};

namespace detail {

template <class T>
using gemm_batch = xsimd::batch<T>;

template <class T>
struct gemm_params {
  static constexpr int W = int(gemm_batch<T>::size);
#if defined(__AVX512F__)
  static constexpr int MR = 14;      // 14 x 2 accumulators + 2 B packets + 1 broadcast = 31 of 32 registers
  static constexpr int MR_EDGE = 8;  // a last row tile of at most 8 rows (64 = 4 x 14 + 8) runs an 8-row kernel
  // With A and B both read in place: 6 x 4-packet tiles (24 accumulators + 4 B packets + 1 broadcast), a
  // last tile of at most 4 rows 4 x 4 (64 = 10 x 6 + 4). Its prologue (6 row pointers) and epilogue cost
  // less than the 14 x 2 tile's, which at N = 64 run once per 64 k steps; see gemm_ep.
  static constexpr int MR_WIDE = 6, MR_WIDE_EDGE = 4, NP_WIDE = 4;
#else
  static constexpr int MR = 6;  // 6 x 2 + 2 + 1 = 15 of 16 registers
  static constexpr int MR_EDGE = MR;
  static constexpr int MR_WIDE = 0, MR_WIDE_EDGE = 0, NP_WIDE = 0;  // 16 registers: no wide tile
#endif
  // A thread's share of a B slab read in place when at most this size (its kc x NR slivers well within L1):
  // 64 KB rather than 32 took 96^3 from 0.85x to 0.90x OpenBLAS and 128^3 from 1.06x to 1.11x on Zen 5.
  static constexpr index_t direct_b_bytes = 64 * 1024;
  // How far ahead (bytes) the packed-A kernel prefetches its packed B sliver, which its first row tile
  // reads from L3: 8 KB (64 k steps of a 32-float sliver) took SGEMM N = 2048 on one Zen 5 core from
  // 0.96-0.98x to 0.99-1.03x OpenBLAS (three runs each; N = 1024 and two threads within the noise).
  static constexpr index_t b_ahead = 8 * 1024;
  static constexpr int NR = 2 * W;
#if defined(__AVX512F__)
  // AVX-512 parts have 1-2 MB of L2 a core (Skylake-X, Zen 4/5, Sapphire Rapids): K in slabs of up to
  // 1024 (one pass over C where K <= 1024), the A block in half of L2, and the B sliver (128 KB) streamed
  // from L2 beside it; the B slab kept to 8 MB of L3. Zen 5, one thread: KC 256 -> 512 -> 1024 took
  // N = 1024 from 0.90x to 0.97x to 1.0x OpenBLAS's speed, N = 2048 from 0.88x to 0.93x to 0.96x.
  // One thread keeps its B slab to 4 MB (NC_ONE): N = 2048 on one Zen 5 core went from 0.91-0.98x to
  // 0.99-1.05x OpenBLAS (six runs each, two sessions of interleaved runs); on two threads, which share
  // one slab, 4 MB measured 2% slower than 8 MB (within the noise), so a team keeps 8 MB.
  static constexpr index_t KC = 1024, L2_A = 512 * 1024;
  static constexpr index_t NC = 8 * 1024 * 1024 / (KC * index_t(sizeof(T)));
  static constexpr index_t NC_ONE = NC / 2;
#else
  static constexpr index_t KC = 256, L2_A = 256 * 1024;             // Zen 3 (512 KB L2): B sliver in L1
  static constexpr index_t NC = 4096, NC_ONE = NC;                  // B slab in L3
#endif
  static constexpr index_t MC = std::max<index_t>(MR, (L2_A / (KC * index_t(sizeof(T)))) / MR * MR);  // A: half of L2
};

// A per-thread, 64-byte aligned scratch buffer that only grows.
template <class T, int Tag>
T* scratch(std::size_t n) {
  struct Buf {
    T* p = nullptr;
    std::size_t n = 0;
    ~Buf() { std::free(p); }
  };
  thread_local Buf b;
  if (b.n < n) {
    std::free(b.p);
    b.p = nullptr;
    b.n = 0;
    const std::size_t bytes = (n * sizeof(T) + 63) / 64 * 64;
    b.p = static_cast<T*>(std::aligned_alloc(64, bytes));
    if (!b.p) throw std::bad_alloc();
    b.n = n;
  }
  return b.p;
}

// A hint to fetch the cache line at p (Write: for a store; Locality 3: into all cache levels); no-op
// where the compiler has no prefetch builtin.
template <int Write, int Locality>
CTORCH_ALWAYS_INLINE void prefetch([[maybe_unused]] const void* p) {
#if defined(__GNUC__)
  __builtin_prefetch(p, Write, Locality);
#endif
}

#if defined(__AVX512F__)
// The shuffles of transpose_block16 in their zero-masked forms with a full mask: the same instructions,
// but GCC 12's plain forms merge into _mm512_undefined_*(), which warns -Wmaybe-uninitialized once
// inlined when <immintrin.h> was included before ctorch (outside simd.hpp's pragma; LibTorch does that).
CTORCH_ALWAYS_INLINE __m512 unpacklo_ps(__m512 a, __m512 b) {
  return _mm512_maskz_unpacklo_ps(0xFFFF, a, b);
}
CTORCH_ALWAYS_INLINE __m512 unpackhi_ps(__m512 a, __m512 b) {
  return _mm512_maskz_unpackhi_ps(0xFFFF, a, b);
}
CTORCH_ALWAYS_INLINE __m512 unpacklo_pd(__m512 a, __m512 b) {
  return _mm512_castpd_ps(_mm512_maskz_unpacklo_pd(0xFF, _mm512_castps_pd(a), _mm512_castps_pd(b)));
}
CTORCH_ALWAYS_INLINE __m512 unpackhi_pd(__m512 a, __m512 b) {
  return _mm512_castpd_ps(_mm512_maskz_unpackhi_pd(0xFF, _mm512_castps_pd(a), _mm512_castps_pd(b)));
}
template <int Imm>
CTORCH_ALWAYS_INLINE __m512 shuffle_f32x4(__m512 a, __m512 b) {
  return _mm512_maskz_shuffle_f32x4(0xFFFF, a, b, Imm);
}
#endif

#if defined(__AVX512F__)
// out[k * ldo + j] = src[j * ld + k] for k < cols and j < width (zero for j >= rows): a rows x cols (each
// at most 16) block of floats transposed in registers, so that each of its rows is read as one
// contiguous (masked) load instead of 16 strided scalar reads. Masked loads do not fault past the end.
// pack_b writes 16-wide rows (width 16) into NR-wide slivers; pack_a writes 14-wide ones (its MR).
CTORCH_ALWAYS_INLINE void transpose_block16(const float* src, index_t ld, index_t rows, index_t cols, float* out,
                                            index_t ldo, int width = 16) {
  const __mmask16 mask = __mmask16((1u << cols) - 1u);
  __m512 r[16], t[16];
  CTORCH_UNROLL
  for (int j = 0; j < 16; ++j) r[j] = j < rows ? _mm512_maskz_loadu_ps(mask, src + j * ld) : _mm512_setzero_ps();
  // Within each 128-bit lane L (k = 4L .. 4L+3): pairs of rows interleaved, then groups of four rows, so
  // that t[4g + c] holds rows 4g .. 4g+3 at k = 4L + c in lane L.
  CTORCH_UNROLL
  for (int j = 0; j < 16; j += 2) {
    t[j] = unpacklo_ps(r[j], r[j + 1]);
    t[j + 1] = unpackhi_ps(r[j], r[j + 1]);
  }
  CTORCH_UNROLL
  for (int g = 0; g < 16; g += 4) {
    r[g] = unpacklo_pd(t[g], t[g + 2]);
    r[g + 1] = unpackhi_pd(t[g], t[g + 2]);
    r[g + 2] = unpacklo_pd(t[g + 1], t[g + 3]);
    r[g + 3] = unpackhi_pd(t[g + 1], t[g + 3]);
  }
  // Then, per c, the 4 x 4 transpose of 128-bit lanes over the groups: k = 4L + c gathers lane L of
  // r[c], r[4 + c], r[8 + c], r[12 + c].
  CTORCH_UNROLL
  for (int c = 0; c < 4; ++c) {
    const __m512 v0 = shuffle_f32x4<0x88>(r[c], r[4 + c]), v1 = shuffle_f32x4<0xdd>(r[c], r[4 + c]);
    const __m512 v2 = shuffle_f32x4<0x88>(r[8 + c], r[12 + c]);
    const __m512 v3 = shuffle_f32x4<0xdd>(r[8 + c], r[12 + c]);
    t[c] = shuffle_f32x4<0x88>(v0, v2);
    t[4 + c] = shuffle_f32x4<0x88>(v1, v3);
    t[8 + c] = shuffle_f32x4<0xdd>(v0, v2);
    t[12 + c] = shuffle_f32x4<0xdd>(v1, v3);
  }
  const __mmask16 out_mask = __mmask16((1u << width) - 1u);
  CTORCH_UNROLL
  for (int k = 0; k < 16; ++k)
    if (k < cols) _mm512_mask_storeu_ps(out + k * ldo, out_mask, t[k]);
}
#endif

// Packs rows [0, mc) x cols [0, kc) of A into MR-row slivers: sliver s holds, for each k, MR values.
template <class T, int MR>
void pack_a(index_t mc, index_t kc, const T* a, index_t rs, index_t cs, T* out) {
  for (index_t i0 = 0; i0 < mc; i0 += MR) {
    const index_t m = std::min<index_t>(MR, mc - i0);
    const T* src = a + i0 * rs;
    if (m == MR && cs == 1) {
      index_t k = 0;
#if defined(__AVX512F__)
      if constexpr (std::is_same_v<T, float> && MR == 14)
        for (; k + 16 <= kc; k += 16) transpose_block16(src + k, rs, MR, 16, out + k * MR, MR, MR);
#endif
      for (; k < kc; ++k)
        for (int i = 0; i < MR; ++i) out[k * MR + i] = src[i * rs + k];
    } else if (m == MR && rs == 1) {
      for (index_t k = 0; k < kc; ++k)
        for (int i = 0; i < MR; ++i) out[k * MR + i] = src[k * cs + i];
    } else {
      for (index_t k = 0; k < kc; ++k) {
        for (index_t i = 0; i < m; ++i) out[k * MR + i] = src[i * rs + k * cs];
        for (index_t i = m; i < MR; ++i) out[k * MR + i] = T(0);
      }
    }
    out += kc * MR;
  }
}

// Packs rows [0, kc) x cols [0, nc) of B into NR-column slivers: sliver s holds, for each k, NR values.
template <class T, int NR>
void pack_b(index_t kc, index_t nc, const T* b, index_t rs, index_t cs, T* out) {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<T, float> && NR == 32) {
    if (rs == 1) {
      // B = W^T with W row-major (nn::Linear's forward): column j of B is a contiguous row of W. 16 x 16
      // blocks transposed in registers read those rows contiguously; a scalar copy would make 16 strided
      // reads or writes per packet (64 x 784 x 128 forward, one Zen 5 core: the pack was 13% of a train step).
      for (index_t j0 = 0; j0 < nc; j0 += NR) {
        const index_t n = std::min<index_t>(NR, nc - j0);
        const T* src = b + j0 * cs;
        for (index_t k0 = 0; k0 < kc; k0 += 16) {
          const index_t kb = std::min<index_t>(16, kc - k0);
          transpose_block16(src + k0, cs, std::min<index_t>(n, 16), kb, out + k0 * NR, NR);
          transpose_block16(n > 16 ? src + 16 * cs + k0 : src, cs, std::max<index_t>(n - 16, 0), kb, out + k0 * NR + 16,
                            NR);
        }
        out += kc * NR;
      }
      return;
    }
  }
#endif
  if (cs == 1 && nc >= NR) {
    // Rows of B in place: a few rows at a time across all the full slivers, so that B is read row after row
    // (the hardware prefetcher follows) rather than one NR-wide column strip of kc rows at a time (a
    // strided walk that it does not follow). 8 rows: 8 read streams, and 8 lines written per sliver.
    using V = gemm_batch<T>;
    constexpr int W = int(V::size);
    static_assert(NR % W == 0);
    constexpr index_t KB = 8;
    const index_t full = nc / NR;
    for (index_t k0 = 0; k0 < kc; k0 += KB) {
      const index_t k1 = std::min(kc, k0 + KB);
      for (index_t s = 0; s < full; ++s) {
        const T* src = b + s * NR;
        T* dst = out + s * kc * NR;
        for (index_t k = k0; k < k1; ++k) {
          CTORCH_UNROLL
          for (int j = 0; j < NR; j += W) V::load_unaligned(src + k * rs + j).store_unaligned(dst + k * NR + j);
        }
      }
    }
    if (full * NR == nc) return;
    const index_t done = full * NR;
    b += done;
    out += full * kc * NR;
    nc -= done;
  }
  for (index_t j0 = 0; j0 < nc; j0 += NR) {
    const index_t n = std::min<index_t>(NR, nc - j0);
    const T* src = b + j0 * cs;
    if (n == NR && rs == 1) {
      for (int j = 0; j < NR; ++j)
        for (index_t k = 0; k < kc; ++k) out[k * NR + j] = src[j * cs + k];
    } else {
      for (index_t k = 0; k < kc; ++k) {
        for (index_t j = 0; j < n; ++j) out[k * NR + j] = src[k * rs + j * cs];
        for (index_t j = n; j < NR; ++j) out[k * NR + j] = T(0);
      }
    }
    out += kc * NR;
  }
}

// Rows base, base + stride, ... of an MR-row tile of which m exist; the rows past m repeat row m - 1
// (their results are never stored). A compare and a conditional move a row: a product of min(i, m - 1)
// and the stride per row was most of the kernel's prologue at N = 64.
template <int MR, class T>
CTORCH_ALWAYS_INLINE void tile_rows(T* base, index_t stride, index_t m, T* (&row)[MR]) {
  CTORCH_UNROLL
  for (int i = 0; i < MR; ++i) {
    row[i] = base;
    if (i + 1 < m) base += stride;
  }
}

// The MR x NT micro-kernel (NT = NP packets of W): acc = sum_k A[i][k] * bp[k][j], then C[i][j] = alpha *
// acc + beta * C (beta == 0: C not read) on the m x n corner that exists; then, on the last K slab
// (`last`), the epilogue on each element, j0 being the tile's first column in C. B is NT-wide rows ldb
// apart (a packed sliver, or B in place). A is a packed sliver (ap[k][i], P::MR values a k), or with
// DirectA the m rows of A themselves, row i at ap + i * rsa with unit column stride. kc >= 1.
template <class T, class Epi = NoEpilogue, bool DirectA = false, int MR = gemm_params<T>::MR, int NP = 2>
[[gnu::hot]] void micro_kernel(index_t kc, const T* __restrict ap, const T* __restrict bp, index_t ldb, T* c,
                               index_t rsc, index_t csc, index_t m, index_t n, T alpha, T beta, const Epi& epi = {},
                               index_t j0 = 0, bool last = false, [[maybe_unused]] index_t rsa = 0) {
  using P = gemm_params<T>;
  using B = gemm_batch<T>;
  constexpr int W = P::W, NT = NP * W;
  // Told that the k loop runs, GCC keeps the accumulators in registers (else it zeroes a stack copy of
  // them for the kc == 0 path and reloads it before the stores).
  if (kc <= 0) __builtin_unreachable();
  B acc[MR][NP];
  CTORCH_UNROLL
  for (int i = 0; i < MR; ++i) {
    CTORCH_UNROLL
    for (int p = 0; p < NP; ++p) acc[i][p] = B(T(0));
  }
  // C's tile is read (beta != 0) and written only after the k loop; fetched now, its lines (in L3 or
  // memory once C outgrows L2) arrive during the loop instead of stalling the stores after it.
  if (csc == 1) {
    T* crow[MR];
    tile_rows(c, rsc, m, crow);
    const index_t back = std::min<index_t>(n, NT) - 1;
    CTORCH_UNROLL
    for (int i = 0; i < MR; ++i) {
      prefetch<1, 3>(crow[i]);
      if constexpr (NT * sizeof(T) > 64) prefetch<1, 3>(crow[i] + back);
    }
  }
  // Per k: NP packets of B, held in registers (each serves MR fmas), and MR broadcasts of A.
  [[maybe_unused]] const T* row[MR];
  if constexpr (DirectA) tile_rows(ap, rsa, m, row);
  const auto k_step = [&]([[maybe_unused]] index_t k) CTORCH_LAMBDA_INLINE {
    B b[NP];
    CTORCH_UNROLL
    for (int p = 0; p < NP; ++p) b[p] = ctorch::detail::in_register(B::load_unaligned(bp + p * W));
    CTORCH_UNROLL
    for (int i = 0; i < MR; ++i) {
      B a;
      if constexpr (DirectA)
        a = B(row[i][k]);
      else
        a = B(ap[i]);
      CTORCH_UNROLL
      for (int p = 0; p < NP; ++p) acc[i][p] = ctorch::detail::packet_fma(a, b[p], acc[i][p]);
    }
    if constexpr (!DirectA) {
      // The packed B sliver, b_ahead bytes on: the first row tile of each sliver reads it from L3.
      CTORCH_UNROLL
      // (An address, not a pointer past the buffer: a prefetch never faults.)
      for (int o = 0; o < int(NT * sizeof(T)); o += 64)
        prefetch<0, 3>(reinterpret_cast<const void*>(reinterpret_cast<std::uintptr_t>(bp) + P::b_ahead + o));
      ap += P::MR;
    }
    bp += ldb;
  };
  // Unrolled 4 times, the 2-packet loop ran 2% faster on AVX2 (N = 256 and 1024, Zen 5 with -march=haswell);
  // the 4-packet one (AVX-512) ran 2% slower at N = 64, where its remainder steps cost more than they save.
  if constexpr (NP == 2) {
    CTORCH_UNROLL4
    for (index_t k = 0; k < kc; ++k) k_step(k);
  } else {
    for (index_t k = 0; k < kc; ++k) k_step(k);
  }
  if (alpha != T(1)) {  // alpha = 1 (nearly every call) costs no multiply per accumulator
    const B va(alpha);
    CTORCH_UNROLL
    for (int i = 0; i < MR; ++i) {
      CTORCH_UNROLL
      for (int p = 0; p < NP; ++p) acc[i][p] *= va;
    }
  }
  if (m == MR && n == NT && csc == 1) {
    const B vb(beta);
    CTORCH_UNROLL
    for (int i = 0; i < MR; ++i) {
      T* ci = c + i * rsc;
      CTORCH_UNROLL
      for (int p = 0; p < NP; ++p) {
        B v = acc[i][p];
        if (beta != T(0)) v = ctorch::detail::packet_fma(vb, B::load_unaligned(ci + p * W), v);
        if constexpr (Epi::active)
          if (last) v = epi.packet(v, j0 + p * W);
        v.store_unaligned(ci + p * W);
      }
    }
    return;
  }
  alignas(64) T tmp[MR * NT];
  CTORCH_UNROLL
  for (int i = 0; i < MR; ++i) {
    CTORCH_UNROLL
    for (int p = 0; p < NP; ++p) acc[i][p].store_aligned(tmp + i * NT + p * W);
  }
  for (index_t i = 0; i < m; ++i)
    for (index_t j = 0; j < n; ++j) {
      T& cij = c[i * rsc + j * csc];
      cij = beta == T(0) ? tmp[i * NT + j] : tmp[i * NT + j] + beta * cij;
      if constexpr (Epi::active)
        if (last) cij = epi.scalar(cij, j0 + j);
    }
}

// The epilogue as a pass of its own, for the paths that do not go through the micro-kernel.
template <class T, class Epi>
void apply_epilogue(index_t M, index_t N, T* c, index_t rsc, index_t csc, const Epi& epi) {
  if constexpr (Epi::active)
    for (index_t i = 0; i < M; ++i)
      for (index_t j = 0; j < N; ++j) c[i * rsc + j * csc] = epi.scalar(c[i * rsc + j * csc], j);
}

// A plain loop for products too small to repay packing.
template <class T>
void gemm_small(index_t M, index_t N, index_t K, T alpha, const T* a, index_t rsa, index_t csa, const T* b, index_t rsb,
                index_t csb, T beta, T* c, index_t rsc, index_t csc) {
  for (index_t i = 0; i < M; ++i)
    for (index_t j = 0; j < N; ++j) {
      T s(0);
      for (index_t k = 0; k < K; ++k) s += a[i * rsa + k * csa] * b[k * rsb + j * csb];
      T& cij = c[i * rsc + j * csc];
      cij = beta == T(0) ? alpha * s : alpha * s + beta * cij;
    }
}

// How gemm_ep runs a packed product: on how many threads, split along N (each thread its own NR column
// slivers and its own packed B) or along M (each thread its own rows, the packed B slab shared), A packed
// or read in place (direct_a), B packed or read in place (direct_b), and the kc and nc block sizes.
struct gemm_plan {
  int threads;
  bool split_n, direct_a, direct_b;
  index_t kc, nc;
};

template <class T>
gemm_plan plan_gemm(index_t M, index_t N, index_t K, index_t csa, index_t csb, int max_threads) {
  using P = gemm_params<T>;
  constexpr int MR = P::MR, NR = P::NR;
  gemm_plan pl{};
  // Below 2^19 multiply-adds (64^3: some microseconds) a parallel region saves less than it risks: with
  // the cores shared, one descheduled thread stalls the product.
  const bool serial = double(M) * double(N) * double(K) < double(1 << 19);
  const index_t mtiles = (M + MR - 1) / MR, ntiles = (N + NR - 1) / NR;
  pl.threads = serial ? 1 : int(std::min<index_t>(std::max(max_threads, 1), std::max(mtiles, ntiles)));
  // kc: at most KC, the slabs of equal depth (KC 256: K = 784 runs as 4 x 196, not 3 x 256 + 16: a thin
  // last slab re-reads and re-writes all of C for little work).
  const index_t kslabs = (K + P::KC - 1) / P::KC;
  pl.kc = std::min<index_t>(P::KC, ((K + kslabs - 1) / kslabs + 7) / 8 * 8);
  pl.nc = std::min<index_t>(pl.threads == 1 ? P::NC_ONE : P::NC, ntiles * NR);
  // A packed block of A serves every NR sliver of the panel a thread computes; over 16 slivers or fewer
  // (256 columns) packing costs more than it saves (64 x 784 x 128: 170 -> 150 us on one AVX2 core), and
  // the micro-kernel reads A's rows in place. That needs a unit column stride.
  const int nt = pl.threads;
  const index_t panel = pl.nc / NR, per_thread_n = (panel + nt - 1) / nt;
  const bool direct_if_n = csa == 1 && per_thread_n <= 16, direct_if_m = csa == 1 && panel <= 16;
  // The split: the one that gives the threads the more even shares of MR x NR tiles (64 x 784 x 128 on 2
  // threads: 4 + 4 column slivers against 6 + 5 row tiles), M on a near tie, unless N then reads A in
  // place: that split shares nothing and never waits at a barrier.
  const index_t m_share = (mtiles + nt - 1) / nt * ntiles, n_share = mtiles * ((ntiles + nt - 1) / nt);
  pl.split_n = nt > 1 && (direct_if_n ? 20 * n_share <= 21 * m_share : 20 * n_share < 19 * m_share);
  pl.direct_a = pl.split_n ? direct_if_n : direct_if_m;
  // B read in place (unit column stride) when a thread's share of a slab is small: then packing it buys
  // little locality and costs a copy (and, split M, a barrier).
  const index_t cols = pl.split_n ? per_thread_n * NR : pl.nc;
  pl.direct_b = csb == 1 && pl.kc * cols * index_t(sizeof(T)) <= P::direct_b_bytes;
  return pl;
}

// ---- the external CBLAS route (CTORCH_CBLAS) ---------------------------------------------------------
// Below this many multiply-adds ctorch's own kernels win (no library call, no BLAS thread start-up).
inline constexpr double cblas_min_work = double(1 << 21);

// How many products went to CBLAS (tests check the route is taken).
inline std::atomic<long>& cblas_calls() {
  static std::atomic<long> n{0};
  return n;
}

// One operand in CBLAS's row-major terms: not transposed with leading dim rs (cs == 1), or transposed with
// leading dim cs (rs == 1). false when neither stride is 1 or the leading dim is too small for BLAS.
struct cblas_operand {
  bool ok, trans;
  index_t ld;
  static cblas_operand make(index_t rows, index_t cols, index_t rs, index_t cs) {
    if (cs == 1 && rs >= std::max<index_t>(1, cols)) return {true, false, rs};
    if (rs == 1 && cs >= std::max<index_t>(1, rows)) return {true, true, cs};
    return {false, false, 0};
  }
};

// C = alpha * A B + beta * C through CBLAS when it is enabled and applies; false when ctorch must do it.
template <class T>
bool cblas_gemm([[maybe_unused]] index_t M, [[maybe_unused]] index_t N, [[maybe_unused]] index_t K,
                [[maybe_unused]] T alpha, [[maybe_unused]] const T* a, [[maybe_unused]] index_t rsa,
                [[maybe_unused]] index_t csa, [[maybe_unused]] const T* b, [[maybe_unused]] index_t rsb,
                [[maybe_unused]] index_t csb, [[maybe_unused]] T beta, [[maybe_unused]] T* c,
                [[maybe_unused]] index_t rsc, [[maybe_unused]] index_t csc) {
#if defined(CTORCH_CBLAS) && CTORCH_CBLAS
  constexpr index_t int_max = 2147483647;  // CBLAS takes int dims
  if (double(M) * double(N) * double(K) < cblas_min_work || std::max({M, N, K, rsa, csa, rsb, csb, rsc}) > int_max)
    return false;
  const cblas_operand oa = cblas_operand::make(M, K, rsa, csa), ob = cblas_operand::make(K, N, rsb, csb);
  if (!oa.ok || !ob.ok || csc != 1 || rsc < N) return false;
  const auto ta = oa.trans ? CblasTrans : CblasNoTrans, tb = ob.trans ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, float>)
    cblas_sgemm(CblasRowMajor, ta, tb, int(M), int(N), int(K), alpha, a, int(oa.ld), b, int(ob.ld), beta, c, int(rsc));
  else
    cblas_dgemm(CblasRowMajor, ta, tb, int(M), int(N), int(K), alpha, a, int(oa.ld), b, int(ob.ld), beta, c, int(rsc));
  cblas_calls().fetch_add(1, std::memory_order_relaxed);
  return true;
#else
  return false;
#endif
}

}  // namespace detail

template <class T>
void gemv(index_t M, index_t K, T alpha, const T* a, index_t rsa, index_t csa, const T* x, index_t incx, T beta, T* y,
          index_t incy);

// C = epi(alpha * A B + beta * C) with A M x K (strides rsa, csa), B K x N (rsb, csb), C M x N (rsc, csc),
// epi applied per element with its column index (see NoEpilogue).
template <class T, class Epi>
void gemm_ep(index_t M, index_t N, index_t K, T alpha, const T* a, index_t rsa, index_t csa, const T* b, index_t rsb,
             index_t csb, T beta, T* c, index_t rsc, index_t csc, const Epi& epi) {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "ctorch: gemm: float or double");
  using P = detail::gemm_params<T>;
  constexpr int MR = P::MR, NR = P::NR, MR_EDGE = P::MR_EDGE;
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == T(0)) {  // C = beta * C
    for (index_t i = 0; i < M; ++i)
      for (index_t j = 0; j < N; ++j) {
        T& cij = c[i * rsc + j * csc];
        cij = beta == T(0) ? T(0) : beta * cij;
      }
    detail::apply_epilogue(M, N, c, rsc, csc, epi);
    return;
  }
  if (N == 1) {  // a matrix-vector product
    gemv<T>(M, K, alpha, a, rsa, csa, b, rsb, beta, c, rsc);
    detail::apply_epilogue(M, N, c, rsc, csc, epi);
    return;
  }
  if (M == 1) {  // c^T = alpha * B^T a^T + beta * c^T
    gemv<T>(N, K, alpha, b, csb, rsb, a, csa, beta, c, csc);
    detail::apply_epilogue(M, N, c, rsc, csc, epi);
    return;
  }
  if (M * N * K <= 4096) {
    detail::gemm_small(M, N, K, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc);
    detail::apply_epilogue(M, N, c, rsc, csc, epi);
    return;
  }
  if (detail::cblas_gemm<T>(M, N, K, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc)) {
    detail::apply_epilogue(M, N, c, rsc, csc, epi);
    return;
  }
  const detail::gemm_plan pl = detail::plan_gemm<T>(M, N, K, csa, csb, get_num_threads());
  const bool split_n = pl.split_n, direct_a = pl.direct_a, direct_b = pl.direct_b;
  const index_t kc_max = pl.kc, nc_max = pl.nc, mtiles = (M + MR - 1) / MR;
  // mc for `rows` rows: at most MC, the blocks of equal height in whole MR tiles.
  const auto mc_for = [](index_t rows) {
    const index_t nblk = (rows + P::MC - 1) / P::MC;
    return std::max<index_t>(MR, ((rows + nblk - 1) / nblk + MR - 1) / MR * MR);
  };
  // The operand the threads share (split M: the B slab; split N with packed A: the A block) is packed by
  // all of them, each its share of the slivers, into one of two buffers in turn: a thread may pack step
  // s + 1 while another still reads step s, and the one barrier per step (after packing) also guarantees
  // that nobody still reads step s - 1's buffer. Split N with direct A, or split M with direct B, shares
  // nothing and never waits.
  const int nbuf = pl.threads > 1 ? 2 : 1;
  const index_t mc_all = mc_for(M);
  const std::size_t shared_size = !split_n   ? (direct_b ? 0 : std::size_t(kc_max * nc_max))
                                  : direct_a ? 0
                                             : std::size_t(mc_all * kc_max);
  T* shared = shared_size ? detail::scratch<T, 0>(shared_size * std::size_t(nbuf)) : nullptr;
  parallel_team(pl.threads, [&](const team_member& tm) {
    // This thread's share of n slivers (or tiles) when the team splits them.
    const auto share = [&](index_t n) {
      return std::pair<index_t, index_t>(n * tm.rank / tm.size, n * (tm.rank + 1) / tm.size);
    };
    // This thread's rows: all (split N) or its share of the MR tiles (split M).
    const auto [t0, t1] = split_n ? std::pair<index_t, index_t>(0, mtiles) : share(mtiles);
    const index_t r0 = std::min(M, t0 * MR), r1 = std::min(M, t1 * MR);
    const index_t mc_max = split_n ? mc_all : mc_for(r1 - r0);
    // Private packing: split N, this thread's slivers of B; split M, its blocks of A.
    const index_t own_slivers = (nc_max / NR + tm.size - 1) / tm.size;
    T* priv = split_n    ? (direct_b ? nullptr : detail::scratch<T, 1>(std::size_t(kc_max * own_slivers * NR)))
              : direct_a ? nullptr
                         : detail::scratch<T, 2>(std::size_t(mc_max * kc_max));
    int step = 0;
    for (index_t jc = 0; jc < N; jc += nc_max) {
      const index_t nc = std::min(nc_max, N - jc);
      const index_t nsl = (nc + NR - 1) / NR;
      // This thread's slivers of the panel: all (split M) or its share (split N).
      const auto [s0, s1] = split_n ? share(nsl) : std::pair<index_t, index_t>(0, nsl);
      for (index_t pc = 0; pc < K; pc += kc_max) {
        const index_t kc = std::min(kc_max, K - pc);
        const T beta_eff = pc == 0 ? beta : T(1);
        const bool last = pc + kc == K;
        const T* bpack = nullptr;  // sliver s (of this thread's) at bpack + (s - s0) * kc * NR
        T* bedge = nullptr;        // direct B: the last sliver when it is partial (in place it would run past N)
        if (direct_b) {
          if (s0 < s1 && s1 * NR > nc) {
            bedge = detail::scratch<T, 3>(std::size_t(kc_max * NR));
            detail::pack_b<T, NR>(kc, nc - (s1 - 1) * NR, b + pc * rsb + (jc + (s1 - 1) * NR) * csb, rsb, csb, bedge);
          }
        } else if (split_n) {  // the own slivers of B, packed privately
          if (s0 < s1)
            detail::pack_b<T, NR>(kc, std::min(nc, s1 * NR) - s0 * NR, b + pc * rsb + (jc + s0 * NR) * csb, rsb, csb,
                                  priv);
          bpack = priv;
        } else {  // the shared slab, each thread its share of the slivers
          T* buf = shared + std::size_t(step % nbuf) * shared_size;
          const auto [p0, p1] = share(nsl);
          if (p0 < p1)
            detail::pack_b<T, NR>(kc, std::min(nc, p1 * NR) - p0 * NR, b + pc * rsb + (jc + p0 * NR) * csb, rsb, csb,
                                  buf + p0 * kc * NR);
          ++step;
          tm.sync();
          bpack = buf;
        }
        for (index_t ic = r0; ic < r1; ic += mc_max) {
          const index_t mc = std::min(mc_max, r1 - ic);
          const T* apack = nullptr;  // stays null with direct A: the micro-kernel reads A's rows
          if (direct_a) {
            // nothing to pack
          } else if (split_n) {  // the shared block, each thread its share of the MR slivers
            T* buf = shared + std::size_t(step % nbuf) * shared_size;
            const auto [p0, p1] = share((mc + MR - 1) / MR);
            if (p0 < p1)
              detail::pack_a<T, MR>(std::min(mc, p1 * MR) - p0 * MR, kc, a + (ic + p0 * MR) * rsa + pc * csa, rsa, csa,
                                    buf + p0 * kc * MR);
            ++step;
            tm.sync();
            apack = buf;
          } else {
            detail::pack_a<T, MR>(mc, kc, a + ic * rsa + pc * csa, rsa, csa, priv);
            apack = priv;
          }
          index_t s = s0;
          if constexpr (P::MR_WIDE > 0) {
            if (direct_a && direct_b) {  // whole NP_WIDE-packet column blocks, B and A read in place
              constexpr int SW = P::NP_WIDE * P::W / NR, MRW = P::MR_WIDE, MRW_EDGE = P::MR_WIDE_EDGE;
              for (; s + SW <= s1 && (s + SW) * NR <= nc; s += SW) {
                const index_t jr = s * NR;
                const T* bp = b + pc * rsb + jc + jr;
                for (index_t ir = 0; ir < mc; ir += MRW) {
                  const index_t m = std::min<index_t>(MRW, mc - ir);
                  T* cij = c + (ic + ir) * rsc + (jc + jr) * csc;
                  const T* ai = a + (ic + ir) * rsa + pc;
                  if (m <= MRW_EDGE)
                    detail::micro_kernel<T, Epi, true, MRW_EDGE, P::NP_WIDE>(kc, ai, bp, rsb, cij, rsc, csc, m, SW * NR,
                                                                             alpha, beta_eff, epi, jc + jr, last, rsa);
                  else
                    detail::micro_kernel<T, Epi, true, MRW, P::NP_WIDE>(kc, ai, bp, rsb, cij, rsc, csc, m, SW * NR,
                                                                        alpha, beta_eff, epi, jc + jr, last, rsa);
                }
              }
            }
          }
          for (; s < s1; ++s) {
            const index_t jr = s * NR, n = std::min<index_t>(NR, nc - jr);
            const T* bp = !direct_b ? bpack + (split_n ? s - s0 : s) * kc * NR
                          : n == NR ? b + pc * rsb + jc + jr
                                    : bedge;
            const index_t ldb = direct_b && n == NR ? rsb : NR;
            for (index_t ir = 0; ir < mc; ir += MR) {
              const index_t m = std::min<index_t>(MR, mc - ir);
              T* cij = c + (ic + ir) * rsc + (jc + jr) * csc;
              const T* ai = direct_a ? a + (ic + ir) * rsa + pc : apack + (ir / MR) * kc * MR;
              const bool edge = MR_EDGE < MR && m <= MR_EDGE;
              if (direct_a && edge)
                detail::micro_kernel<T, Epi, true, MR_EDGE>(kc, ai, bp, ldb, cij, rsc, csc, m, n, alpha, beta_eff, epi,
                                                            jc + jr, last, rsa);
              else if (direct_a)
                detail::micro_kernel<T, Epi, true>(kc, ai, bp, ldb, cij, rsc, csc, m, n, alpha, beta_eff, epi, jc + jr,
                                                   last, rsa);
              else if (edge)
                detail::micro_kernel<T, Epi, false, MR_EDGE>(kc, ai, bp, ldb, cij, rsc, csc, m, n, alpha, beta_eff, epi,
                                                             jc + jr, last);
              else
                detail::micro_kernel<T, Epi>(kc, ai, bp, ldb, cij, rsc, csc, m, n, alpha, beta_eff, epi, jc + jr, last);
            }
          }
        }
      }
    }
  });
}

// C = alpha * A B + beta * C with A M x K (strides rsa, csa), B K x N (rsb, csb), C M x N (rsc, csc).
template <class T>
void gemm(index_t M, index_t N, index_t K, T alpha, const T* a, index_t rsa, index_t csa, const T* b, index_t rsb,
          index_t csb, T beta, T* c, index_t rsc, index_t csc) {
  gemm_ep<T>(M, N, K, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc, NoEpilogue{});
}

// y = alpha * A x + beta * y with A M x K (strides rsa, csa), x of K (stride incx), y of M (stride incy).
template <class T>
void gemv(index_t M, index_t K, T alpha, const T* a, index_t rsa, index_t csa, const T* x, index_t incx, T beta, T* y,
          index_t incy) {
  using B = xsimd::batch<T>;
  constexpr index_t W = index_t(B::size);
  // Chunks of at least 2^17 multiply-adds: smaller ones cost more in thread wake-ups than they save.
  parallel_for(M, std::max<index_t>(1, 131072 / std::max<index_t>(K, 1)), [&](index_t i0, index_t i1) {
    index_t i = i0;
    if (csa == 1 && incx == 1 && K >= W) {
      // Four rows at a time, two accumulators each: eight independent FMA chains and one load of x for
      // four rows. A row alone is one chain, bound by the FMA latency (MLP inference at batch 1, whose
      // time is these products: 3.4-4.3 us with one chain, depending on how the loop happened to align).
      for (; i + 4 <= i1; i += 4) {
        const T* ar[4] = {a + i * rsa, a + (i + 1) * rsa, a + (i + 2) * rsa, a + (i + 3) * rsa};
        B lo[4] = {B(T(0)), B(T(0)), B(T(0)), B(T(0))}, hi[4] = {B(T(0)), B(T(0)), B(T(0)), B(T(0))};
        index_t k = 0;
        for (; k + 2 * W <= K; k += 2 * W) {
          const B x0 = B::load_unaligned(x + k), x1 = B::load_unaligned(x + k + W);
          CTORCH_UNROLL
          for (int r = 0; r < 4; ++r) {
            lo[r] = ctorch::detail::packet_fma(B::load_unaligned(ar[r] + k), x0, lo[r]);
            hi[r] = ctorch::detail::packet_fma(B::load_unaligned(ar[r] + k + W), x1, hi[r]);
          }
        }
        for (; k + W <= K; k += W) {
          const B x0 = B::load_unaligned(x + k);
          CTORCH_UNROLL
          for (int r = 0; r < 4; ++r) lo[r] = ctorch::detail::packet_fma(B::load_unaligned(ar[r] + k), x0, lo[r]);
        }
        CTORCH_UNROLL
        for (int r = 0; r < 4; ++r) {
          T s = xsimd::hadd(lo[r] + hi[r]);
          for (index_t kk = k; kk < K; ++kk) s += ar[r][kk] * x[kk];
          T& yi = y[(i + r) * incy];
          yi = beta == T(0) ? alpha * s : alpha * s + beta * yi;
        }
      }
    }
    for (; i < i1; ++i) {
      const T* ai = a + i * rsa;
      T s(0);
      index_t k = 0;
      if (csa == 1 && incx == 1 && K >= W) {
        B acc(T(0));
        for (; k + W <= K; k += W)
          acc = ctorch::detail::packet_fma(B::load_unaligned(ai + k), B::load_unaligned(x + k), acc);
        s = xsimd::hadd(acc);
      }
      for (; k < K; ++k) s += ai[k * csa] * x[k * incx];
      T& yi = y[i * incy];
      yi = beta == T(0) ? alpha * s : alpha * s + beta * yi;
    }
  });
}

}  // namespace ctorch::linalg
