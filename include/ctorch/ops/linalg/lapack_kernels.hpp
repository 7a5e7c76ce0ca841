// ctorch/ops/linalg/lapack_kernels.hpp: the numerical kernels behind the factorizations and solvers
// (LAPACK's roles, written for ctorch): LU with partial pivoting (getrf), triangular solves (trsm),
// Cholesky (potrf), Householder QR (geqrf, orgqr, ormqr), one-sided Jacobi SVD (small matrices), the SVD
// by bidiagonalization and QR iteration (gebd2, bdsqr: bidiag_svd) and cyclic Jacobi eigh.
//
// Every kernel works on one matrix at a time through a MatRef (pointer, row stride, column stride), so a
// transpose is a swap of strides and costs nothing. The large kernels are blocked and spend their
// O(n^3) in ctorch's GEMM (eval/cpu/gemm.hpp): getrf and potrf are right-looking with a GEMM trailing
// update from n = kLuBlockMin / kCholBlockMin (unblocked below), trsm does its off-diagonal blocks with
// GEMM from kBlockMin.
// Kernels never throw: they report a failure as LAPACK's info (1-based index, 0 when fine); the ops
// turn it into the PyTorch-style exception.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "../../core/config.hpp"
#include "../../core/packet_fma.hpp"
#include "../../core/simd.hpp"
#include "../../eval/cpu/gemm.hpp"

namespace ctorch::detail::lapack {

// Sizes from which the blocked algorithms pay (measured on AVX-512 Zen 5, one thread: blocked LU is
// 9% faster than unblocked at n = 64 and 7% slower at 48; blocked Cholesky 14-30% faster at 64, even
// at 48, slower at 40), and their block size (32 beat 16, 24, 48 and 64 at n = 256 for both).
inline constexpr index_t kBlockMin = 128;  // trsm
inline constexpr index_t kLuBlockMin = 64, kCholBlockMin = 48;
inline constexpr index_t kBlock = 32;

// A strided matrix: element (i, j) at p[i * rs + j * cs].
template <class T>
struct MatRef {
  T* p;
  index_t rs, cs;
  T& operator()(index_t i, index_t j) const { return p[i * rs + j * cs]; }
  MatRef block(index_t i, index_t j) const { return {p + i * rs + j * cs, rs, cs}; }
  MatRef t() const { return {p, cs, rs}; }
};

// C = alpha * A B + beta * C, A m x k, B k x n.
template <class T>
void gemm(index_t m, index_t n, index_t k, T alpha, MatRef<T> a, MatRef<T> b, T beta, MatRef<T> c) {
  ::ctorch::linalg::gemm<T>(m, n, k, alpha, a.p, a.rs, a.cs, b.p, b.rs, b.cs, beta, c.p, c.rs, c.cs);
}

// sum_i x[i] * y[i] over contiguous arrays (xsimd packets, two accumulators).
template <class T>
T dot(const T* x, const T* y, index_t n) {
  using B = xsimd::batch<T>;
  constexpr index_t W = index_t(B::size);
  index_t i = 0;
  T s(0);
  if (n >= 2 * W) {
    B a0(T(0)), a1(T(0));
    for (; i + 2 * W <= n; i += 2 * W) {
      a0 = ctorch::detail::packet_fma(B::load_unaligned(x + i), B::load_unaligned(y + i), a0);
      a1 = ctorch::detail::packet_fma(B::load_unaligned(x + i + W), B::load_unaligned(y + i + W), a1);
    }
    s = xsimd::hadd(a0 + a1);
  }
  for (; i < n; ++i) s += x[i] * y[i];
  return s;
}

// y += alpha * x over contiguous arrays.
template <class T>
void axpy(index_t n, T alpha, const T* x, T* y) {
  using B = xsimd::batch<T>;
  constexpr index_t W = index_t(B::size);
  index_t i = 0;
  const B a(alpha);
  for (; i + W <= n; i += W)
    ctorch::detail::packet_fma(a, B::load_unaligned(x + i), B::load_unaligned(y + i)).store_unaligned(y + i);
  for (; i < n; ++i) y[i] += alpha * x[i];
}

// y += a0 x[0 .. n) + a1 x[ld ..] + a2 x[2 ld ..] + a3 x[3 ld ..]: four rows per pass over y (one load
// and store of y for four rows instead of one per row).
template <class T>
void axpy4(index_t n, T a0, T a1, T a2, T a3, const T* x, index_t ld, T* y) {
  using B = xsimd::batch<T>;
  constexpr index_t W = index_t(B::size);
  const T *x1 = x + ld, *x2 = x1 + ld, *x3 = x2 + ld;
  const B b0(a0), b1(a1), b2(a2), b3(a3);
  index_t i = 0;
  for (; i + W <= n; i += W) {
    B acc = ctorch::detail::packet_fma(b0, B::load_unaligned(x + i), B::load_unaligned(y + i));
    acc = ctorch::detail::packet_fma(b1, B::load_unaligned(x1 + i), acc);
    acc = ctorch::detail::packet_fma(b2, B::load_unaligned(x2 + i), acc);
    ctorch::detail::packet_fma(b3, B::load_unaligned(x3 + i), acc).store_unaligned(y + i);
  }
  for (; i < n; ++i) y[i] += a0 * x[i] + a1 * x1[i] + a2 * x2[i] + a3 * x3[i];
}

// sum_i x[i * inc]^2 without overflow or underflow (LAPACK's nrm2 scaling), returned as the 2-norm.
template <class T>
T nrm2(const T* x, index_t n, index_t inc) {
  T scale(0), ssq(1);
  for (index_t i = 0; i < n; ++i) {
    const T v = std::abs(x[i * inc]);
    if (v != T(0)) {
      if (scale < v) {
        ssq = T(1) + ssq * (scale / v) * (scale / v);
        scale = v;
      } else {
        ssq += (v / scale) * (v / scale);
      }
    }
  }
  return scale * std::sqrt(ssq);
}

// ---------------------------------------------------------------------------------------------------
// Triangular solve: op(A) X = B in place of B (B is n x k), A n x n, `lower` says which triangle of A
// (as addressed through its strides) holds the factor, `unit` takes its diagonal as ones. A transposed
// A is a.t() with the other triangle; a right-hand solve X A = B is A^T X^T = B^T (a.t(), b.t()).
// Blocked: diagonal blocks unblocked, the rest of B updated by GEMM.
template <class T>
void trsm_unblocked(index_t n, index_t k, MatRef<T> a, bool lower, bool unit, MatRef<T> b) {
  if (b.cs == 1) {  // rows of B contiguous: each step is an axpy of whole rows, four at a time when
                    // their factors are nonzero (a zero factor skips its row, as LAPACK's trsm does)
    for (index_t q = 0; q < n; ++q) {
      const index_t i = lower ? q : n - 1 - q;
      T* bi = &b(i, 0);
      const index_t j0 = lower ? 0 : i + 1, j1 = lower ? i : n;
      index_t j = j0;
      for (; j + 4 <= j1; j += 4) {
        const T f0 = a(i, j), f1 = a(i, j + 1), f2 = a(i, j + 2), f3 = a(i, j + 3);
        if (f0 != T(0) && f1 != T(0) && f2 != T(0) && f3 != T(0)) {
          axpy4(k, -f0, -f1, -f2, -f3, &b(j, 0), b.rs, bi);
        } else {
          for (index_t l = j; l < j + 4; ++l)
            if (a(i, l) != T(0)) axpy(k, -a(i, l), &b(l, 0), bi);
        }
      }
      for (; j < j1; ++j)
        if (a(i, j) != T(0)) axpy(k, -a(i, j), &b(j, 0), bi);
      if (!unit) {
        const T d = a(i, i);
        for (index_t c = 0; c < k; ++c) bi[c] /= d;
      }
    }
    return;
  }
  if (lower) {
    for (index_t i = 0; i < n; ++i) {
      T* bi = &b(i, 0);
      for (index_t j = 0; j < i; ++j) {
        const T f = a(i, j);
        if (f == T(0)) continue;
        const T* bj = &b(j, 0);
        for (index_t c = 0; c < k; ++c) bi[c * b.cs] -= f * bj[c * b.cs];
      }
      if (!unit) {
        const T d = a(i, i);
        for (index_t c = 0; c < k; ++c) bi[c * b.cs] /= d;
      }
    }
  } else {
    for (index_t i = n; i-- > 0;) {
      T* bi = &b(i, 0);
      for (index_t j = i + 1; j < n; ++j) {
        const T f = a(i, j);
        if (f == T(0)) continue;
        const T* bj = &b(j, 0);
        for (index_t c = 0; c < k; ++c) bi[c * b.cs] -= f * bj[c * b.cs];
      }
      if (!unit) {
        const T d = a(i, i);
        for (index_t c = 0; c < k; ++c) bi[c * b.cs] /= d;
      }
    }
  }
}

template <class T>
void trsm(index_t n, index_t k, MatRef<T> a, bool lower, bool unit, MatRef<T> b) {
  if (n <= 0 || k <= 0) return;
  if (n < kBlockMin) {
    trsm_unblocked(n, k, a, lower, unit, b);
    return;
  }
  const index_t nb = kBlock;
  if (lower) {
    for (index_t i0 = 0; i0 < n; i0 += nb) {
      const index_t ib = std::min(nb, n - i0);
      trsm_unblocked(ib, k, a.block(i0, i0), true, unit, b.block(i0, 0));
      const index_t rest = n - i0 - ib;
      if (rest > 0) gemm<T>(rest, k, ib, T(-1), a.block(i0 + ib, i0), b.block(i0, 0), T(1), b.block(i0 + ib, 0));
    }
  } else {
    const index_t nblk = (n + nb - 1) / nb;
    for (index_t bi = nblk; bi-- > 0;) {
      const index_t i0 = bi * nb, ib = std::min(nb, n - i0);
      trsm_unblocked(ib, k, a.block(i0, i0), false, unit, b.block(i0, 0));
      if (i0 > 0) gemm<T>(i0, k, ib, T(-1), a.block(0, i0), b.block(i0, 0), T(1), b.block(0, 0));
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// LU with partial pivoting of an m x n matrix in place (L unit lower below the diagonal, U on and above
// it). piv[i] (0-based, i < min(m, n)) is the row swapped with row i at step i. Returns info: the
// 1-based index of the first exactly zero pivot (the factorization is completed anyway, as LAPACK's
// getrf does), 0 when none.

// Unblocked (rank-1 updates) on the panel rows [0, m) x cols [0, n) of `a`; its row swaps touch only
// the panel's columns (getrf applies them to the rest).
template <class T>
index_t getf2(index_t m, index_t n, MatRef<T> a, index_t* piv) {
  index_t info = 0;
  const index_t kmax = std::min(m, n);
  for (index_t j = 0; j < kmax; ++j) {
    index_t p = j;
    T best = std::abs(a(j, j));
    for (index_t i = j + 1; i < m; ++i) {
      const T v = std::abs(a(i, j));
      if (v > best) best = v, p = i;
    }
    piv[j] = p;
    if (a(p, j) != T(0)) {
      if (p != j)
        for (index_t c = 0; c < n; ++c) std::swap(a(j, c), a(p, c));
      const T r = T(1) / a(j, j);
      for (index_t i = j + 1; i < m; ++i) a(i, j) *= r;
    } else if (info == 0) {
      info = j + 1;
    }
    // Rank-1 update of the rest of the panel, along whichever of rows or columns is contiguous.
    if (a.rs == 1) {
      const T* lj = &a(j + 1, j);
      for (index_t c = j + 1; c < n; ++c)
        if (a(j, c) != T(0)) axpy(m - j - 1, -a(j, c), lj, &a(j + 1, c));
    } else {
      const T* uj = &a(j, j + 1);
      for (index_t i = j + 1; i < m; ++i) {
        const T l = a(i, j);
        if (l == T(0)) continue;
        T* ri = &a(i, j + 1);
        if (a.cs == 1)
          axpy(n - j - 1, -l, uj, ri);
        else
          for (index_t c = 0; c < n - j - 1; ++c) ri[c * a.cs] -= l * uj[c * a.cs];
      }
    }
  }
  return info;
}

template <class T>
index_t getrf(index_t m, index_t n, MatRef<T> a, index_t* piv) {
  const index_t kmax = std::min(m, n);
  if (kmax < kLuBlockMin) return getf2(m, n, a, piv);
  index_t info = 0;
  const index_t nb = kBlock;
  // The panel is factored in a copy whose columns are contiguous: its pivot searches, scalings and
  // rank-1 updates then run along long contiguous columns instead of short strided rows.
  std::vector<T> pbuf(static_cast<std::size_t>(m * nb));
  for (index_t j0 = 0; j0 < kmax; j0 += nb) {
    const index_t jb = std::min(nb, kmax - j0), mp = m - j0;
    // Factor the panel rows [j0, m) x cols [j0, j0 + jb).
    const MatRef<T> pan{pbuf.data(), 1, mp}, blk = a.block(j0, j0);
    for (index_t i = 0; i < mp; ++i)
      for (index_t c = 0; c < jb; ++c) pan(i, c) = blk(i, c);
    const index_t pinfo = getf2(mp, jb, pan, piv + j0);
    for (index_t i = 0; i < mp; ++i)
      for (index_t c = 0; c < jb; ++c) blk(i, c) = pan(i, c);
    if (pinfo != 0 && info == 0) info = pinfo + j0;
    for (index_t i = j0; i < j0 + jb; ++i) piv[i] += j0;
    // Apply the panel's swaps to the columns left and right of it.
    for (index_t i = j0; i < j0 + jb; ++i) {
      const index_t p = piv[i];
      if (p == i) continue;
      for (index_t c = 0; c < j0; ++c) std::swap(a(i, c), a(p, c));
      for (index_t c = j0 + jb; c < n; ++c) std::swap(a(i, c), a(p, c));
    }
    const index_t nr = n - j0 - jb;
    if (nr > 0) {
      // U12 = L11^{-1} A12, then the trailing update A22 -= L21 U12 (GEMM).
      trsm_unblocked(jb, nr, a.block(j0, j0), true, true, a.block(j0, j0 + jb));
      const index_t mr = m - j0 - jb;
      if (mr > 0)
        gemm<T>(mr, nr, jb, T(-1), a.block(j0 + jb, j0), a.block(j0, j0 + jb), T(1), a.block(j0 + jb, j0 + jb));
    }
  }
  return info;
}

// Applies the row swaps piv[0..k) (forward) to the rows of b (n columns).
template <class T>
void laswp(index_t ncols, MatRef<T> b, const index_t* piv, index_t k) {
  for (index_t i = 0; i < k; ++i) {
    const index_t p = piv[i];
    if (p != i)
      for (index_t c = 0; c < ncols; ++c) std::swap(b(i, c), b(p, c));
  }
}

// Solves A X = B (or A^T X = B when `trans`) from A's LU factors (n x n) and pivots; B is n x k.
template <class T>
void getrs(index_t n, index_t k, MatRef<T> lu, const index_t* piv, MatRef<T> b, bool trans = false) {
  if (!trans) {
    laswp(k, b, piv, n);
    trsm(n, k, lu, true, true, b);
    trsm(n, k, lu, false, false, b);
  } else {  // A^T = U^T L^T P^T: solve U^T y = b, L^T z = y, x = P z.
    trsm(n, k, lu.t(), true, false, b);
    trsm(n, k, lu.t(), false, true, b);
    for (index_t i = n; i-- > 0;) {
      const index_t p = piv[i];
      if (p != i)
        for (index_t c = 0; c < k; ++c) std::swap(b(i, c), b(p, c));
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Cholesky A = L L^T in place of the lower triangle of the n x n `a` (the strictly upper triangle is
// not read; the blocked path's updates overwrite the part of it inside the diagonal blocks). Returns info: the order of
// the first leading minor that is not positive-definite (its pivot <= 0 or NaN), 0 when none.
template <class T>
index_t potf2(index_t n, MatRef<T> a) {
  const bool rows_contig = a.cs == 1;
  for (index_t j = 0; j < n; ++j) {
    T d = a(j, j);
    if (rows_contig)
      d -= dot(&a(j, 0), &a(j, 0), j);
    else
      for (index_t k = 0; k < j; ++k) d -= a(j, k) * a(j, k);
    if (!(d > T(0))) return j + 1;
    d = std::sqrt(d);
    a(j, j) = d;
    const T r = T(1) / d;
    for (index_t i = j + 1; i < n; ++i) {
      T s = a(i, j);
      if (rows_contig)
        s -= dot(&a(i, 0), &a(j, 0), j);
      else
        for (index_t k = 0; k < j; ++k) s -= a(i, k) * a(j, k);
      a(i, j) = s * r;
    }
  }
  return 0;
}

template <class T>
index_t potrf(index_t n, MatRef<T> a) {
  if (n < kCholBlockMin) return potf2(n, a);
  const index_t nb = kBlock;
  std::vector<T> lt(static_cast<std::size_t>(nb * n));
  for (index_t j0 = 0; j0 < n; j0 += nb) {
    const index_t jb = std::min(nb, n - j0);
    const index_t info = potf2(jb, a.block(j0, j0));
    if (info != 0) return info + j0;
    const index_t mr = n - j0 - jb;
    if (mr == 0) break;
    // L21^T = L11^{-1} A21^T, solved in a copy whose rows are contiguous (each step an axpy of length
    // mr); the copy is also the trailing update's right operand.
    const MatRef<T> l21t{lt.data(), mr, 1}, a21 = a.block(j0 + jb, j0);
    for (index_t r = 0; r < mr; ++r)
      for (index_t c = 0; c < jb; ++c) l21t(c, r) = a21(r, c);
    trsm_unblocked(jb, mr, a.block(j0, j0), true, false, l21t);
    for (index_t r = 0; r < mr; ++r)
      for (index_t c = 0; c < jb; ++c) a21(r, c) = l21t(c, r);
    // Trailing update of the lower triangle, a block column at a time: A22 -= L21 L21^T (GEMM).
    for (index_t c0 = 0; c0 < mr; c0 += nb) {
      const index_t cb = std::min(nb, mr - c0);
      gemm<T>(mr - c0, cb, jb, T(-1), a21.block(c0, 0), l21t.block(0, c0), T(1), a.block(j0 + jb + c0, j0 + jb + c0));
    }
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------
// Householder QR (LAPACK's geqrf conventions, so R's signs match PyTorch): for j < min(m, n),
// H_j = I - tau_j v_j v_j^T with v_j(j) = 1, v_j below the diagonal of column j; A = H_0 ... H_{k-1} R.

// larfg's step once the norm of x (len - 1 values) is known.
template <class T>
T larfg_from_norm(index_t len, T* alpha, T* x, index_t inc, T xnorm) {
  if (xnorm == T(0)) return T(0);
  const T beta = -std::copysign(std::hypot(*alpha, xnorm), *alpha);
  const T tau = (beta - *alpha) / beta;
  const T scal = T(1) / (*alpha - beta);
  for (index_t i = 0; i < len - 1; ++i) x[i * inc] *= scal;
  *alpha = beta;
  return tau;
}
// Generates the reflector of column j (larfg): returns tau, leaves beta on the diagonal and v below.
template <class T>
T larfg(index_t len, T* alpha, T* x, index_t inc) {
  return len <= 1 ? T(0) : larfg_from_norm(len, alpha, x, inc, nrm2(x, len - 1, inc));
}

// Applies H = I - tau v v^T (v(0) = 1, v(i) = vrest[(i - 1) * vinc]) from the left to the rows [0, len)
// of c (ncols columns); work holds ncols values.
template <class T>
void larf_left(index_t len, index_t ncols, const T* vrest, index_t vinc, T tau, MatRef<T> c, T* work) {
  if (tau == T(0) || ncols <= 0) return;
  for (index_t q = 0; q < ncols; ++q) work[q] = c(0, q);
  for (index_t i = 1; i < len; ++i) {
    const T vi = vrest[(i - 1) * vinc];
    if (vi == T(0)) continue;
    const T* ci = &c(i, 0);
    for (index_t q = 0; q < ncols; ++q) work[q] += vi * ci[q * c.cs];
  }
  for (index_t q = 0; q < ncols; ++q) c(0, q) -= tau * work[q];
  for (index_t i = 1; i < len; ++i) {
    const T f = tau * vrest[(i - 1) * vinc];
    if (f == T(0)) continue;
    T* ci = &c(i, 0);
    for (index_t q = 0; q < ncols; ++q) ci[q * c.cs] -= f * work[q];
  }
}

// QR of the m x n `a` in place; tau has min(m, n) values.
template <class T>
void geqrf(index_t m, index_t n, MatRef<T> a, T* tau) {
  const index_t k = std::min(m, n);
  std::vector<T> work(static_cast<std::size_t>(std::max<index_t>(n, 1)));
  for (index_t j = 0; j < k; ++j) {
    tau[j] = larfg(m - j, &a(j, j), j + 1 < m ? &a(j + 1, j) : &a(j, j), a.rs);
    if (j + 1 < n)
      larf_left(m - j, n - j - 1, &a(std::min(j + 1, m - 1), j), a.rs, tau[j], a.block(j, j + 1), work.data());
  }
}

// Q = H_0 ... H_{k-1} applied to the first ncols columns of the m x m identity, written into q (m x
// ncols, k <= ncols <= m); the reflectors are read from `v` (m x k, below the diagonal) and tau.
template <class T>
void orgqr(index_t m, index_t ncols, index_t k, MatRef<T> v, const T* tau, MatRef<T> q) {
  for (index_t i = 0; i < m; ++i)
    for (index_t j = 0; j < ncols; ++j) q(i, j) = T(i == j);
  std::vector<T> work(static_cast<std::size_t>(std::max<index_t>(ncols, 1)));
  for (index_t j = k; j-- > 0;) {
    // H_j touches rows [j, m); columns < j of Q are still those of the identity there (zero).
    larf_left(m - j, ncols - j, j + 1 < m ? &v(j + 1, j) : nullptr, v.rs, tau[j], q.block(j, j), work.data());
  }
}

// C = Q^T C (trans) or Q C, Q = H_0 ... H_{k-1} from geqrf's `v` (m x k) and tau; C is m x ncols.
template <class T>
void ormqr_left(index_t m, index_t ncols, index_t k, MatRef<T> v, const T* tau, MatRef<T> c, bool trans) {
  std::vector<T> work(static_cast<std::size_t>(std::max<index_t>(ncols, 1)));
  auto apply = [&](index_t j) {
    larf_left(m - j, ncols, j + 1 < m ? &v(j + 1, j) : nullptr, v.rs, tau[j], c.block(j, 0), work.data());
  };
  if (trans)
    for (index_t j = 0; j < k; ++j) apply(j);
  else
    for (index_t j = k; j-- > 0;) apply(j);
}

// ---------------------------------------------------------------------------------------------------
// One-sided Jacobi SVD (Hestenes, with de Rijk's sweeps) of a tall p x q matrix X = U S V^T (p >= q),
// given as g = X^T: q rows of length p, contiguous (row stride ldg). Rotations act on pairs of rows of
// g and, alike, on the rows of vt (q x q, starts as the identity), so at the end row i of g is
// s_i u_i^T and row i of vt is v_i^T. Afterwards, s holds the singular values, descending, and the rows
// of g and vt are permuted to match and g's rows are normalised to u_i^T (a zero row is replaced by a
// unit vector orthogonal to the others, so U keeps orthonormal columns). vt may be null (values only).
template <class T>
void jacobi_svd(index_t p, index_t q, T* g, index_t ldg, T* vt, index_t ldv, T* s) {
  constexpr T eps = std::numeric_limits<T>::epsilon();
  const T tol = eps * std::sqrt(T(std::max<index_t>(p, 1)));
  std::vector<T> nrm(static_cast<std::size_t>(q));
  auto row = [&](index_t i) { return g + i * ldg; };
  if (vt)
    for (index_t i = 0; i < q; ++i)
      for (index_t j = 0; j < q; ++j) vt[i * ldv + j] = T(i == j);
  // Scale by a power of two (exact) so that the largest element is about 1: squared norms then neither
  // overflow nor underflow.
  T amax(0);
  for (index_t i = 0; i < q; ++i)
    for (index_t j = 0; j < p; ++j) amax = std::max(amax, std::abs(row(i)[j]));
  const T sc = amax > T(0) && std::isfinite(amax) ? std::ldexp(T(1), -std::ilogb(amax)) : T(1);
  for (index_t i = 0; i < q; ++i)
    for (index_t j = 0; j < p; ++j) row(i)[j] *= sc;
  for (int sweep = 0; sweep < 80; ++sweep) {
    for (index_t i = 0; i < q; ++i) nrm[std::size_t(i)] = dot(row(i), row(i), p);
    bool rotated = false;
    for (index_t i = 0; i + 1 < q; ++i) {
      for (index_t j = i + 1; j < q; ++j) {
        T a = nrm[std::size_t(i)], b = nrm[std::size_t(j)];
        if (a == T(0) || b == T(0)) continue;
        T* gi = row(i);
        T* gj = row(j);
        const T c = dot(gi, gj, p);
        if (!(std::abs(c) > tol * std::sqrt(a) * std::sqrt(b))) continue;
        rotated = true;
        const T zeta = (b - a) / (T(2) * c);
        const T t = std::copysign(T(1), zeta) / (std::abs(zeta) + std::hypot(T(1), zeta));
        const T cs = T(1) / std::sqrt(T(1) + t * t), sn = cs * t;
        for (index_t k = 0; k < p; ++k) {
          const T x = gi[k], y = gj[k];
          gi[k] = cs * x - sn * y;
          gj[k] = sn * x + cs * y;
        }
        if (vt) {
          T* vi = vt + i * ldv;
          T* vj = vt + j * ldv;
          for (index_t k = 0; k < q; ++k) {
            const T x = vi[k], y = vj[k];
            vi[k] = cs * x - sn * y;
            vj[k] = sn * x + cs * y;
          }
        }
        nrm[std::size_t(i)] = a - t * c;
        nrm[std::size_t(j)] = b + t * c;
      }
    }
    if (!rotated) break;
  }
  // Singular values, then sort descending (selection sort of rows: q swaps at most).
  for (index_t i = 0; i < q; ++i) s[i] = nrm2(row(i), p, 1);
  for (index_t i = 0; i < q; ++i) {
    index_t best = i;
    for (index_t j = i + 1; j < q; ++j)
      if (s[j] > s[best]) best = j;
    if (best != i) {
      std::swap(s[i], s[best]);
      std::swap_ranges(row(i), row(i) + p, row(best));
      if (vt) std::swap_ranges(vt + i * ldv, vt + i * ldv + q, vt + best * ldv);
    }
  }
  // Normalise; complete the columns of U whose singular value is at rounding level (relative to the largest)
  // by Gram-Schmidt: dividing such a column by its norm gives rounding noise, not a vector orthogonal to the
  // rest (and a column whose squared norm underflows is never rotated at all). Each completion starts from
  // the unit vector with the largest part outside the columns so far (r2[k] = 1 - sum_j u_j[k]^2; the r2
  // sum to the complement's dimension, so the best is >= 1/p), projected out twice. Values below the
  // underflow level become 0.
  const T tiny = std::max(std::numeric_limits<T>::min() / eps, (q > 0 ? s[0] : T(0)) * T(std::max(p, q)) * eps);
  std::vector<T> r2(static_cast<std::size_t>(p), T(1));
  index_t done = 0;  // rows 0 .. done-1 are orthonormal
  for (; done < q && s[done] > tiny; ++done) {
    T* gi = row(done);
    const T r = T(1) / s[done];
    for (index_t k = 0; k < p; ++k) {
      gi[k] *= r;
      r2[std::size_t(k)] -= gi[k] * gi[k];
    }
  }
  for (index_t i = done; i < q; ++i) {
    if (s[i] <= std::numeric_limits<T>::min() / eps) s[i] = T(0);
    T* gi = row(i);
    const index_t e = index_t(std::max_element(r2.begin(), r2.end()) - r2.begin());
    for (index_t k = 0; k < p; ++k) gi[k] = T(k == e);
    for (int pass = 0; pass < 2; ++pass)
      for (index_t j = 0; j < i; ++j) {
        const T* gj = row(j);
        const T f = dot(gi, gj, p);
        for (index_t k = 0; k < p; ++k) gi[k] -= f * gj[k];
      }
    const T nn = nrm2(gi, p, 1);
    for (index_t k = 0; k < p; ++k) {
      gi[k] /= nn;
      r2[std::size_t(k)] -= gi[k] * gi[k];
    }
  }
  for (index_t i = 0; i < q; ++i) s[i] /= sc;
}

// ---------------------------------------------------------------------------------------------------
// SVD by Householder bidiagonalization and implicit-shift QR on the bidiagonal (LAPACK's gesvd route:
// gebrd, orgbr, bdsqr), for all but tiny matrices: O(n^3) with a small constant where the Jacobi SVD
// needs several O(n^3) sweeps.

// y += alpha x, returning the new y's dot product with u: the left update of a row and the dot
// product its right update needs, in one pass over the row.
template <class T>
T axpy_dot(index_t n, T alpha, const T* x, T* y, const T* u) {
  using B = xsimd::batch<T>;
  constexpr index_t W = index_t(B::size);
  const B a(alpha);
  B s0(T(0)), s1(T(0));
  index_t i = 0;
  for (; i + 2 * W <= n; i += 2 * W) {
    const B y0 = ctorch::detail::packet_fma(a, B::load_unaligned(x + i), B::load_unaligned(y + i));
    const B y1 = ctorch::detail::packet_fma(a, B::load_unaligned(x + i + W), B::load_unaligned(y + i + W));
    y0.store_unaligned(y + i);
    y1.store_unaligned(y + i + W);
    s0 = ctorch::detail::packet_fma(y0, B::load_unaligned(u + i), s0);
    s1 = ctorch::detail::packet_fma(y1, B::load_unaligned(u + i + W), s1);
  }
  T s = xsimd::hadd(s0 + s1);
  for (; i < n; ++i) {
    y[i] += alpha * x[i];
    s += y[i] * u[i];
  }
  return s;
}

// The 2-norm of x[i * inc] (i < n): the plain sum of squares where it can neither overflow nor lose
// accuracy to underflow, else nrm2's scaled sum.
template <class T>
T norm2_fast(const T* x, index_t n, index_t inc) {
  T ss(0);
  if (inc == 1) {
    ss = dot(x, x, n);
  } else {
    for (index_t i = 0; i < n; ++i) ss += x[i * inc] * x[i * inc];
  }
  constexpr T lo = std::numeric_limits<T>::min() / std::numeric_limits<T>::epsilon();
  if (ss > lo && ss <= std::numeric_limits<T>::max() / T(4)) return std::sqrt(ss);
  return nrm2(x, n, inc);
}

// larfg with norm2_fast (the callers below work on matrices scaled to a largest element near 1).
template <class T>
T larfg_fast(index_t len, T* alpha, T* x, index_t inc) {
  return len <= 1 ? T(0) : larfg_from_norm(len, alpha, x, inc, norm2_fast(x, len - 1, inc));
}

// A plane rotation (LAPACK's lartg): c f + s g = r, -s f + c g = 0, c^2 + s^2 = 1.
template <class T>
void lartg(T f, T g, T& c, T& s, T& r) {
  if (g == T(0)) {
    c = T(1), s = T(0), r = f;
    return;
  }
  if (f == T(0)) {
    c = T(0), s = T(1), r = g;
    return;
  }
  const T af = std::abs(f), ag = std::abs(g);
  const T rtmin = std::sqrt(std::numeric_limits<T>::min()), rtmax = std::sqrt(std::numeric_limits<T>::max() / 4);
  const T rr = af > rtmin && af < rtmax && ag > rtmin && ag < rtmax ? std::sqrt(f * f + g * g) : std::hypot(f, g);
  c = f / rr, s = g / rr, r = rr;
  if (af > ag && c < T(0)) c = -c, s = -s, r = -r;
}

// The singular values of the 2 x 2 upper triangular [[f, g], [0, h]] (LAPACK's las2).
template <class T>
void las2(T f, T g, T h, T& ssmin, T& ssmax) {
  const T fa = std::abs(f), ga = std::abs(g), ha = std::abs(h);
  const T fhmn = std::min(fa, ha), fhmx = std::max(fa, ha);
  if (fhmn == T(0)) {
    ssmin = T(0);
    if (fhmx == T(0))
      ssmax = ga;
    else {
      const T mx = std::max(fhmx, ga), mn = std::min(fhmx, ga);
      ssmax = mx * std::sqrt(T(1) + (mn / mx) * (mn / mx));
    }
    return;
  }
  if (ga < fhmx) {
    const T as = T(1) + fhmn / fhmx, at = (fhmx - fhmn) / fhmx, au = (ga / fhmx) * (ga / fhmx);
    const T c = T(2) / (std::sqrt(as * as + au) + std::sqrt(at * at + au));
    ssmin = fhmn * c;
    ssmax = fhmx / c;
  } else {
    const T au = fhmx / ga;
    if (au == T(0)) {
      // fhmx/ga underflows: ssmin = fhmn fhmx / ga without that underflow.
      ssmin = (fhmn * fhmx) / ga;
      ssmax = ga;
    } else {
      const T as = T(1) + fhmn / fhmx, at = (fhmx - fhmn) / fhmx;
      const T c = T(1) / (std::sqrt(T(1) + (as * au) * (as * au)) + std::sqrt(T(1) + (at * au) * (at * au)));
      ssmin = (fhmn * c) * au;
      ssmin = ssmin + ssmin;
      ssmax = ga / (c + c);
    }
  }
}

// The SVD of the 2 x 2 upper triangular [[f, g], [0, h]] (LAPACK's lasv2):
// [csl snl; -snl csl] [f g; 0 h] [csr -snr; snr csr] = diag(ssmax, ssmin), |ssmax| >= |ssmin|.
template <class T>
void lasv2(T f, T g, T h, T& ssmin, T& ssmax, T& snr, T& csr, T& snl, T& csl) {
  constexpr T eps = std::numeric_limits<T>::epsilon() / 2;
  T ft = f, fa = std::abs(f), ht = h, ha = std::abs(h);
  int pmax = 1;  // which of f (1), g (2), h (3) has the largest magnitude
  const bool swap = ha > fa;
  if (swap) {
    pmax = 3;
    std::swap(ft, ht);
    std::swap(fa, ha);
  }
  const T gt = g, ga = std::abs(g);
  T clt, crt, slt, srt;
  if (ga == T(0)) {
    ssmin = ha, ssmax = fa;
    clt = T(1), crt = T(1), slt = T(0), srt = T(0);
  } else {
    bool gasmal = true;
    if (ga > fa) {
      pmax = 2;
      if (fa / ga < eps) {  // g dominates to working precision
        gasmal = false;
        ssmax = ga;
        ssmin = ha > T(1) ? fa / (ga / ha) : (fa / ga) * ha;
        clt = T(1);
        slt = ht / gt;
        srt = T(1);
        crt = ft / gt;
      }
    }
    if (gasmal) {
      const T dd = fa - ha;
      T l = dd == fa ? T(1) : dd / fa;
      const T m = gt / ft;
      T t = T(2) - l;
      const T mm = m * m, tt = t * t;
      const T s = std::sqrt(tt + mm);
      const T r = l == T(0) ? std::abs(m) : std::sqrt(l * l + mm);
      const T a = T(0.5) * (s + r);
      ssmin = ha / a;
      ssmax = fa * a;
      if (mm == T(0)) {
        if (l == T(0))
          t = std::copysign(T(2), ft) * std::copysign(T(1), gt);
        else
          t = gt / std::copysign(dd, ft) + m / t;
      } else {
        t = (m / (s + t) + m / (r + l)) * (T(1) + a);
      }
      l = std::sqrt(t * t + T(4));
      crt = T(2) / l;
      srt = t / l;
      clt = (crt + srt * m) / a;
      slt = (ht / ft) * srt / a;
    }
  }
  if (swap) {
    csl = srt, snl = crt, csr = slt, snr = clt;
  } else {
    csl = clt, snl = slt, csr = crt, snr = srt;
  }
  T tsign;
  if (pmax == 1)
    tsign = std::copysign(T(1), csr) * std::copysign(T(1), csl) * std::copysign(T(1), f);
  else if (pmax == 2)
    tsign = std::copysign(T(1), snr) * std::copysign(T(1), csl) * std::copysign(T(1), g);
  else
    tsign = std::copysign(T(1), snr) * std::copysign(T(1), snl) * std::copysign(T(1), h);
  ssmax = std::copysign(ssmax, tsign);
  ssmin = std::copysign(ssmin, tsign * std::copysign(T(1), f) * std::copysign(T(1), h));
}

// Rotation chains on the rows of a matrix: chain k of a sweep rotates the rows (k, k + 1): x = row k,
// y = row k + 1 become c x + s y and c y - s x, in order k = 0, 1, ... (forward) or k = nrot - 1, ..., 0.
// rot_chain applies one chain to NV vectors' width of columns starting at col (NV = 0: one column),
// the row passed from one rotation to the next kept in registers (one load and one store per element
// and rotation; four or eight independent FMA chains hide their latency). Written out for NV = 4 so
// that the carried rows stay in registers at any optimization level; NV = 8 loops over an array (in
// registers once optimized).
template <class T, int NV>
void rot_chain(bool forward, index_t nrot, const T* c, const T* s, T* col, index_t lda) {
  if constexpr (NV == 0) {
    if (forward) {
      T x = col[0];
      for (index_t k = 0; k < nrot; ++k) {
        const T y = col[(k + 1) * lda];
        col[k * lda] = c[k] * x + s[k] * y;
        x = c[k] * y - s[k] * x;
      }
      col[nrot * lda] = x;
    } else {
      T y = col[nrot * lda];
      for (index_t k = nrot; k-- > 0;) {
        const T x = col[k * lda];
        col[(k + 1) * lda] = c[k] * y - s[k] * x;
        y = c[k] * x + s[k] * y;
      }
      col[0] = y;
    }
  } else if constexpr (NV == 8) {  // the same, as loops over an array of carried vectors
    using B = xsimd::batch<T>;
    constexpr index_t W = index_t(B::size);
    B xs[NV];
    if (forward) {
      for (int v = 0; v < NV; ++v) xs[v] = B::load_unaligned(col + v * W);
      for (index_t k = 0; k < nrot; ++k) {
        T* yr = col + (k + 1) * lda;
        T* xr = yr - lda;
        const B cc(c[k]), ss(s[k]);
        for (int v = 0; v < NV; ++v) {
          const B y = B::load_unaligned(yr + v * W);
          ctorch::detail::packet_fma(cc, xs[v], ss * y).store_unaligned(xr + v * W);
          xs[v] = xsimd::fnma(ss, xs[v], cc * y);
        }
      }
      T* last = col + nrot * lda;
      for (int v = 0; v < NV; ++v) xs[v].store_unaligned(last + v * W);
    } else {
      T* last = col + nrot * lda;
      for (int v = 0; v < NV; ++v) xs[v] = B::load_unaligned(last + v * W);
      for (index_t k = nrot; k-- > 0;) {
        T* xr = col + k * lda;
        T* yr = xr + lda;
        const B cc(c[k]), ss(s[k]);
        for (int v = 0; v < NV; ++v) {
          const B x = B::load_unaligned(xr + v * W);
          xsimd::fnma(ss, x, cc * xs[v]).store_unaligned(yr + v * W);
          xs[v] = ctorch::detail::packet_fma(cc, x, ss * xs[v]);
        }
      }
      for (int v = 0; v < NV; ++v) xs[v].store_unaligned(col + v * W);
    }
  } else {
    static_assert(NV == 4);
    using B = xsimd::batch<T>;
    constexpr index_t W = index_t(B::size);
    if (forward) {
      B x0 = B::load_unaligned(col), x1 = B::load_unaligned(col + W), x2 = B::load_unaligned(col + 2 * W),
        x3 = B::load_unaligned(col + 3 * W);
      for (index_t k = 0; k < nrot; ++k) {
        T* yr = col + (k + 1) * lda;
        T* xr = yr - lda;
        const B cc(c[k]), ss(s[k]);
        const B y0 = B::load_unaligned(yr), y1 = B::load_unaligned(yr + W), y2 = B::load_unaligned(yr + 2 * W),
                y3 = B::load_unaligned(yr + 3 * W);
        ctorch::detail::packet_fma(cc, x0, ss * y0).store_unaligned(xr);
        ctorch::detail::packet_fma(cc, x1, ss * y1).store_unaligned(xr + W);
        ctorch::detail::packet_fma(cc, x2, ss * y2).store_unaligned(xr + 2 * W);
        ctorch::detail::packet_fma(cc, x3, ss * y3).store_unaligned(xr + 3 * W);
        x0 = xsimd::fnma(ss, x0, cc * y0);
        x1 = xsimd::fnma(ss, x1, cc * y1);
        x2 = xsimd::fnma(ss, x2, cc * y2);
        x3 = xsimd::fnma(ss, x3, cc * y3);
      }
      T* last = col + nrot * lda;
      x0.store_unaligned(last), x1.store_unaligned(last + W), x2.store_unaligned(last + 2 * W),
          x3.store_unaligned(last + 3 * W);
    } else {
      T* last = col + nrot * lda;  // the lower row is the one carried upwards
      B y0 = B::load_unaligned(last), y1 = B::load_unaligned(last + W), y2 = B::load_unaligned(last + 2 * W),
        y3 = B::load_unaligned(last + 3 * W);
      for (index_t k = nrot; k-- > 0;) {
        T* xr = col + k * lda;
        T* yr = xr + lda;
        const B cc(c[k]), ss(s[k]);
        const B x0 = B::load_unaligned(xr), x1 = B::load_unaligned(xr + W), x2 = B::load_unaligned(xr + 2 * W),
                x3 = B::load_unaligned(xr + 3 * W);
        xsimd::fnma(ss, x0, cc * y0).store_unaligned(yr);
        xsimd::fnma(ss, x1, cc * y1).store_unaligned(yr + W);
        xsimd::fnma(ss, x2, cc * y2).store_unaligned(yr + 2 * W);
        xsimd::fnma(ss, x3, cc * y3).store_unaligned(yr + 3 * W);
        y0 = ctorch::detail::packet_fma(cc, x0, ss * y0);
        y1 = ctorch::detail::packet_fma(cc, x1, ss * y1);
        y2 = ctorch::detail::packet_fma(cc, x2, ss * y2);
        y3 = ctorch::detail::packet_fma(cc, x3, ss * y3);
      }
      y0.store_unaligned(col), y1.store_unaligned(col + W), y2.store_unaligned(col + 2 * W),
          y3.store_unaligned(col + 3 * W);
    }
  }
}

// The rotations of bdsqr's sweeps, recorded to be applied to the singular vectors later, many sweeps
// per pass over the vectors: the sweeps' rotations depend on the bidiagonal alone, and applying a
// batch of them to a strip of columns that stays in cache, instead of each sweep to the whole of U and
// V^T, keeps the O(n^3) rotation work from waiting on memory.
template <class T>
struct RotLog {
  struct Sweep {
    index_t row0, nrot;
    bool forward;
    std::size_t off;
  };
  std::vector<Sweep> sweeps;
  std::vector<T> vc, vs, uc, us;  // the coefficients for V^T's rows and for U^T's rows
  std::size_t size() const { return vc.size(); }
  void clear() {
    sweeps.clear();
    vc.clear(), vs.clear(), uc.clear(), us.clear();
  }
};

// Applies the logged sweeps, in order, to the rows of a (row length len, stride lda), with the
// coefficients c, s (RotLog's vc/vs or uc/us): a strip of columns at a time.
template <class T>
void apply_rot_log(const std::vector<typename RotLog<T>::Sweep>& sweeps, const T* c, const T* s, index_t len, T* a,
                   index_t lda) {
  // Strips of 8 vectors (eight independent chains: 5% less SVD time than 4 at n = 256), then of 4.
  constexpr index_t W = index_t(xsimd::batch<T>::size);
  index_t j = 0;
  for (; j + 8 * W <= len; j += 8 * W)
    for (const auto& sw : sweeps)
      rot_chain<T, 8>(sw.forward, sw.nrot, c + sw.off, s + sw.off, a + sw.row0 * lda + j, lda);
  for (; j + 4 * W <= len; j += 4 * W)
    for (const auto& sw : sweeps)
      rot_chain<T, 4>(sw.forward, sw.nrot, c + sw.off, s + sw.off, a + sw.row0 * lda + j, lda);
  for (; j < len; ++j)
    for (const auto& sw : sweeps)
      rot_chain<T, 0>(sw.forward, sw.nrot, c + sw.off, s + sw.off, a + sw.row0 * lda + j, lda);
}

// Householder bidiagonalization (LAPACK's gebd2) of the row-major m x n `a` (m >= n, row stride lda):
// A = Q B P^T, B upper bidiagonal with diagonal d (n) and superdiagonal e (n - 1). Q = H_0 ... H_{n-1},
// H_i = I - tauq_i v v^T with v = (1, a(i+1.., i)); P = G_0 ... G_{n-2}, G_i = I - taup_i u u^T with
// u = (1, a(i, i+2..)) from column i + 1 on. Each step passes twice over the trailing matrix: once for
// w = A^T v, once for the left update of a row followed at once by the right update of that row.
template <class T>
void gebd2(index_t m, index_t n, T* a, index_t lda, T* d, T* e, T* tauq, T* taup) {
  std::vector<T> w(static_cast<std::size_t>(std::max<index_t>(n, 1))), u(w.size());
  for (index_t i = 0; i < n; ++i) {
    T* aii = a + i * lda + i;
    tauq[i] = larfg_fast(m - i, aii, i + 1 < m ? aii + lda : aii, lda);
    d[i] = *aii;
    const index_t nc = n - i - 1;
    if (nc == 0) break;
    T* ri = aii + 1;  // row i, columns i + 1 ..
    const T tq = tauq[i];
    if (tq != T(0)) {
      std::copy(ri, ri + nc, w.data());
      index_t r = i + 1;
      for (; r + 4 <= m; r += 4) {
        const T* ar = a + r * lda + i;
        axpy4(nc, ar[0], ar[lda], ar[2 * lda], ar[3 * lda], ar + 1, lda, w.data());
      }
      for (; r < m; ++r) {
        const T vr = a[r * lda + i];
        if (vr != T(0)) axpy(nc, vr, a + r * lda + i + 1, w.data());
      }
      axpy(nc, -tq, w.data(), ri);
    }
    taup[i] = larfg_fast(nc, ri, nc > 1 ? ri + 1 : ri, index_t(1));
    e[i] = *ri;
    u[0] = T(1);
    std::copy(ri + 1, ri + nc, u.data() + 1);
    const T tp = taup[i];
    for (index_t r = i + 1; r < m; ++r) {
      T* ar = a + r * lda + i + 1;
      const T f = tq * a[r * lda + i];
      if (tp == T(0)) {
        if (f != T(0)) axpy(nc, -f, w.data(), ar);
      } else {
        axpy(nc, -tp * axpy_dot(nc, -f, w.data(), ar, u.data()), u.data(), ar);
      }
    }
  }
  if (n > 0) taup[n - 1] = T(0);
}

// Applies H = I - tau v v^T (v contiguous, v[0] = 1) from the right to the rows [0, nr) of c (row
// stride ldc, columns [0, len)).
template <class T>
void larf_right_rows(index_t nr, index_t len, const T* v, T tau, T* c, index_t ldc) {
  if (tau == T(0)) return;
  for (index_t r = 0; r < nr; ++r) {
    T* cr = c + r * ldc;
    axpy(len, -tau * dot(cr, v, len), v, cr);
  }
}

// Multiplies the rows of c (nrows x nn, row stride ldc; row r starts as e_r^T) from the right by
// H_{k-1} ... H_0, H_j = I - tau_j v_j v_j^T with v_j(s + j) = 1, v_j(i) = vat(j, i) for i > s + j, 0
// before: orgbr's explicit Q^T (s = 0) or P^T (s = 1). Rows < s + j are zero from column s + j on when
// H_j comes, so each product touches only the trailing block. From kOrgBlockMin reflectors, blocks of
// kBlock reflectors go at once as the compact WY form H_j0 ... H_j1 = I - V T V^T (LAPACK's larft),
// C <- C - (C V) T^T V^T in two GEMMs; below, one reflector at a time (n = 128: 7% less time for the
// whole SVD; n = 64 a tie, n = 32 slower).
inline constexpr index_t kOrgBlockMin = 64;

template <class T, class VAt>
void form_q_rows(index_t k, index_t nrows, index_t nn, index_t s, VAt vat, const T* tau, T* c, index_t ldc) {
  if (k <= 0) return;
  if (k < kOrgBlockMin) {
    std::vector<T> v(static_cast<std::size_t>(nn));
    for (index_t j = k; j-- > 0;) {
      if (tau[j] == T(0)) continue;
      const index_t j0 = s + j;
      v[0] = T(1);
      for (index_t i = j0 + 1; i < nn; ++i) v[std::size_t(i - j0)] = vat(j, i);
      larf_right_rows(nrows - j0, nn - j0, v.data(), tau[j], c + j0 * ldc + j0, ldc);
    }
    return;
  }
  const index_t nb = kBlock;
  std::vector<T> vb(static_cast<std::size_t>(nn * nb)), tt(static_cast<std::size_t>(nb * nb)), gg(tt.size()),
      w(static_cast<std::size_t>(nrows * nb)), w2(w.size());
  for (index_t b0 = (k - 1) / nb * nb; b0 >= 0; b0 -= nb) {
    const index_t jb = std::min(nb, k - b0), o = s + b0, len = nn - o, nr = nrows - o;
    // V (len x jb, row-major): column q is v_{b0 + q} from index o on, unit lower trapezoidal.
    const MatRef<T> v{vb.data(), jb, 1}, t{tt.data(), jb, 1}, g{gg.data(), jb, 1};
    for (index_t i = 0; i < len; ++i)
      for (index_t q = 0; q < jb; ++q) v(i, q) = i < q ? T(0) : i == q ? T(1) : vat(b0 + q, o + i);
    // T upper triangular, column by column: T(0:q, q) = -tau_q T(0:q, 0:q) (V^T V)(0:q, q), T(q, q) =
    // tau_q; V^T V by GEMM (the zeros above V's diagonal make its full columns the needed sums).
    gemm<T>(jb, jb, len, T(1), v.t(), v, T(0), g);
    for (index_t q = 0; q < jb; ++q) {
      const T tq = tau[b0 + q];
      for (index_t r = 0; r < jb; ++r) t(r, q) = T(0);
      if (tq == T(0)) continue;
      for (index_t r = 0; r < q; ++r) {  // T(0:q, 0:q) times -tau_q g(0:q, q), T upper: top down
        T sum(0);
        for (index_t l = r; l < q; ++l) sum += t(r, l) * g(l, q);
        t(r, q) = -tq * sum;
      }
      t(q, q) = tq;
    }
    const MatRef<T> cc{c + o * ldc + o, ldc, 1}, ww{w.data(), jb, 1}, ww2{w2.data(), jb, 1};
    gemm<T>(nr, jb, len, T(1), cc, v, T(0), ww);        // W = C V
    gemm<T>(nr, jb, jb, T(1), ww, t.t(), T(0), ww2);    // W T^T
    gemm<T>(nr, len, jb, T(-1), ww2, v.t(), T(1), cc);  // C -= W T^T V^T
  }
}

// bdsqr applies its logged rotations once they number this many.
inline constexpr std::size_t kRotLogFlush = 1 << 14;

// The implicit zero-shift / shifted QR iteration on the upper bidiagonal (d, e) of order n (LAPACK's
// bdsqr, Demmel and Kahan: small singular values to high relative accuracy). The left rotations are
// applied to the rows of ut (nru columns: ut holds U^T), the right ones to the rows of vt (ncvt
// columns), so that on return B = ut^T diag(d) vt with the inputs' ut and vt folded in; d >= 0,
// descending. Returns 0, or 1 when it did not converge (6 n^2 inner steps).
template <class T>
index_t bdsqr(index_t n, T* d, T* e, T* vt, index_t ldvt, index_t ncvt, T* ut, index_t ldu, index_t nru) {
  if (n <= 0) return 0;
  constexpr T eps = std::numeric_limits<T>::epsilon() / 2;
  constexpr T unfl = std::numeric_limits<T>::min();
  constexpr int maxitr = 6;
  const T tol = std::max(T(10), std::min(T(100), std::pow(eps, T(-0.125)))) * eps;
  if (n > 1) {
    // The threshold below which an off-diagonal is set to zero: relative to an estimate of the
    // smallest singular value.
    T sminoa = std::abs(d[0]);
    if (sminoa != T(0)) {
      T mu = sminoa;
      for (index_t i = 1; i < n; ++i) {
        mu = std::abs(d[i]) * (mu / (mu + std::abs(e[i - 1])));
        sminoa = std::min(sminoa, mu);
        if (sminoa == T(0)) break;
      }
    }
    sminoa /= std::sqrt(T(n));
    const T thresh = std::max(tol * sminoa, T(maxitr) * T(n) * T(n) * unfl);
    const double maxit = double(maxitr) * double(n) * double(n);
    double iter = 0;
    index_t oldll = -2, oldm = -2, m = n - 1;
    int idir = 0;
    std::vector<T> rot(static_cast<std::size_t>(4 * n));
    T *vc = rot.data(), *vs = vc + n, *uc = vs + n, *us = uc + n;
    RotLog<T> log;
    const bool vecs = ncvt > 0 || nru > 0;
    auto flush = [&](RotLog<T>& l) {
      if (ncvt > 0) apply_rot_log(l.sweeps, l.vc.data(), l.vs.data(), ncvt, vt, ldvt);
      if (nru > 0) apply_rot_log(l.sweeps, l.uc.data(), l.us.data(), nru, ut, ldu);
      l.clear();
    };
    // Logs a sweep of nrot rotations on the rows row0 .. row0 + nrot; applies the log when it is large.
    auto record = [&](index_t row0, index_t nrot, bool forward) {
      if (!vecs) return;
      log.sweeps.push_back({row0, nrot, forward, log.size()});
      log.vc.insert(log.vc.end(), vc, vc + nrot);
      log.vs.insert(log.vs.end(), vs, vs + nrot);
      log.uc.insert(log.uc.end(), uc, uc + nrot);
      log.us.insert(log.us.end(), us, us + nrot);
      if (log.size() >= kRotLogFlush) flush(log);
    };
    while (m > 0) {
      if (iter > maxit) {
        flush(log);
        return 1;
      }
      // The unreduced block d[ll..m], e[ll..m-1] at the bottom.
      T smax = std::abs(d[m]);
      index_t ll = -1;
      for (index_t l = m - 1; l >= 0; --l) {
        const T abse = std::abs(e[l]);
        if (abse <= thresh) {
          e[l] = T(0);
          ll = l;
          break;
        }
        smax = std::max({smax, std::abs(d[l]), abse});
      }
      if (ll == m - 1) {
        --m;
        continue;
      }
      ++ll;
      if (ll == m - 1) {  // a 2 x 2 block: directly
        T sigmn, sigmx, sinr, cosr, sinl, cosl;
        lasv2(d[m - 1], e[m - 1], d[m], sigmn, sigmx, sinr, cosr, sinl, cosl);
        d[m - 1] = sigmx, e[m - 1] = T(0), d[m] = sigmn;
        vc[0] = cosr, vs[0] = sinr, uc[0] = cosl, us[0] = sinl;
        record(m - 1, 1, true);
        m -= 2;
        continue;
      }
      // A new block: chase the bulge in the direction in which the diagonal decreases.
      if (ll > oldm || m < oldll) idir = std::abs(d[ll]) >= std::abs(d[m]) ? 1 : 2;
      // Convergence tests (relative).
      T sminl;
      bool split = false;
      if (idir == 1) {
        if (std::abs(e[m - 1]) <= tol * std::abs(d[m])) {
          e[m - 1] = T(0);
          continue;
        }
        T mu = std::abs(d[ll]);
        sminl = mu;
        for (index_t l = ll; l < m; ++l) {
          if (std::abs(e[l]) <= tol * mu) {
            e[l] = T(0);
            split = true;
            break;
          }
          mu = std::abs(d[l + 1]) * (mu / (mu + std::abs(e[l])));
          sminl = std::min(sminl, mu);
        }
      } else {
        if (std::abs(e[ll]) <= tol * std::abs(d[ll])) {
          e[ll] = T(0);
          continue;
        }
        T mu = std::abs(d[m]);
        sminl = mu;
        for (index_t l = m - 1; l >= ll; --l) {
          if (std::abs(e[l]) <= tol * mu) {
            e[l] = T(0);
            split = true;
            break;
          }
          mu = std::abs(d[l]) * (mu / (mu + std::abs(e[l])));
          sminl = std::min(sminl, mu);
        }
      }
      if (split) continue;
      oldll = ll, oldm = m;
      // The shift: zero when it would spoil the relative accuracy of the smallest singular value.
      T shift(0), r;
      if (!(T(n) * tol * (sminl / smax) <= std::max(eps, T(0.01) * tol))) {
        T sll;
        if (idir == 1) {
          sll = std::abs(d[ll]);
          las2(d[m - 1], e[m - 1], d[m], shift, r);
        } else {
          sll = std::abs(d[m]);
          las2(d[ll], e[ll], d[ll + 1], shift, r);
        }
        if (sll > T(0) && (shift / sll) * (shift / sll) < eps) shift = T(0);
      }
      iter += double(m - ll);
      const index_t nrot = m - ll;
      if (shift == T(0)) {
        T cs(1), sn, oldcs(1), oldsn(0);
        if (idir == 1) {
          for (index_t i = ll; i < m; ++i) {
            lartg(d[i] * cs, e[i], cs, sn, r);
            if (i > ll) e[i - 1] = oldsn * r;
            lartg(oldcs * r, d[i + 1] * sn, oldcs, oldsn, d[i]);
            const index_t k = i - ll;
            vc[k] = cs, vs[k] = sn, uc[k] = oldcs, us[k] = oldsn;
          }
          const T h = d[m] * cs;
          d[m] = h * oldcs;
          e[m - 1] = h * oldsn;
          record(ll, nrot, true);
          if (std::abs(e[m - 1]) <= thresh) e[m - 1] = T(0);
        } else {
          for (index_t i = m; i > ll; --i) {
            lartg(d[i] * cs, e[i - 1], cs, sn, r);
            if (i < m) e[i] = oldsn * r;
            lartg(oldcs * r, d[i - 1] * sn, oldcs, oldsn, d[i]);
            const index_t k = i - 1 - ll;
            uc[k] = cs, us[k] = -sn, vc[k] = oldcs, vs[k] = -oldsn;
          }
          const T h = d[ll] * cs;
          d[ll] = h * oldcs;
          e[ll] = h * oldsn;
          record(ll, nrot, false);
          if (std::abs(e[ll]) <= thresh) e[ll] = T(0);
        }
      } else {
        T cosr, sinr, cosl, sinl;
        if (idir == 1) {
          T f = (std::abs(d[ll]) - shift) * (std::copysign(T(1), d[ll]) + shift / d[ll]), g = e[ll];
          for (index_t i = ll; i < m; ++i) {
            lartg(f, g, cosr, sinr, r);
            if (i > ll) e[i - 1] = r;
            f = cosr * d[i] + sinr * e[i];
            e[i] = cosr * e[i] - sinr * d[i];
            g = sinr * d[i + 1];
            d[i + 1] = cosr * d[i + 1];
            lartg(f, g, cosl, sinl, r);
            d[i] = r;
            f = cosl * e[i] + sinl * d[i + 1];
            d[i + 1] = cosl * d[i + 1] - sinl * e[i];
            if (i < m - 1) {
              g = sinl * e[i + 1];
              e[i + 1] = cosl * e[i + 1];
            }
            const index_t k = i - ll;
            vc[k] = cosr, vs[k] = sinr, uc[k] = cosl, us[k] = sinl;
          }
          e[m - 1] = f;
          record(ll, nrot, true);
          if (std::abs(e[m - 1]) <= thresh) e[m - 1] = T(0);
        } else {
          T f = (std::abs(d[m]) - shift) * (std::copysign(T(1), d[m]) + shift / d[m]), g = e[m - 1];
          for (index_t i = m; i > ll; --i) {
            lartg(f, g, cosr, sinr, r);
            if (i < m) e[i] = r;
            f = cosr * d[i] + sinr * e[i - 1];
            e[i - 1] = cosr * e[i - 1] - sinr * d[i];
            g = sinr * d[i - 1];
            d[i - 1] = cosr * d[i - 1];
            lartg(f, g, cosl, sinl, r);
            d[i] = r;
            f = cosl * e[i - 1] + sinl * d[i - 1];
            d[i - 1] = cosl * d[i - 1] - sinl * e[i - 1];
            if (i > ll + 1) {
              g = sinl * e[i - 2];
              e[i - 2] = cosl * e[i - 2];
            }
            const index_t k = i - 1 - ll;
            uc[k] = cosr, us[k] = -sinr, vc[k] = cosl, vs[k] = -sinl;
          }
          e[ll] = f;
          if (std::abs(e[ll]) <= thresh) e[ll] = T(0);
          record(ll, nrot, false);
        }
      }
    }
    flush(log);
  }
  // Nonnegative (negating the matching row of vt), then descending (selection sort: n swaps at most).
  for (index_t i = 0; i < n; ++i)
    if (d[i] < T(0)) {
      d[i] = -d[i];
      if (ncvt > 0)
        for (index_t j = 0; j < ncvt; ++j) vt[i * ldvt + j] = -vt[i * ldvt + j];
    }
  for (index_t i = 0; i + 1 < n; ++i) {
    index_t best = i;
    for (index_t j = i + 1; j < n; ++j)
      if (d[j] > d[best]) best = j;
    if (best != i) {
      std::swap(d[i], d[best]);
      if (ncvt > 0) std::swap_ranges(vt + i * ldvt, vt + i * ldvt + ncvt, vt + best * ldvt);
      if (nru > 0) std::swap_ranges(ut + i * ldu, ut + i * ldu + nru, ut + best * ldu);
    }
  }
  return 0;
}

// The SVD of the tall p x q X (p >= q; row-major, row stride ldx, destroyed) as X = U diag(s) V^T with
// ut = U^T (q x p, row stride ldu) and vt = V^T (q x q, row stride ldv), in the layout of jacobi_svd;
// ut and vt may be null (values only). Bidiagonalization, the explicit Q^T and P^T (blocked:
// form_q_rows), then bdsqr.
// Returns 0; -1 for an X with NaN or infinite elements (untouched), bdsqr's 1 when the QR iteration did
// not converge (the outputs are then unusable).
template <class T>
index_t bidiag_svd(index_t p, index_t q, T* x, index_t ldx, T* s, T* ut, index_t ldu, T* vt, index_t ldv) {
  if (q == 0) return 0;
  // Scale by a power of two (exact) so that the largest element is about 1.
  T amax(0);
  for (index_t r = 0; r < p; ++r)
    for (index_t c = 0; c < q; ++c) amax = std::max(amax, std::abs(x[r * ldx + c]));
  if (!std::isfinite(amax)) return -1;  // NaN or infinity: left to the caller
  const T sc = amax > T(0) ? std::ldexp(T(1), -std::ilogb(amax)) : T(1);
  if (sc != T(1))
    for (index_t r = 0; r < p; ++r)
      for (index_t c = 0; c < q; ++c) x[r * ldx + c] *= sc;
  std::vector<T> e(static_cast<std::size_t>(q)), tauq(e.size()), taup(e.size());
  gebd2(p, q, x, ldx, s, e.data(), tauq.data(), taup.data());
  const bool vectors = ut != nullptr;
  if (vectors) {
    // U^T = E^T H_{q-1} ... H_0 (E the first q columns of I): H_j touches rows j.. and columns j...
    // V^T = P^T = G_{q-2} ... G_0: G_j touches rows j + 1.. and columns j + 1...
    for (index_t r = 0; r < q; ++r) {
      std::fill(ut + r * ldu, ut + r * ldu + p, T(0));
      ut[r * ldu + r] = T(1);
      std::fill(vt + r * ldv, vt + r * ldv + q, T(0));
      vt[r * ldv + r] = T(1);
    }
    form_q_rows<T>(
        q, q, p, 0, [&](index_t j, index_t i) { return x[i * ldx + j]; }, tauq.data(), ut, ldu);
    form_q_rows<T>(
        q - 1, q, q, 1, [&](index_t j, index_t i) { return x[j * ldx + i]; }, taup.data(), vt, ldv);
  }
  const index_t info = bdsqr(q, s, e.data(), vt, ldv, vectors ? q : 0, ut, ldu, vectors ? p : 0);
  for (index_t i = 0; i < q; ++i) s[i] /= sc;
  return info;
}

// ---------------------------------------------------------------------------------------------------
// Cyclic Jacobi eigenvalue algorithm for a symmetric n x n matrix `a` (row-major, ld lda, both
// triangles filled; destroyed). Writes the eigenvalues ascending to w and, when vt is not null, the
// matching eigenvectors as the rows of vt (n x n, ld ldv).
template <class T>
void jacobi_eigh(index_t n, T* a, index_t lda, T* w, T* vt, index_t ldv) {
  constexpr T eps = std::numeric_limits<T>::epsilon();
  auto A = [&](index_t i, index_t j) -> T& { return a[i * lda + j]; };
  std::vector<T> vbuf;
  T* v = vt;
  if (!v) {
    vbuf.assign(std::size_t(n * n), T(0));
    v = vbuf.data();
    ldv = n;
  }
  for (index_t i = 0; i < n; ++i)
    for (index_t j = 0; j < n; ++j) v[i * ldv + j] = T(i == j);
  T frob(0);
  for (index_t i = 0; i < n; ++i) frob = std::max(frob, nrm2(&A(i, 0), n, 1));
  const T small = frob * eps * eps;
  const T tiny = std::numeric_limits<T>::min() / eps;
  for (int sweep = 0; sweep < 80; ++sweep) {
    bool rotated = false;
    for (index_t p = 0; p + 1 < n; ++p) {
      for (index_t q = p + 1; q < n; ++q) {
        const T apq = A(p, q);
        const T app = A(p, p), aqq = A(q, q);
        const T ab = std::abs(apq);
        if (!(ab > eps * std::sqrt(std::abs(app)) * std::sqrt(std::abs(aqq)) && ab > small && ab > tiny)) continue;
        rotated = true;
        const T theta = (aqq - app) / (T(2) * apq);
        const T t = std::copysign(T(1), theta) / (std::abs(theta) + std::hypot(T(1), theta));
        const T c = T(1) / std::sqrt(T(1) + t * t), s = c * t;
        // Rows p and q (contiguous), then the symmetric columns from them.
        T* rp = &A(p, 0);
        T* rq = &A(q, 0);
        for (index_t k = 0; k < n; ++k) {
          const T x = rp[k], y = rq[k];
          rp[k] = c * x - s * y;
          rq[k] = s * x + c * y;
        }
        rp[p] = app - t * apq;
        rq[q] = aqq + t * apq;
        rp[q] = T(0);
        rq[p] = T(0);
        for (index_t k = 0; k < n; ++k) {
          A(k, p) = rp[k];
          A(k, q) = rq[k];
        }
        T* vp = v + p * ldv;
        T* vq = v + q * ldv;
        for (index_t k = 0; k < n; ++k) {
          const T x = vp[k], y = vq[k];
          vp[k] = c * x - s * y;
          vq[k] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  // Sort ascending, with the eigenvector rows.
  std::vector<index_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), index_t(0));
  std::stable_sort(order.begin(), order.end(), [&](index_t x, index_t y) { return A(x, x) < A(y, y); });
  for (index_t i = 0; i < n; ++i) w[i] = A(order[std::size_t(i)], order[std::size_t(i)]);
  if (vt) {
    std::vector<T> tmp(static_cast<std::size_t>(n * n));
    for (index_t i = 0; i < n; ++i)
      for (index_t k = 0; k < n; ++k) tmp[std::size_t(i * n + k)] = v[order[std::size_t(i)] * ldv + k];
    for (index_t i = 0; i < n; ++i)
      for (index_t k = 0; k < n; ++k) vt[i * ldv + k] = tmp[std::size_t(i * n + k)];
  }
}

}  // namespace ctorch::detail::lapack
