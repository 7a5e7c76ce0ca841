// ctorch/ops/linalg/lapack_kernels.hpp: the numerical kernels behind the factorizations and solvers
// (LAPACK's roles, written for ctorch): LU with partial pivoting (getrf), triangular solves (trsm),
// Cholesky (potrf), Householder QR (geqrf, orgqr, ormqr), QR with column pivoting (geqpf), one-sided
// Jacobi SVD and cyclic Jacobi eigh.
//
// Every kernel works on one matrix at a time through a MatRef (pointer, row stride, column stride), so a
// transpose is a swap of strides and costs nothing. The large kernels are blocked and spend their
// O(n^3) in ctorch's GEMM (eval/cpu/gemm.hpp): getrf and potrf are right-looking with a GEMM trailing
// update for n >= kBlockMin (unblocked below), trsm does its off-diagonal blocks with GEMM.
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
#include "../../core/simd.hpp"
#include "../../eval/cpu/gemm.hpp"

namespace ctorch::detail::lapack {

// Sizes from which the blocked algorithms pay, and their block size.
inline constexpr index_t kBlockMin = 128;
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
      a0 = xsimd::fma(B::load_unaligned(x + i), B::load_unaligned(y + i), a0);
      a1 = xsimd::fma(B::load_unaligned(x + i + W), B::load_unaligned(y + i + W), a1);
    }
    s = xsimd::hadd(a0 + a1);
  }
  for (; i < n; ++i) s += x[i] * y[i];
  return s;
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
    // Rank-1 update of the rest of the panel.
    const T* uj = &a(j, j + 1);
    for (index_t i = j + 1; i < m; ++i) {
      const T l = a(i, j);
      if (l == T(0)) continue;
      T* ri = &a(i, j + 1);
      for (index_t c = 0; c < n - j - 1; ++c) ri[c * a.cs] -= l * uj[c * a.cs];
    }
  }
  return info;
}

template <class T>
index_t getrf(index_t m, index_t n, MatRef<T> a, index_t* piv) {
  const index_t kmax = std::min(m, n);
  if (kmax < kBlockMin) return getf2(m, n, a, piv);
  index_t info = 0;
  const index_t nb = kBlock;
  for (index_t j0 = 0; j0 < kmax; j0 += nb) {
    const index_t jb = std::min(nb, kmax - j0);
    // Factor the panel rows [j0, m) x cols [j0, j0 + jb).
    const index_t pinfo = getf2(m - j0, jb, a.block(j0, j0), piv + j0);
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
// not read and is left as it was). Returns info: the order of the first leading minor that is not
// positive-definite (its pivot <= 0 or NaN), 0 when none.
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
  if (n < kBlockMin) return potf2(n, a);
  const index_t nb = kBlock;
  for (index_t j0 = 0; j0 < n; j0 += nb) {
    const index_t jb = std::min(nb, n - j0);
    const index_t info = potf2(jb, a.block(j0, j0));
    if (info != 0) return info + j0;
    const index_t mr = n - j0 - jb;
    if (mr == 0) break;
    // L21 = A21 L11^{-T}, one row x of L21 at a time (x L11^T = a: forward substitution whose dot
    // products run along contiguous rows when the matrix is row-major).
    if (a.cs == 1) {
      for (index_t r = j0 + jb; r < n; ++r) {
        T* x = &a(r, j0);
        for (index_t j = 0; j < jb; ++j) {
          const T* lj = &a(j0 + j, j0);
          x[j] = (x[j] - dot(x, lj, j)) / lj[j];
        }
      }
    } else {
      trsm(jb, mr, a.block(j0, j0), true, false, a.block(j0 + jb, j0).t());
    }
    // Trailing update of the lower triangle, one block column at a time: A22 -= L21 L21^T (GEMM).
    for (index_t c0 = j0 + jb; c0 < n; c0 += nb) {
      const index_t cb = std::min(nb, n - c0);
      gemm<T>(n - c0, cb, jb, T(-1), a.block(c0, j0), a.block(c0, j0).t(), T(1), a.block(c0, c0));
    }
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------------
// Householder QR (LAPACK's geqrf conventions, so R's signs match PyTorch): for j < min(m, n),
// H_j = I - tau_j v_j v_j^T with v_j(j) = 1, v_j below the diagonal of column j; A = H_0 ... H_{k-1} R.

// Generates the reflector of column j (larfg): returns tau, leaves beta on the diagonal and v below.
template <class T>
T larfg(index_t len, T* alpha, T* x, index_t inc) {
  if (len <= 1) return T(0);
  const T xnorm = nrm2(x, len - 1, inc);
  if (xnorm == T(0)) return T(0);
  const T beta = -std::copysign(std::hypot(*alpha, xnorm), *alpha);
  const T tau = (beta - *alpha) / beta;
  const T scal = T(1) / (*alpha - beta);
  for (index_t i = 0; i < len - 1; ++i) x[i * inc] *= scal;
  *alpha = beta;
  return tau;
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

// QR with column pivoting (LAPACK's geqpf, Businger-Golub): A P = Q R, the column of largest remaining
// norm first, so |R(0, 0)| >= |R(1, 1)| >= ...; perm[j] is the column of A that became column j.
template <class T>
void geqpf(index_t m, index_t n, MatRef<T> a, T* tau, index_t* perm) {
  const index_t k = std::min(m, n);
  const T tol3z = std::sqrt(std::numeric_limits<T>::epsilon());
  std::vector<T> vn1(static_cast<std::size_t>(n)), vn2(static_cast<std::size_t>(n)),
      work(static_cast<std::size_t>(std::max<index_t>(n, 1)));
  for (index_t j = 0; j < n; ++j) {
    perm[j] = j;
    vn1[std::size_t(j)] = vn2[std::size_t(j)] = nrm2(&a(0, j), m, a.rs);
  }
  for (index_t j = 0; j < k; ++j) {
    index_t pvt = j;
    for (index_t c = j + 1; c < n; ++c)
      if (vn1[std::size_t(c)] > vn1[std::size_t(pvt)]) pvt = c;
    if (pvt != j) {
      for (index_t r = 0; r < m; ++r) std::swap(a(r, j), a(r, pvt));
      std::swap(perm[j], perm[pvt]);
      std::swap(vn1[std::size_t(j)], vn1[std::size_t(pvt)]);
      std::swap(vn2[std::size_t(j)], vn2[std::size_t(pvt)]);
    }
    tau[j] = larfg(m - j, &a(j, j), j + 1 < m ? &a(j + 1, j) : &a(j, j), a.rs);
    if (j + 1 < n)
      larf_left(m - j, n - j - 1, &a(std::min(j + 1, m - 1), j), a.rs, tau[j], a.block(j, j + 1), work.data());
    for (index_t c = j + 1; c < n; ++c) {  // downdate the remaining column norms
      T& v1 = vn1[std::size_t(c)];
      if (v1 == T(0)) continue;
      const T r = std::abs(a(j, c)) / v1;
      const T temp = std::max(T(0), T(1) - r * r);
      const T q = v1 / vn2[std::size_t(c)];
      if (temp * q * q <= tol3z) {
        v1 = j + 1 < m ? nrm2(&a(j + 1, c), m - j - 1, a.rs) : T(0);
        vn2[std::size_t(c)] = v1;
      } else {
        v1 *= std::sqrt(temp);
      }
    }
  }
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
