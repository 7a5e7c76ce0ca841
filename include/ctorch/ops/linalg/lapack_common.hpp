// ctorch/ops/linalg/lapack_common.hpp: what the factorizations and solvers share: their op tags (the
// name each error message starts with), the static shape checks (matrix_check, square_check: the
// compiler prints their template arguments first, the op and the shape), the run-time checks
// (shape_error), the result shapes (batch dims + matrix dims), the contiguous work copy of an input,
// the loop over the batch, and the PyTorch-style errors for singular and non positive-definite inputs.
//
// Conventions of every op in this family: float or double only (a compile error otherwise); inputs are
// any expression (evaluated into a contiguous work copy first); the last two dims are the matrix, the
// leading dims (any number) a batch; results are new Tensors of the static shape the rule gives, and
// several results come back as a plain aggregate struct with PyTorch's member names, so both
// `r.Q` and `auto [Q, R] = qr(a)` work.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "common.hpp"
#include "lapack_kernels.hpp"

namespace ctorch {

namespace op {
#define CTORCH_LINALG_OP(Tag, str)                  \
  struct Tag {                                      \
    static constexpr const char* name = str;        \
  };
CTORCH_LINALG_OP(LinalgInv, "linalg.inv")
CTORCH_LINALG_OP(LinalgDet, "linalg.det")
CTORCH_LINALG_OP(Logdet, "logdet")
CTORCH_LINALG_OP(LinalgSlogdet, "linalg.slogdet")
CTORCH_LINALG_OP(LinalgSolve, "linalg.solve")
CTORCH_LINALG_OP(TriangularSolve, "triangular_solve")
CTORCH_LINALG_OP(LinalgSolveTriangular, "linalg.solve_triangular")
CTORCH_LINALG_OP(LinalgCholesky, "linalg.cholesky")
CTORCH_LINALG_OP(CholeskySolve, "cholesky_solve")
CTORCH_LINALG_OP(CholeskyInverse, "cholesky_inverse")
CTORCH_LINALG_OP(LinalgLu, "linalg.lu")
CTORCH_LINALG_OP(LinalgLuFactor, "linalg.lu_factor")
CTORCH_LINALG_OP(LinalgLuSolve, "linalg.lu_solve")
CTORCH_LINALG_OP(LuUnpack, "lu_unpack")
CTORCH_LINALG_OP(LinalgQr, "linalg.qr")
CTORCH_LINALG_OP(Geqrf, "geqrf")
CTORCH_LINALG_OP(Orgqr, "orgqr")
CTORCH_LINALG_OP(Ormqr, "ormqr")
CTORCH_LINALG_OP(LinalgSvd, "linalg.svd")
CTORCH_LINALG_OP(LinalgSvdvals, "linalg.svdvals")
CTORCH_LINALG_OP(LinalgEigh, "linalg.eigh")
CTORCH_LINALG_OP(LinalgEigvalsh, "linalg.eigvalsh")
CTORCH_LINALG_OP(LinalgLstsq, "linalg.lstsq")
CTORCH_LINALG_OP(LinalgPinv, "linalg.pinv")
CTORCH_LINALG_OP(LinalgMatrixPower, "linalg.matrix_power")
CTORCH_LINALG_OP(LinalgMatrixRank, "linalg.matrix_rank")
CTORCH_LINALG_OP(LinalgMatrixNorm, "linalg.matrix_norm")
CTORCH_LINALG_OP(Trace, "trace")
#undef CTORCH_LINALG_OP
}  // namespace op

namespace detail {

// ---- static checks --------------------------------------------------------------------------------

template <class T>
inline constexpr bool la_dtype_ok = std::is_same_v<T, float> || std::is_same_v<T, double>;

// An input of Op must be a matrix or a batch of matrices (rank >= 2) of float or double.
template <class Op, class S, class T>
struct matrix_check {
  static_assert(S::rank >= 2,
                "ctorch: this op needs a matrix or a batch of matrices (rank >= 2; the op and the shape are the "
                "template arguments of matrix_check above)");
  static_assert(la_dtype_ok<T>, "ctorch: linalg factorizations and solvers are implemented for float and double");
  static constexpr bool value = S::rank >= 2 && la_dtype_ok<T>;
};

// An input of Op must be a square matrix or a batch of them: the last two static extents agree.
template <class Op, class S, class T>
struct square_check {
  static_assert(S::rank >= 2,
                "ctorch: this op needs a square matrix or a batch of them (rank >= 2; the op and the shape are the "
                "template arguments of square_check above)");
  static constexpr index_t m = S::rank >= 2 ? S::static_extents[S::rank - 2] : Dyn;
  static constexpr index_t n = S::rank >= 2 ? S::static_extents[S::rank - 1] : Dyn;
  static_assert(extents_agree(m, n),
                "ctorch: this op needs square matrices, but the last two dims differ (the op and the shape are the "
                "template arguments of square_check above)");
  static_assert(la_dtype_ok<T>, "ctorch: linalg factorizations and solvers are implemented for float and double");
  static constexpr bool value = S::rank >= 2 && extents_agree(m, n) && la_dtype_ok<T>;
};

// ---- static result shapes -------------------------------------------------------------------------

template <auto Ext>
using la_shape_t = decltype(shape_from_array<Ext>(std::make_index_sequence<Ext.size()>{}));

// The static extents of S without its last Drop dims (the batch of a matrix when Drop == 2).
template <class S, std::size_t Drop>
constexpr std::array<index_t, S::rank - Drop> la_leading() {
  std::array<index_t, S::rank - Drop> r{};
  for (std::size_t i = 0; i < S::rank - Drop; ++i) r[i] = S::static_extents[i];
  return r;
}

template <std::size_t A, std::size_t B>
constexpr std::array<index_t, A + B> la_cat(const std::array<index_t, A>& a, const std::array<index_t, B>& b) {
  std::array<index_t, A + B> r{};
  for (std::size_t i = 0; i < A; ++i) r[i] = a[i];
  for (std::size_t i = 0; i < B; ++i) r[A + i] = b[i];
  return r;
}

// S with its last Drop dims replaced by Tail... (static extents, Dyn allowed).
template <class S, std::size_t Drop, index_t... Tail>
using la_replace_t = la_shape_t<la_cat(la_leading<S, Drop>(), std::array<index_t, sizeof...(Tail)>{Tail...})>;

template <class S>
inline constexpr index_t la_rows = S::static_extents[S::rank - 2];
template <class S>
inline constexpr index_t la_cols = S::static_extents[S::rank - 1];
// The order of a square S: whichever of its last two extents is static.
template <class S>
inline constexpr index_t la_order = la_rows<S> != Dyn ? la_rows<S> : la_cols<S>;
// min(a, b) of static extents; Dyn when one is Dyn (0 when one is 0).
constexpr index_t la_min(index_t a, index_t b) {
  if (a == 0 || b == 0) return 0;
  if (a == Dyn || b == Dyn) return Dyn;
  return a < b ? a : b;
}
// Two extents that must agree: the static one when there is one.
constexpr index_t la_merge(index_t a, index_t b) { return a != Dyn ? a : b; }

// ---- run time -------------------------------------------------------------------------------------

// The batch of matrices an input of rank R holds: lead (its first R - 2 extents), count (their
// product), and the matrix extents m x n.
template <std::size_t R>
struct LaBatch {
  std::array<index_t, R - 2> lead{};
  index_t count = 1, m = 0, n = 0;
};

template <std::size_t R>
LaBatch<R> la_batch(const std::array<index_t, R>& ext) {
  LaBatch<R> b;
  for (std::size_t i = 0; i + 2 < R; ++i) {
    b.lead[i] = ext[i];
    b.count *= ext[i];
  }
  b.m = ext[R - 2];
  b.n = ext[R - 1];
  return b;
}

template <std::size_t A, class... I>
std::array<index_t, A + sizeof...(I)> la_ext(const std::array<index_t, A>& lead, I... tail) {
  return la_cat(lead, std::array<index_t, sizeof...(I)>{index_t(tail)...});
}

// A fresh zero-filled tensor of shape RS with run-time extents ext (checked against RS's static ones).
template <class T, class RS>
Tensor<T, RS, Cpu> la_make(const std::array<index_t, RS::rank>& ext, const char* op) {
  return Tensor<T, RS, Cpu>(Dims<RS>::from_array(ext, op));
}

// The contiguous work copy of an input expression (tensors are copied, views and lazy expressions
// evaluated), which the kernels then factor in place.
template <class X>
auto la_work(const X& x) {
  using XX = std::remove_cvref_t<X>;
  static_assert(std::is_same_v<typename XX::device_type, Cpu> || std::is_void_v<typename XX::device_type>,
                "ctorch: linalg factorizations run on Cpu tensors (copy with to<Cpu>())");
  return Tensor<lin_value_t<X>, lin_shape_t<X>, Cpu>(x);
}

template <std::size_t R>
void la_check_square(const char* op, const LaBatch<R>& b, const char* what = "A") {
  if (b.m != b.n)
    throw shape_error(std::string("ctorch: ") + op + ": " + what + " must be batches of square matrices, but they are " +
                      std::to_string(b.m) + " by " + std::to_string(b.n) + " matrices");
}

// Runs f(i) for each matrix i of a batch of `count`, over threads when the matrices are small (the
// kernels of large ones thread inside GEMM). requires: f does not throw (kernels report through info).
template <class F>
void la_for_batch(index_t count, index_t n, F&& f) {
  if (count > 1 && n < 96 && get_num_threads() > 1) {
    parallel_for(count, 1, [&](index_t b0, index_t b1) {
      for (index_t i = b0; i < b1; ++i) f(i);
    });
  } else {
    for (index_t i = 0; i < count; ++i) f(i);
  }
}

inline std::string la_prefix(const char* op, bool batched, index_t b) {
  std::string s = std::string("ctorch: ") + op + ": ";
  if (batched) s += "(Batch element " + std::to_string(b) + "): ";
  return s;
}

// Throws PyTorch's error for the first matrix whose info is not 0: a zero pivot of an LU factor.
// `what`: "inversion" or "solve".
inline void la_raise_singular(const char* op, const char* what, bool batched, const std::vector<index_t>& info) {
  for (std::size_t b = 0; b < info.size(); ++b)
    if (info[b] != 0)
      throw value_error(la_prefix(op, batched, index_t(b)) + "The diagonal element " + std::to_string(info[b]) +
                        " is zero, the " + what + " could not be completed because the input matrix is singular.");
}

// Throws PyTorch's error for the first matrix whose Cholesky info is not 0.
inline void la_raise_not_pd(const char* op, bool batched, const std::vector<index_t>& info) {
  for (std::size_t b = 0; b < info.size(); ++b)
    if (info[b] != 0)
      throw value_error(la_prefix(op, batched, index_t(b)) +
                        "The factorization could not be completed because the input is not positive-definite (the "
                        "leading minor of order " +
                        std::to_string(info[b]) + " is not positive-definite).");
}

// Row-major contiguous m x n matrix i of a buffer.
template <class T>
lapack::MatRef<T> la_mat(T* base, index_t i, index_t m, index_t n) {
  return {base + i * m * n, n, 1};
}


// ---- a right-hand side B beside a square A (solve, cholesky_solve, lu_solve, triangular solves) ----

// B is a (batch of) vector(s) when its rank is 1 or one less than A's, a (batch of) matrix(ces)
// otherwise; the batch dims of A and B broadcast (PyTorch decides vector or matrix from the shapes at
// run time, ctorch from the ranks: a 2-D B beside a 3-D A is a batch of vectors). The static checks
// name Op and both shapes; the result is the broadcast batch + [n] or [n, k].
// Vectors = false (every op but linalg.solve): B is always a (batch of) matrix(ces).
template <class Op, class SA, class SB, bool Vectors = true>
struct rhs_check {
  static constexpr std::size_t RA = SA::rank, RB = SB::rank;
  static constexpr bool vector = Vectors && (RB == 1 || RB + 1 == RA);
  static_assert(RB >= (Vectors ? 1 : 2),
                "ctorch: the right-hand side must be a vector or a matrix, or a matrix for this op (the op and both "
                "shapes are the template arguments of rhs_check above)");
  static constexpr std::size_t RBL = RB >= 2 || vector ? RB - (vector ? 1 : 2) : 0;  // B's batch rank
  static constexpr index_t nb = SB::static_extents[RB - (vector ? 1 : 2)];
  static_assert(extents_agree(la_order<SA>, nb),
                "ctorch: the rows of B do not match the order of A (the op and both shapes are the template arguments "
                "of rhs_check above)");
  static constexpr auto lead_a = la_leading<SA, 2>();
  static constexpr auto lead_b = la_leading<SB, RB - RBL>();
  using batch_shape = broadcast_shape_t<Op, la_shape_t<lead_a>, la_shape_t<lead_b>>;
  static constexpr index_t n = la_merge(la_order<SA>, nb);
  static constexpr auto result_ext = [] {
    if constexpr (vector)
      return la_cat(batch_shape::static_extents, std::array<index_t, 1>{n});
    else
      return la_cat(batch_shape::static_extents, std::array<index_t, 2>{n, SB::static_extents[RB - 1]});
  }();
  using result_shape = la_shape_t<result_ext>;
  static constexpr bool value = true;
};

// Run-time broadcast of two batch extents (right-aligned) into rank R. Throws shape_error naming op.
template <std::size_t R, std::size_t RA, std::size_t RB>
std::array<index_t, R> la_bcast(const char* op, const std::array<index_t, RA>& a, const std::array<index_t, RB>& b) {
  std::array<index_t, R> r{};
  for (std::size_t d = 0; d < R; ++d) {
    const index_t ea = d + RA >= R ? a[d + RA - R] : 1, eb = d + RB >= R ? b[d + RB - R] : 1;
    if (ea != eb && ea != 1 && eb != 1)
      throw shape_error(std::string("ctorch: ") + op + ": the batch dims " + shape_string(a) + " and " +
                        shape_string(b) + " are not broadcastable");
    r[d] = ea == 1 ? eb : ea;
  }
  return r;
}

// The linear batch index, in an input whose batch extents are `in` (right-aligned, broadcast), of the
// output's batch element i (output batch extents `out`).
template <std::size_t R, std::size_t RI>
index_t la_bcast_index(index_t i, const std::array<index_t, R>& out, const std::array<index_t, RI>& in) {
  index_t idx = 0, mul = 1;
  for (std::size_t d = R; d-- > 0;) {
    const index_t c = i % out[d];
    i /= out[d];
    if (d + RI >= R) {
      const index_t e = in[d + RI - R];
      if (e != 1) idx += c * mul;
      mul *= e;
    }
  }
  return idx;
}

// Solves for every broadcast batch element: out_i = B_j, then solve(a_index, x) with x the n x k
// matrix of out_i (k = 1 for vectors). A is described by its batch extents lead_a and order n. The
// shapes are checked first, then prepare() runs (the factorization of A, which may throw), then the
// solves.
template <class Op, class SA, class SB, class T, bool Vectors = true, class BT, std::size_t RLA, class Prepare,
          class Solve>
auto la_solve_rhs(const std::array<index_t, RLA>& lead_a, index_t n, const BT& bwork, Prepare&& prepare,
                  Solve&& solve) {
  using C = rhs_check<Op, SA, SB, Vectors>;
  using RS = typename C::result_shape;
  constexpr std::size_t RBL = C::RBL, RL = RS::rank - (C::vector ? 1 : 2);
  const auto eb = bwork.sizes();
  std::array<index_t, RBL> lead_b{};
  for (std::size_t i = 0; i < RBL; ++i) lead_b[i] = eb[i];
  const index_t nbr = eb[C::RB - (C::vector ? 1 : 2)];
  const index_t k = C::vector ? 1 : eb[C::RB - 1];
  if (nbr != n)
    throw shape_error(std::string("ctorch: ") + Op::name + ": Incompatible shapes of A and B for the equation AX = B (" +
                      std::to_string(n) + "x" + std::to_string(n) + " and " +
                      (C::vector ? std::to_string(nbr) : std::to_string(nbr) + "x" + std::to_string(k)) + ")");
  const auto lead = la_bcast<RL>(Op::name, lead_a, lead_b);
  std::array<index_t, RS::rank> ext{};
  for (std::size_t i = 0; i < RL; ++i) ext[i] = lead[i];
  ext[RL] = n;
  if constexpr (!C::vector) ext[RL + 1] = k;
  auto out = la_make<T, RS>(ext, Op::name);
  prepare();
  index_t count = 1;
  for (index_t e : lead) count *= e;
  const T* bp = bwork.data();
  T* op = out.data();
  la_for_batch(count, n, [&](index_t i) {
    const index_t ia = la_bcast_index(i, lead, lead_a), ib = la_bcast_index(i, lead, lead_b);
    std::copy(bp + ib * n * k, bp + (ib + 1) * n * k, op + i * n * k);
    solve(ia, lapack::MatRef<T>{op + i * n * k, k, 1}, k);
  });
  return out;
}

// ---- batched LU ------------------------------------------------------------------------------------

// Factors each m x n matrix of the contiguous buffer a in place; piv gets count * min(m, n) pivots
// (0-based). Returns each matrix's info (1-based index of its first zero pivot, or 0).
template <class T>
std::vector<index_t> la_getrf_batch(T* a, index_t count, index_t m, index_t n, index_t* piv) {
  std::vector<index_t> info(static_cast<std::size_t>(count), 0);
  const index_t k = std::min(m, n);
  la_for_batch(count, std::max(m, n),
               [&](index_t i) { info[std::size_t(i)] = lapack::getrf(m, n, la_mat(a, i, m, n), piv + i * k); });
  return info;
}

}  // namespace detail
}  // namespace ctorch
