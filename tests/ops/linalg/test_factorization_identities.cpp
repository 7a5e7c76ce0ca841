// ctorch/ops/linalg factorizations checked by their defining identities on random and ill-conditioned
// inputs, at sizes that take the blocked (GEMM) paths (LU n >= 64, Cholesky n >= 48, block 32; sizes
// that are not multiples of the block) and the unblocked ones, batched (rank
// 3 and 4, 1 and 2 threads), float and double: P L U = A, L L^T = A, Q^T Q = I and Q R = A,
// U diag(S) Vh = A, A V = V diag(w), A pinv(A) A = A, residuals of solve and lstsq.
//
// Tolerances are backward-error bounds c * n * eps * ||A|| (eps of the dtype, ||.|| the max-abs norm)
// for the identities, and forward-error bounds c * n * eps * cond(A) for solutions of ill-conditioned
// systems, whose condition number is set by construction (A = U diag(s) V^T with chosen s).
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "support/threads.hpp"

using namespace ctorch;

namespace {

template <class T>
using DM = Tensor<T, Shape<Dyn, Dyn>>;

template <class Tns>
void fill_random(Tns& t, std::uint64_t seed) {
  std::uint64_t s = seed * 6364136223846793005ull + 1442695040888963407ull;
  for (index_t i = 0; i < t.numel(); ++i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    t.data()[i] = typename Tns::value_type(double(s >> 11) / double(1ull << 53) * 2.0 - 1.0);
  }
}

template <class T>
DM<T> random(index_t m, index_t n, std::uint64_t seed) {
  DM<T> a(m, n);
  fill_random(a, seed);
  return a;
}

template <class T>
constexpr double eps() {
  return double(std::numeric_limits<T>::epsilon());
}

template <class A>
double max_abs(const A& a) {
  double r = 0;
  for (auto v : a.tolist()) r = std::max(r, std::abs(double(v)));
  return r;
}

template <class A, class B>
double max_diff(const A& a, const B& b) {
  const auto x = a.tolist();
  const auto y = b.tolist();
  REQUIRE(x.size() == y.size());
  double r = 0;
  for (std::size_t i = 0; i < x.size(); ++i) r = std::max(r, std::abs(double(x[i]) - double(y[i])));
  return r;
}

template <class T>
DM<T> eye_n(index_t n) {
  DM<T> e(n, n);
  for (index_t i = 0; i < n; ++i) e(i, i) = T(1);
  return e;
}

// A = U diag(s) V^T with U (m x k) and V (n x k) orthonormal (from the QR of random matrices): its
// singular values are s, its condition number s[0] / s[k - 1].
template <class T>
DM<T> with_singular_values(index_t m, index_t n, const std::vector<double>& s, std::uint64_t seed) {
  const index_t k = index_t(s.size());
  const auto U = linalg::qr(random<double>(m, k, seed)).Q;
  const auto V = linalg::qr(random<double>(n, k, seed + 1)).Q;
  DM<double> us(m, k);
  for (index_t i = 0; i < m; ++i)
    for (index_t j = 0; j < k; ++j) us(i, j) = U(i, j) * s[std::size_t(j)];
  const DM<double> a = mm(us, transpose<0, 1>(V));
  return DM<T>(a.template to<T>());
}

std::vector<double> logspace(double hi, double lo, index_t k) {
  std::vector<double> s(static_cast<std::size_t>(k));
  for (index_t i = 0; i < k; ++i)
    s[std::size_t(i)] = std::pow(10.0, hi + (lo - hi) * double(i) / double(std::max<index_t>(k - 1, 1)));
  return s;
}

template <class T>
void check_orthonormal_columns(const DM<T>& q, double c, const std::string& what) {
  const DM<T> qtq = mm(transpose<0, 1>(q), q);
  const double err = max_diff(qtq, eye_n<T>(q.size(1)));
  INFO(what << ": ||Q^T Q - I|| = " << err);
  CHECK(err <= c * double(q.size(0)) * eps<T>());
}

template <class T>
void lu_identity(index_t m, index_t n) {
  const auto a = random<T>(m, n, std::uint64_t(m * 1000 + n));
  auto [P, L, U] = linalg::lu(a);
  const DM<T> plu = mm(P, mm(L, U));
  const double err = max_diff(plu, a);
  INFO("lu " << m << "x" << n << ": ||P L U - A|| = " << err);
  CHECK(err <= 20 * double(std::max(m, n)) * eps<T>() * max_abs(a));
  // |L| <= 1 with partial pivoting.
  CHECK(max_abs(L) <= 1.0);
}

template <class T>
void cholesky_identity(index_t n) {
  const auto x = random<T>(n, n, std::uint64_t(n + 7));
  DM<T> a = mm(x, transpose<0, 1>(x));
  for (index_t i = 0; i < n; ++i) a(i, i) += T(n);
  const auto L = linalg::cholesky(a);
  const double err = max_diff(DM<T>(mm(L, transpose<0, 1>(L))), a);
  INFO("cholesky n=" << n << ": ||L L^T - A|| = " << err);
  CHECK(err <= 10 * double(n) * eps<T>() * max_abs(a));
  for (index_t i = 0; i < n; ++i)
    for (index_t j = i + 1; j < n; ++j) REQUIRE(L(i, j) == 0);
  const auto U = linalg::cholesky(a, true);
  CHECK(max_diff(U, DM<T>(transpose<0, 1>(L))) == 0);
  // cholesky_solve and cholesky_inverse against solve and inv.
  const auto b = random<T>(n, 3, 99);
  const auto x1 = cholesky_solve(b, L);
  const DM<T> r = mm(a, x1) - b;
  CHECK(max_abs(r) <= 10 * double(n) * eps<T>() * max_abs(a) * max_abs(x1));
  const DM<T> ai = cholesky_inverse(L);
  CHECK(max_diff(DM<T>(mm(a, ai)), eye_n<T>(n)) <= 20 * double(n) * eps<T>() * max_abs(a) * max_abs(ai));
}

// Solve, inv, lu_solve, triangular solves on an A with condition number cond.
template <class T>
void solve_identity(index_t n, double cond) {
  const auto a = with_singular_values<T>(n, n, logspace(0, -std::log10(cond), n), std::uint64_t(n * 3));
  const auto xt = random<T>(n, 4, 5);
  const DM<T> b = mm(a, xt);
  const auto x = linalg::solve(a, b);
  const double res = max_abs(DM<T>(mm(a, x) - b));
  INFO("solve n=" << n << " cond=" << cond << ": residual " << res << ", forward error " << max_diff(x, xt));
  CHECK(res <= 20 * double(n) * eps<T>() * max_abs(a) * max_abs(x));
  CHECK(max_diff(x, xt) <= 20 * double(n) * eps<T>() * cond * max_abs(xt));
  // lu_factor + lu_solve give the same solution as solve (the same factorization).
  auto [LU, piv] = linalg::lu_factor(a);
  CHECK(max_diff(linalg::lu_solve(LU, piv, b), x) == 0);
  // A^T X = B through adjoint.
  const auto xa = linalg::lu_solve(LU, piv, b, true);
  CHECK(max_abs(DM<T>(mm(transpose<0, 1>(a), xa) - b)) <= 20 * double(n) * eps<T>() * max_abs(a) * max_abs(xa));
  // inv: A inv(A) = I up to cond.
  const auto ai = linalg::inv(a);
  CHECK(max_diff(DM<T>(mm(a, ai)), eye_n<T>(n)) <= 20 * double(n) * eps<T>() * cond);
  // Triangular solves with U from the LU (upper, and transposed), against a substitution in long double.
  auto [P, L, U] = linalg::lu(a);
  auto [xu, copy] = triangular_solve(b, U, true);
  CHECK(max_abs(DM<T>(mm(U, xu) - b)) <= 20 * double(n) * eps<T>() * max_abs(U) * max_abs(xu));
  const auto xl = triangular_solve(b, L, false, true, true).solution;  // L^T X = B, unit diagonal
  CHECK(max_abs(DM<T>(mm(transpose<0, 1>(L), xl) - b)) <= 20 * double(n) * eps<T>() * max_abs(xl));
  const auto xr = linalg::solve_triangular(U, DM<T>(transpose<0, 1>(b)), true, false);  // X U = B^T
  CHECK(max_abs(DM<T>(mm(xr, U) - transpose<0, 1>(b))) <= 20 * double(n) * eps<T>() * max_abs(U) * max_abs(xr));
}

template <class T>
void qr_identity(index_t m, index_t n) {
  const auto a = random<T>(m, n, std::uint64_t(m * 7 + n));
  auto [Q, R] = linalg::qr(a);
  check_orthonormal_columns(Q, 10, "qr Q");
  CHECK(max_diff(DM<T>(mm(Q, R)), a) <= 10 * double(std::max(m, n)) * eps<T>() * max_abs(a));
  for (index_t i = 0; i < R.size(0); ++i)
    for (index_t j = 0; j < std::min(i, R.size(1)); ++j) REQUIRE(R(i, j) == 0);
  auto [Qc, Rc] = linalg::qr<linalg::QrMode::complete>(a);
  check_orthonormal_columns(Qc, 10, "complete qr Q");
  CHECK(max_diff(DM<T>(mm(Qc, Rc)), a) <= 10 * double(std::max(m, n)) * eps<T>() * max_abs(a));
}

template <class T>
void svd_identity(const DM<T>& a, double c, const std::string& what) {
  INFO(what);
  const index_t m = a.size(0), n = a.size(1), k = std::min(m, n);
  auto [U, S, Vh] = linalg::svd(a);
  check_orthonormal_columns(U, c, "svd U");
  check_orthonormal_columns(DM<T>(transpose<0, 1>(Vh)), c, "svd V");
  DM<T> us(m, k);
  for (index_t i = 0; i < m; ++i)
    for (index_t j = 0; j < k; ++j) us(i, j) = U(i, j) * S(j);
  CHECK(max_diff(DM<T>(mm(us, Vh)), a) <= c * double(std::max(m, n)) * eps<T>() * max_abs(a));
  for (index_t j = 0; j + 1 < k; ++j) REQUIRE(S(j) >= S(j + 1));
  if (k > 0) CHECK(S(k - 1) >= 0);
  auto [Uf, Sf, Vhf] = linalg::svd<true>(a);
  CHECK(Uf.size(1) == m);
  CHECK(Vhf.size(0) == n);
  check_orthonormal_columns(Uf, c, "full U");
  check_orthonormal_columns(DM<T>(transpose<0, 1>(Vhf)), c, "full V");
  CHECK(max_diff(Sf, S) == 0);
}

template <class T>
void eigh_identity(index_t n, std::uint64_t seed) {
  // A = Q diag(w) Q^T with repeated and negative eigenvalues.
  std::vector<double> w(static_cast<std::size_t>(n));
  for (index_t i = 0; i < n; ++i)
    w[std::size_t(i)] = double(i % 7) - 3.0 + (i % 3 == 0 ? 0.0 : 0.25 * double(i) / double(n));
  const auto Q = linalg::qr(random<double>(n, n, seed)).Q;
  DM<double> qw(n, n);
  for (index_t i = 0; i < n; ++i)
    for (index_t j = 0; j < n; ++j) qw(i, j) = Q(i, j) * w[std::size_t(j)];
  const DM<T> a = DM<double>(mm(qw, transpose<0, 1>(Q))).template to<T>();
  auto [ev, V] = linalg::eigh(a);
  std::sort(w.begin(), w.end());
  double werr = 0;
  for (index_t i = 0; i < n; ++i) werr = std::max(werr, std::abs(double(ev(i)) - w[std::size_t(i)]));
  INFO("eigh n=" << n << ": eigenvalue error " << werr);
  CHECK(werr <= 10 * double(n) * eps<T>() * 3.5);
  check_orthonormal_columns(V, 10, "eigh V");
  DM<T> vw(n, n);
  for (index_t i = 0; i < n; ++i)
    for (index_t j = 0; j < n; ++j) vw(i, j) = V(i, j) * ev(j);
  CHECK(max_diff(DM<T>(mm(a, V)), vw) <= 10 * double(n) * eps<T>() * max_abs(a));
  CHECK(max_diff(linalg::eigvalsh(a), ev) == 0);
}

}  // namespace

TEST_CASE("linalg identities: P L U = A, square and rectangular, unblocked and blocked") {
  for (auto [m, n] : {std::pair<index_t, index_t>{1, 1},
                      {7, 7},
                      {63, 63},
                      {64, 64},
                      {65, 65},
                      {130, 130},
                      {200, 200},
                      {257, 257},
                      {300, 65},
                      {65, 300},
                      {150, 131},
                      {131, 200},
                      {9, 4},
                      {4, 9}}) {
    lu_identity<double>(m, n);
    lu_identity<float>(m, n);
  }
}

TEST_CASE("linalg identities: L L^T = A, unblocked and blocked, with cholesky_solve and cholesky_inverse") {
  for (index_t n : {1, 5, 47, 48, 65, 100, 150, 257, 260}) {
    cholesky_identity<double>(n);
    cholesky_identity<float>(n);
  }
}

TEST_CASE("linalg identities: solve, inv, lu_solve, triangular solves on ill-conditioned matrices") {
  for (index_t n : {6, 60, 150}) {
    solve_identity<double>(n, 1e2);
    solve_identity<double>(n, 1e10);
    solve_identity<float>(n, 1e2);
    solve_identity<float>(n, 1e4);
  }
}

TEST_CASE("linalg identities: Q^T Q = I and Q R = A") {
  for (auto [m, n] : {std::pair<index_t, index_t>{40, 25}, {25, 40}, {200, 150}, {1, 5}, {5, 1}}) {
    qr_identity<double>(m, n);
    qr_identity<float>(m, n);
  }
}

TEST_CASE("linalg identities: U S Vh = A on random, ill-conditioned and rank-deficient matrices") {
  for (auto [m, n] :
       {std::pair<index_t, index_t>{60, 45}, {45, 60}, {1, 6}, {6, 1}, {130, 128}, {257, 257}, {100, 257}, {65, 65}}) {
    svd_identity(random<double>(m, n, std::uint64_t(m + n)), 10, "random double");
    svd_identity(random<float>(m, n, std::uint64_t(m + n)), 10, "random float");
  }
  // Singular values 1 .. 1e-12: computed to absolute accuracy ~ n eps s_max.
  const auto s = logspace(0, -12, 40);
  const auto a = with_singular_values<double>(50, 40, s, 11);
  svd_identity(a, 10, "ill-conditioned double");
  const auto sv = linalg::svdvals(a);
  for (index_t i = 0; i < 40; ++i) CHECK(std::abs(sv(i) - s[std::size_t(i)]) <= 10 * 50 * eps<double>());
  // Rank 10 of 30 x 20, and exactly zero columns: U still has orthonormal columns.
  const DM<double> low = mm(random<double>(30, 10, 3), random<double>(10, 20, 4));
  svd_identity(low, 10, "rank-deficient double");
  DM<float> z = random<float>(8, 5, 5);
  for (index_t i = 0; i < 8; ++i) z(i, 1) = 0, z(i, 3) = 0;
  svd_identity(z, 10, "zero columns float");
  // Zero columns at a size whose Q^T and P^T are formed in blocks: reflectors with tau = 0 inside a block.
  DM<double> zb = random<double>(100, 80, 6);
  for (index_t i = 0; i < 100; ++i) zb(i, 10) = 0, zb(i, 50) = 0;
  svd_identity(zb, 10, "zero columns, blocked double");
  CHECK(linalg::matrix_rank(zb).item() == 78);
  CHECK(linalg::matrix_rank(z).item() == 3);
  CHECK(linalg::matrix_rank(low).item() == 10);
  svd_identity(DM<double>(6, 4), 10, "zero matrix");
  // A singular value far below rounding level (its squared norm underflows, so no rotation touches its
  // column): its column of U is completed orthogonally, not normalised from rounding noise.
  DM<double> under(2, 2);
  under(0, 0) = 1, under(0, 1) = 1e-170;
  svd_identity(under, 10, "underflowing singular value");
  DM<double> under3(3, 3);
  under3(0, 0) = 2, under3(1, 1) = 1, under3(0, 2) = 1e-200, under3(1, 2) = 3e-200;
  svd_identity(under3, 10, "underflowing singular value, 3 x 3");
  // Huge and tiny scales: no overflow or underflow in the squared norms.
  const DM<double> big = a * 1e300;
  CHECK(std::abs(linalg::svdvals(big)(0) / 1e300 - 1.0) <= 1e-13);
  const DM<double> tiny = a * 1e-300;
  CHECK(std::abs(linalg::svdvals(tiny)(0) / 1e-300 - 1.0) <= 1e-13);
}

namespace {

// The singular values of A by the one-sided Jacobi SVD (lapack::jacobi_svd, an independent method: the
// small-matrix path of svd), in double.
std::vector<double> jacobi_values(const DM<double>& a) {
  const index_t m = a.size(0), n = a.size(1), p = std::max(m, n), q = std::min(m, n);
  std::vector<double> g(static_cast<std::size_t>(p * q)), s(static_cast<std::size_t>(q));
  for (index_t r = 0; r < m; ++r)
    for (index_t c = 0; c < n; ++c) g[std::size_t(m >= n ? c * m + r : r * n + c)] = a(r, c);
  detail::lapack::jacobi_svd<double>(p, q, g.data(), p, nullptr, q, s.data());
  return s;
}

// svd by bidiagonalization and QR iteration (from detail::kSvdBidiagMin columns on) and by Jacobi
// (below): the identities, full_matrices, svdvals = S exactly, and S against the Jacobi SVD's.
template <class T>
void svd_paths(index_t m, index_t n) {
  INFO("svd " << m << " x " << n);
  const auto a = random<T>(m, n, std::uint64_t(m * 31 + n));
  svd_identity(a, 10, "random");
  const auto S = linalg::svd(a).S;
  CHECK(max_diff(linalg::svdvals(a), S) == 0);
  const auto sj = jacobi_values(DM<double>(a.template to<double>()));
  double err = 0;
  for (index_t i = 0; i < std::min(m, n); ++i) err = std::max(err, std::abs(double(S(i)) - sj[std::size_t(i)]));
  CHECK(err <= 10 * double(std::max(m, n)) * eps<T>() * max_abs(a));
}

}  // namespace

TEST_CASE("linalg identities: svd on both sides of the Jacobi / bidiagonal QR threshold, tall and wide") {
  static_assert(detail::kSvdBidiagMin > 2 && detail::kSvdBidiagMin < 7);
  for (auto [m, n] : {std::pair<index_t, index_t>{1, 1},
                      {2, 2},
                      {4, 4},
                      {5, 5},
                      {7, 7},
                      {33, 33},
                      {65, 65},
                      {130, 130},
                      {9, 4},
                      {4, 9},
                      {12, 5},
                      {5, 12},
                      {130, 33},
                      {33, 130},
                      {200, 7},
                      {7, 200}}) {
    svd_paths<double>(m, n);
    svd_paths<float>(m, n);
  }
}

TEST_CASE("linalg identities: svd by bidiagonal QR: rank-deficient, repeated, graded and scaled") {
  // Rank 10: the zero singular values at rounding level, U and V still orthonormal.
  for (auto [m, n] : {std::pair<index_t, index_t>{65, 40}, {40, 65}}) {
    const DM<double> low = mm(random<double>(m, 10, 7), random<double>(10, n, 8));
    svd_identity(low, 10, "rank 10 double");
    const auto S = linalg::svdvals(low);
    for (index_t i = 10; i < 40; ++i) CHECK(S(i) <= 10 * 65 * eps<double>() * S(0));
    CHECK(S(9) >= 1e-3 * S(0));
    CHECK(linalg::matrix_rank(low).item() == 10);
    const DM<float> lowf = mm(random<float>(m, 10, 7), random<float>(10, n, 8));
    svd_identity(lowf, 10, "rank 10 float");
    CHECK(linalg::matrix_rank(lowf).item() == 10);
  }
  // Repeated singular values (3 x 4, 2 x 10, 1 x 19): S to n eps, the vectors of each cluster span
  // whatever basis, but U S Vh = A and orthonormality hold.
  std::vector<double> rep(33);
  for (index_t i = 0; i < 33; ++i) rep[std::size_t(i)] = i < 4 ? 3.0 : i < 14 ? 2.0 : 1.0;
  for (auto [m, n] : {std::pair<index_t, index_t>{50, 33}, {33, 50}}) {
    const auto a = with_singular_values<double>(m, n, rep, 21);
    svd_identity(a, 10, "repeated double");
    const auto S = linalg::svdvals(a);
    for (index_t i = 0; i < 33; ++i) CHECK(std::abs(S(i) - rep[std::size_t(i)]) <= 10 * 50 * eps<double>() * 3);
    const auto af = with_singular_values<float>(m, n, rep, 21);
    svd_identity(af, 10, "repeated float");
    const auto Sf = linalg::svdvals(af);
    for (index_t i = 0; i < 33; ++i) CHECK(std::abs(Sf(i) - rep[std::size_t(i)]) <= 10 * 50 * eps<float>() * 3);
  }
  // Well-separated singular values 1 .. 40: the singular vectors are determined up to sign, and match
  // A's construction to n eps / gap.
  std::vector<double> sep(40);
  for (index_t i = 0; i < 40; ++i) sep[std::size_t(i)] = double(40 - i);
  const auto a = with_singular_values<double>(70, 40, sep, 5);
  const auto U0 = linalg::qr(random<double>(70, 40, 5)).Q;
  const auto V0 = linalg::qr(random<double>(40, 40, 6)).Q;
  auto [U, S, Vh] = linalg::svd(a);
  for (index_t j = 0; j < 40; ++j) {
    CHECK(std::abs(S(j) - sep[std::size_t(j)]) <= 10 * 70 * eps<double>() * 40);
    double du = 0, dv = 0;
    const double su = U(0, j) * U0(0, j) >= 0 ? 1.0 : -1.0, sv = Vh(j, 0) * V0(0, j) >= 0 ? 1.0 : -1.0;
    for (index_t i = 0; i < 70; ++i) du = std::max(du, std::abs(U(i, j) - su * U0(i, j)));
    for (index_t i = 0; i < 40; ++i) dv = std::max(dv, std::abs(Vh(j, i) - sv * V0(i, j)));
    CHECK(du <= 1e3 * 70 * eps<double>() * 40);
    CHECK(dv <= 1e3 * 70 * eps<double>() * 40);
  }
  // Singular values 1 .. 1e-12 (40 x 40 and 60 x 33), and huge / tiny scales.
  for (auto [m, n] : {std::pair<index_t, index_t>{40, 40}, {60, 33}}) {
    const auto s = logspace(0, -12, n);
    const auto g = with_singular_values<double>(m, n, s, 17);
    svd_identity(g, 10, "ill-conditioned");
    const auto sv = linalg::svdvals(g);
    for (index_t i = 0; i < n; ++i) CHECK(std::abs(sv(i) - s[std::size_t(i)]) <= 10 * 60 * eps<double>());
    const DM<double> big = g * 1e300, tiny = g * 1e-300;
    CHECK(std::abs(linalg::svdvals(big)(0) / 1e300 - 1.0) <= 1e-13);
    CHECK(std::abs(linalg::svdvals(tiny)(0) / 1e-300 - 1.0) <= 1e-13);
    svd_identity(tiny, 10, "ill-conditioned times 1e-300");
  }
  // A diagonal matrix with zeros on the diagonal and an exactly zero matrix.
  DM<double> dg(20, 20);
  for (index_t i = 0; i < 20; i += 2) dg(i, i) = double(i + 1);
  svd_identity(dg, 10, "diagonal with zeros");
  CHECK(linalg::svdvals(dg)(0) == 19.0);
  svd_identity(DM<float>(30, 20), 10, "zero matrix");
  // A NaN gives NaN singular values (not a hang in the QR iteration).
  DM<double> nan = random<double>(20, 20, 3);
  nan(4, 5) = std::numeric_limits<double>::quiet_NaN();
  bool any_nan = false;
  for (auto v : linalg::svdvals(nan).tolist()) any_nan = any_nan || std::isnan(v);
  CHECK(any_nan);
}

TEST_CASE("linalg identities: batched svd by bidiagonal QR equals the per-matrix results, 1 and 2 threads") {
  Tensor<double, Shape<Dyn, 3, 20, 17>> a(2);
  fill_random(a, 77);
  auto run = [&] {
    auto [U, S, Vh] = linalg::svd<true>(a);
    return std::vector<std::vector<double>>{U.tolist(), S.tolist(), Vh.tolist()};
  };
  std::vector<std::vector<double>> one, two;
  {
    Threads t(1);
    one = run();
  }
  {
    Threads t(2);
    two = run();
  }
  CHECK(one == two);
  auto [U, S, Vh] = linalg::svd<true>(a);
  for (index_t i = 0; i < 2; ++i)
    for (index_t j = 0; j < 3; ++j) {
      DM<double> ai(20, 17);
      for (index_t r = 0; r < 20; ++r)
        for (index_t c = 0; c < 17; ++c) ai(r, c) = a(i, j, r, c);
      auto [u, s, vh] = linalg::svd<true>(ai);
      for (index_t r = 0; r < 20; ++r)
        for (index_t c = 0; c < 20; ++c) REQUIRE(u(r, c) == U(i, j, r, c));
      for (index_t r = 0; r < 17; ++r) {
        REQUIRE(s(r) == S(i, j, r));
        for (index_t c = 0; c < 17; ++c) REQUIRE(vh(r, c) == Vh(i, j, r, c));
      }
    }
}

TEST_CASE("linalg identities: A V = V diag(w) with repeated and negative eigenvalues") {
  for (index_t n : {1, 2, 17, 60}) {
    eigh_identity<double>(n, std::uint64_t(n));
    eigh_identity<float>(n, std::uint64_t(n));
  }
}

TEST_CASE("linalg identities: pinv and lstsq") {
  const DM<double> low = mm(random<double>(30, 10, 3), random<double>(10, 20, 4));
  const auto p = linalg::pinv(low);
  CHECK(p.size(0) == 20);
  CHECK(max_diff(DM<double>(mm(low, mm(p, low))), low) <= 1e-11 * max_abs(low));
  CHECK(max_diff(DM<double>(mm(p, mm(low, p))), p) <= 1e-11 * max_abs(p));
  // float: the default rtol (eps * max(m, n)) cuts the rounding noise of the zero singular values;
  // pinverse's rcond = 1e-15 would keep it (as in PyTorch), and then A pinv(A) A != A.
  const DM<float> lowf = low.to<float>();
  const auto pf = linalg::pinv(lowf);
  CHECK(max_diff(DM<float>(mm(lowf, mm(pf, lowf))), low) <= 1e-4 * max_abs(low));
  CHECK(max_diff(pinverse(low, 1e-10), linalg::pinv(low, std::nullopt, 1e-10)) == 0);
  // Tall: the normal equations A^T (A X - B) = 0; residuals are ||A X - B||^2 per column.
  const auto a = random<double>(60, 20, 8);
  const auto b = random<double>(60, 3, 9);
  auto [x, res] = linalg::lstsq(a, b);
  const DM<double> r = mm(a, x) - b;
  CHECK(max_abs(DM<double>(mm(transpose<0, 1>(a), r))) <= 1e-12);
  for (index_t j = 0; j < 3; ++j) {
    double s = 0;
    for (index_t i = 0; i < 60; ++i) s += r(i, j) * r(i, j);
    CHECK(std::abs(res(j) - s) <= 1e-12 * s);
  }
  // Wide: A X = B exactly, and X is the minimum-norm solution pinv(A) B.
  const auto w = random<double>(20, 60, 10);
  const auto bw = random<double>(20, 3, 11);
  const auto xw = linalg::lstsq(w, bw).solution;
  CHECK(max_abs(DM<double>(mm(w, xw) - bw)) <= 1e-12);
  CHECK(max_diff(xw, DM<double>(mm(linalg::pinv(w), bw))) <= 1e-12);
}

TEST_CASE("linalg identities: det, slogdet, matrix_power, matrix_norm relations") {
  const auto a = random<double>(30, 30, 21);
  const auto b = random<double>(30, 30, 22);
  const double dab = linalg::det(DM<double>(mm(a, b))).item();
  const double da = linalg::det(a).item(), db = linalg::det(b).item();
  CHECK(std::abs(dab - da * db) <= 1e-10 * std::abs(da * db));
  auto [sign, logabs] = linalg::slogdet(a);
  CHECK(std::abs(sign.item() * std::exp(logabs.item()) - da) <= 1e-12 * std::abs(da));
  // det of a triangular matrix: the product of its diagonal, exactly in exact arithmetic.
  DM<double> t(5, 5);
  for (index_t i = 0; i < 5; ++i)
    for (index_t j = i; j < 5; ++j) t(i, j) = double(i + j + 1);
  CHECK(linalg::det(t).item() == doctest::Approx(1.0 * 3 * 5 * 7 * 9));
  // matrix_power against repeated products and against inv.
  const DM<double> a2 = mm(a, a);
  const DM<double> a5 = mm(mm(a2, a2), a);
  CHECK(max_diff(linalg::matrix_power(a, 5), a5) <= 1e-12 * max_abs(a5));
  const auto ai = linalg::inv(a);
  const DM<double> ai3 = mm(mm(ai, ai), ai);
  CHECK(max_diff(linalg::matrix_power(a, -3), ai3) <= 1e-10 * max_abs(ai3));
  CHECK(max_diff(linalg::matrix_power(a, 1), a) == 0);
  // Norm relations: ||A||_2 <= ||A||_F <= sqrt(rank) ||A||_2, ||A||_2 <= sqrt(||A||_1 ||A||_inf).
  const double n2 = linalg::matrix_norm(a, 2).item(), nf = linalg::matrix_norm(a).item();
  const double n1 = linalg::matrix_norm(a, 1).item();
  const double ninf = linalg::matrix_norm(a, std::numeric_limits<double>::infinity()).item();
  CHECK(n2 <= nf);
  CHECK(nf <= std::sqrt(30.0) * n2 * (1 + 1e-12));
  CHECK(n2 <= std::sqrt(n1 * ninf) * (1 + 1e-12));
  CHECK(linalg::matrix_norm(a, -2).item() == doctest::Approx(1.0 / linalg::matrix_norm(ai, 2).item()).epsilon(1e-9));
  // trace = the sum of the eigenvalues of the symmetric part.
  double ew = 0;
  for (auto v : linalg::eigvalsh(DM<double>((a + transpose<0, 1>(a)) * 0.5)).tolist()) ew += v;
  CHECK(trace(a).item() == doctest::Approx(ew).epsilon(1e-10));
}

TEST_CASE("linalg identities: batched rank 3 and rank 4, 1 and 2 threads give the same results") {
  Tensor<double, Shape<2, Dyn, 5, 5>> a(3);
  fill_random(a, 31);
  for (index_t i = 0; i < 2; ++i)
    for (index_t j = 0; j < 3; ++j)
      for (index_t k = 0; k < 5; ++k) a(i, j, k, k) += 3.0;
  Tensor<double, Shape<2, Dyn, 5, 2>> b(3);
  fill_random(b, 32);
  auto run = [&] {
    auto inv = linalg::inv(a);
    static_assert(std::is_same_v<decltype(inv), Tensor<double, Shape<2, Dyn, 5, 5>>>);
    auto x = linalg::solve(a, b);
    static_assert(std::is_same_v<decltype(x), Tensor<double, Shape<2, Dyn, 5, 2>>>);
    auto d = linalg::det(a);
    static_assert(std::is_same_v<decltype(d), Tensor<double, Shape<2, Dyn>>>);
    auto [U, S, Vh] = linalg::svd(a);
    static_assert(std::is_same_v<decltype(S), Tensor<double, Shape<2, Dyn, 5>>>);
    auto [Q, R] = linalg::qr(a);
    Tensor<double, Shape<2, Dyn, 5, 5>> sym(3);  // a a^T, positive-definite
    for (index_t i = 0; i < 2; ++i)
      for (index_t j = 0; j < 3; ++j)
        for (index_t r = 0; r < 5; ++r)
          for (index_t c = 0; c < 5; ++c)
            for (index_t k = 0; k < 5; ++k) sym(i, j, r, c) += a(i, j, r, k) * a(i, j, c, k);
    auto L = linalg::cholesky(sym);
    std::vector<double> all;
    for (const auto& v : {inv.tolist(), x.tolist(), d.tolist(), S.tolist(), Q.tolist(), R.tolist(), L.tolist()})
      all.insert(all.end(), v.begin(), v.end());
    return all;
  };
  std::vector<double> one, two;
  {
    Threads t(1);
    one = run();
  }
  {
    Threads t(2);
    two = run();
  }
  CHECK(one == two);
  // Each batch element as its own 2-D problem gives the same values.
  const auto inv = linalg::inv(a);
  const auto x = linalg::solve(a, b);
  for (index_t i = 0; i < 2; ++i)
    for (index_t j = 0; j < 3; ++j) {
      DM<double> ai(5, 5), bi(5, 2);
      for (index_t r = 0; r < 5; ++r) {
        for (index_t c = 0; c < 5; ++c) ai(r, c) = a(i, j, r, c);
        for (index_t c = 0; c < 2; ++c) bi(r, c) = b(i, j, r, c);
      }
      const auto i2 = linalg::inv(ai);
      const auto x2 = linalg::solve(ai, bi);
      for (index_t r = 0; r < 5; ++r) {
        for (index_t c = 0; c < 5; ++c) REQUIRE(i2(r, c) == inv(i, j, r, c));
        for (index_t c = 0; c < 2; ++c) REQUIRE(x2(r, c) == x(i, j, r, c));
      }
    }
}
