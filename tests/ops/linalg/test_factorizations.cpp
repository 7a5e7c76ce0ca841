// ctorch/ops/linalg factorizations and solvers against PyTorch 1.13 (tests/golden/gen_linalg_factor.py
// writes tests/fixtures/linalg_factor.txt), float and double, static, Dyn and batched shapes; the
// result types; PyTorch's error messages (singular, not positive-definite, non-square Dyn shapes).
//
// Tolerance against PyTorch: |got - want| <= atol + rtol |want| with rtol = atol = 1e-10 (double) and
// 2e-4 (float): the inputs are well conditioned (cond < 100), so both libraries are within a few
// hundred ulps of the exact result. Singular vectors (svd, eigh) are compared up to their sign.
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "support/fixture.hpp"

using namespace ctorch;

namespace {

const test::Fixture& fx() {
  static const test::Fixture f("linalg_factor.txt");
  return f;
}

template <class T>
const char* tag() {
  return std::is_same_v<T, double> ? "d_" : "f_";
}

template <class T>
double tol() {
  return std::is_same_v<T, double> ? 1e-10 : 2e-4;
}

// A tensor of shape S (static or Dyn) filled from the golden entry name (tag prefixed).
template <class T, class S>
Tensor<T, S> g(const std::string& name) {
  const auto& e = fx()[std::string(tag<T>()) + name];
  REQUIRE(e.shape.size() == S::rank);
  std::array<index_t, S::rank> ext{};
  for (std::size_t i = 0; i < S::rank; ++i) ext[i] = index_t(e.shape[i]);
  Tensor<T, S> t(Dims<S>::from_array(ext));
  test::load(t, e);
  return t;
}

template <class T, class Tns>
void close(const Tns& got, const std::string& name, double scale = 1.0) {
  const auto& want = fx()[std::string(tag<T>()) + name];
  const auto sz = got.sizes();
  const std::vector<index_t> ge(sz.begin(), sz.end());
  REQUIRE(ge.size() == want.shape.size());
  for (std::size_t i = 0; i < ge.size(); ++i) REQUIRE(ge[i] == want.shape[i]);
  test::check_close(got.tolist(), want, tol<T>() * scale, tol<T>() * scale, std::string(tag<T>()) + name);
}

// Compares the columns (or rows, when rows) of got's matrices with golden ones up to each vector's sign.
template <class T, class Tns>
void close_up_to_sign(const Tns& got, const std::string& name, bool rows) {
  const auto& want = fx()[std::string(tag<T>()) + name];
  const auto v = got.tolist();
  REQUIRE(v.size() == want.values.size());
  const index_t m = index_t(want.shape[want.shape.size() - 2]), n = index_t(want.shape.back());
  const index_t count = index_t(v.size()) / std::max<index_t>(m * n, 1);
  std::vector<T> fixed(v);
  for (index_t b = 0; b < count; ++b) {
    const index_t nvec = rows ? m : n, len = rows ? n : m;
    for (index_t j = 0; j < nvec; ++j) {
      auto at = [&](index_t i) { return b * m * n + (rows ? j * n + i : i * n + j); };
      double d = 0;
      for (index_t i = 0; i < len; ++i) d += double(v[std::size_t(at(i))]) * want.values[std::size_t(at(i))];
      if (d < 0)
        for (index_t i = 0; i < len; ++i) fixed[std::size_t(at(i))] = -v[std::size_t(at(i))];
    }
  }
  test::check_close(fixed, want, tol<T>(), tol<T>(), std::string(tag<T>()) + name + " (up to sign)");
}

using S44 = Shape<4, 4>;
using SB44 = Shape<2, 4, 4>;
using S53 = Shape<5, 3>;
using S35 = Shape<3, 5>;
using DD = Shape<Dyn, Dyn>;

template <class T>
void golden_inverse_det_solve() {
  const auto A = g<T, S44>("A");
  const auto Ab = g<T, SB44>("Ab");
  const auto B = g<T, Shape<4, 2>>("B");
  const auto b = g<T, Shape<4>>("b");
  const auto Bb = g<T, Shape<2, 4, 3>>("Bb");
  const auto S = g<T, S44>("S");

  auto inv = linalg::inv(A);
  static_assert(std::is_same_v<decltype(inv), Tensor<T, S44>>);
  close<T>(inv, "inv_A");
  close<T>(inverse(Ab), "inv_Ab");
  close<T>(linalg::inv(g<T, DD>("A")), "inv_A");  // Dyn
  auto det = linalg::det(A);
  static_assert(std::is_same_v<decltype(det), Tensor<T, Shape<>>>);
  close<T>(det, "det_A");
  auto detb = ctorch::det(Ab);
  static_assert(std::is_same_v<decltype(detb), Tensor<T, Shape<2>>>);
  close<T>(detb, "det_Ab");
  auto [sign, logabs] = linalg::slogdet(Ab);
  close<T>(sign, "slogdet_sign_Ab");
  close<T>(logabs, "slogdet_log_Ab");
  close<T>(logdet(S), "logdet_S");

  auto x = linalg::solve(A, B);
  static_assert(std::is_same_v<decltype(x), Tensor<T, Shape<4, 2>>>);
  close<T>(x, "solve_AB");
  auto xv = linalg::solve(A, b);
  static_assert(std::is_same_v<decltype(xv), Tensor<T, Shape<4>>>);
  close<T>(xv, "solve_Ab");
  close<T>(linalg::solve(Ab, Bb), "solve_AbBb");
  // A shared right-hand side broadcast over A's batch: B [1, 4, 2].
  auto xs = linalg::solve(Ab, unsqueeze<0>(B));
  static_assert(std::is_same_v<decltype(xs), Tensor<T, Shape<2, 4, 2>>>);
  // Dyn A with a static B: the result takes n from B.
  auto xd = linalg::solve(g<T, DD>("A"), B);
  static_assert(std::is_same_v<decltype(xd), Tensor<T, Shape<4, 2>>>);
  close<T>(xd, "solve_AB");
}

template <class T>
void golden_triangular_cholesky() {
  const auto A = g<T, S44>("A");
  const auto B = g<T, Shape<4, 2>>("B");
  const auto S = g<T, S44>("S");
  auto [X, Ac] = triangular_solve(B, A, true);
  close<T>(X, "trisolve_upper");
  CHECK(Ac.tolist() == A.tolist());
  close<T>(triangular_solve(B, A, false, true, true).solution, "trisolve_lower_t_unit");
  auto xr = linalg::solve_triangular(A, transpose<0, 1>(B), false, false);
  static_assert(std::is_same_v<decltype(xr), Tensor<T, Shape<2, 4>>>);
  close<T>(xr, "solve_tri_right");

  auto L = linalg::cholesky(S);
  static_assert(std::is_same_v<decltype(L), Tensor<T, S44>>);
  close<T>(L, "chol_S");
  close<T>(linalg::cholesky(S, true), "chol_upper_S");
  close<T>(cholesky(g<T, Shape<Dyn, 3, 3>>("Sb")), "chol_Sb");
  close<T>(cholesky_solve(B, L), "chol_solve");
  close<T>(cholesky_solve(B, transpose<0, 1>(L), true), "chol_solve_upper");
  close<T>(cholesky_inverse(L), "chol_inverse");
}

template <class T, class S>
void golden_lu_one(const std::string& m) {
  const auto X = g<T, S>(m);
  auto [P, L, U] = linalg::lu(X);
  close<T>(P, "lu_P_" + m);
  close<T>(L, "lu_L_" + m);
  close<T>(U, "lu_U_" + m);
  auto [LU, piv] = linalg::lu_factor(X);
  static_assert(std::is_same_v<typename decltype(piv)::value_type, std::int32_t>);
  close<T>(LU, "lu_LU_" + m);
  CHECK(piv.tolist() == std::vector<std::int32_t>(fx()[tag<T>() + ("lu_piv_" + m)].values.begin(),
                                                  fx()[tag<T>() + ("lu_piv_" + m)].values.end()));
  auto [P2, L2, U2] = lu_unpack(LU, piv);
  CHECK(P2.tolist() == P.tolist());
  CHECK(L2.tolist() == L.tolist());
  CHECK(U2.tolist() == U.tolist());
}

template <class T>
void golden_lu() {
  golden_lu_one<T, S44>("A");
  golden_lu_one<T, S53>("M");
  golden_lu_one<T, S35>("W");
  golden_lu_one<T, SB44>("Ab");
  {
    auto [P, L, U] = linalg::lu(g<T, S53>("M"));
    static_assert(std::is_same_v<decltype(P), Tensor<T, Shape<5, 5>>>);
    static_assert(std::is_same_v<decltype(L), Tensor<T, Shape<5, 3>>>);
    static_assert(std::is_same_v<decltype(U), Tensor<T, Shape<3, 3>>>);
  }
  const auto A = g<T, S44>("A");
  const auto B = g<T, Shape<4, 2>>("B");
  auto [LU, piv] = linalg::lu_factor(A);
  close<T>(linalg::lu_solve(LU, piv, B), "lu_solve");
  close<T>(linalg::lu_solve(LU, piv, B, true), "lu_solve_adj");
  close<T>(lu_solve(B, LU, piv), "lu_solve");
}

template <class T>
void golden_qr_svd_eigh() {
  const auto M = g<T, S53>("M");
  const auto W = g<T, S35>("W");
  const auto Ab = g<T, SB44>("Ab");
  {
    auto [Q, R] = linalg::qr(M);
    static_assert(std::is_same_v<decltype(Q), Tensor<T, Shape<5, 3>>>);
    static_assert(std::is_same_v<decltype(R), Tensor<T, Shape<3, 3>>>);
    close<T>(Q, "qr_Q_M");
    close<T>(R, "qr_R_M");
    auto [Qw, Rw] = qr(W);
    static_assert(std::is_same_v<decltype(Qw), Tensor<T, Shape<3, 3>>>);
    static_assert(std::is_same_v<decltype(Rw), Tensor<T, Shape<3, 5>>>);
    close<T>(Qw, "qr_Q_W");
    close<T>(Rw, "qr_R_W");
    auto r = linalg::qr(g<T, Shape<Dyn, 4, 4>>("Ab"));
    close<T>(r.Q, "qr_Q_Ab");
    close<T>(r.R, "qr_R_Ab");
    auto [Qc, Rc] = linalg::qr<linalg::QrMode::complete>(M);
    static_assert(std::is_same_v<decltype(Qc), Tensor<T, Shape<5, 5>>>);
    static_assert(std::is_same_v<decltype(Rc), Tensor<T, Shape<5, 3>>>);
    close<T>(Qc, "qrc_Q_M");
    close<T>(Rc, "qrc_R_M");
  }
  {
    auto [a, tau] = geqrf(M);
    static_assert(std::is_same_v<decltype(tau), Tensor<T, Shape<3>>>);
    close<T>(a, "geqrf_a_M");
    close<T>(tau, "geqrf_tau_M");
    close<T>(linalg::householder_product(a, tau), "orgqr_M");
    close<T>(orgqr(a, tau), "orgqr_M");
    const auto C = g<T, Shape<5, 2>>("C");
    close<T>(ormqr(a, tau, C, true, true), "ormqr_QtC");
    close<T>(ormqr(a, tau, transpose<0, 1>(C), false, false), "ormqr_CtQ");
  }
  {
    auto [U, S, Vh] = linalg::svd(M);
    static_assert(std::is_same_v<decltype(U), Tensor<T, Shape<5, 3>>>);
    static_assert(std::is_same_v<decltype(S), Tensor<T, Shape<3>>>);
    static_assert(std::is_same_v<decltype(Vh), Tensor<T, Shape<3, 3>>>);
    close<T>(S, "svd_S_M");
    close_up_to_sign<T>(U, "svd_U_M", false);
    close_up_to_sign<T>(Vh, "svd_Vh_M", true);
    auto w = linalg::svd(W);
    close<T>(w.S, "svd_S_W");
    close_up_to_sign<T>(w.U, "svd_U_W", false);
    close_up_to_sign<T>(w.Vh, "svd_Vh_W", true);
    auto bt = linalg::svd(Ab);
    close<T>(bt.S, "svd_S_Ab");
    close_up_to_sign<T>(bt.U, "svd_U_Ab", false);
    close_up_to_sign<T>(bt.Vh, "svd_Vh_Ab", true);
    close<T>(linalg::svdvals(g<T, DD>("W")), "svd_S_W");
    auto [U3, S3, V3] = svd(M);  // torch.svd: V, not Vh
    static_assert(std::is_same_v<decltype(V3), Tensor<T, Shape<3, 3>>>);
    close<T>(S3, "svd_S_M");
    CHECK(std::abs(V3(1, 2) - Vh(2, 1)) == 0);
  }
  {
    auto [w, V] = linalg::eigh(g<T, S44>("S"));
    static_assert(std::is_same_v<decltype(w), Tensor<T, Shape<4>>>);
    static_assert(std::is_same_v<decltype(V), Tensor<T, S44>>);
    close<T>(w, "eigh_w_S");
    close_up_to_sign<T>(V, "eigh_V_S", false);
    close<T>(linalg::eigvalsh(g<T, Shape<2, 3, 3>>("Sb")), "eigh_w_Sb");
    const auto sym = g<T, S44>("Sym");
    close<T>(linalg::eigvalsh(sym), "eigh_w_Sym");
    close<T>(linalg::eigvalsh(sym, 'U'), "eigh_w_Sym_U");
  }
}

template <class T>
void golden_lstsq_pinv_norms() {
  const auto M = g<T, S53>("M");
  const auto W = g<T, S35>("W");
  const auto A = g<T, S44>("A");
  const auto Ab = g<T, SB44>("Ab");
  {
    auto [X, res] = linalg::lstsq(M, g<T, Shape<5, 2>>("Bm"));
    static_assert(std::is_same_v<decltype(X), Tensor<T, Shape<3, 2>>>);
    static_assert(std::is_same_v<decltype(res), Tensor<T, Shape<Dyn>>>);
    close<T>(X, "lstsq_M");
    close<T>(res, "lstsq_res_M", 10);
    auto r = linalg::lstsq(W, g<T, Shape<3, 2>>("Bw"));
    close<T>(r.solution, "lstsq_W");
    CHECK(r.residuals.numel() == 0);
  }
  auto p = linalg::pinv(M);
  static_assert(std::is_same_v<decltype(p), Tensor<T, Shape<3, 5>>>);
  close<T>(p, "pinv_M");
  close<T>(pinverse(W), "pinv_W");
  const auto D = g<T, Shape<5, 4>>("D");
  close<T>(linalg::pinv(D), "pinv_D", std::is_same_v<T, float> ? 10 : 100);
  auto rk = linalg::matrix_rank(D);
  static_assert(std::is_same_v<decltype(rk), Tensor<std::int64_t, Shape<>>>);
  CHECK(rk.item() == std::int64_t(fx()[tag<T>() + std::string("rank_D")].values[0]));
  CHECK(linalg::matrix_rank(Ab).tolist() == std::vector<std::int64_t>{4, 4});
  CHECK(linalg::matrix_rank(A, std::nullopt, std::nullopt, true).item() == 4);
  close<T>(linalg::matrix_norm(M), "norm_fro_M");
  close<T>(linalg::matrix_norm(M, "nuc"), "norm_nuc_M");
  close<T>(linalg::matrix_norm(M, 2), "norm_2_M");
  close<T>(linalg::matrix_norm(M, -2), "norm_m2_M");
  close<T>(linalg::matrix_norm(M, 1), "norm_1_M");
  close<T>(linalg::matrix_norm(M, -1), "norm_m1_M");
  close<T>(linalg::matrix_norm(M, std::numeric_limits<double>::infinity()), "norm_inf_M");
  close<T>(linalg::matrix_norm(M, -std::numeric_limits<double>::infinity()), "norm_minf_M");
  close<T>(linalg::matrix_norm(Ab), "norm_fro_Ab");
  close<T>(linalg::matrix_power(A, 3), "pow3_A");
  close<T>(matrix_power(A, -2), "powm2_A");
  close<T>(linalg::matrix_power(Ab, 0), "pow0_Ab");
  auto tr = trace(M);
  static_assert(std::is_same_v<decltype(tr), Tensor<T, Shape<>>>);
  close<T>(tr, "trace_M");
}

}  // namespace

TEST_CASE("linalg factorizations: inverse, det, slogdet, logdet, solve against PyTorch") {
  golden_inverse_det_solve<double>();
  golden_inverse_det_solve<float>();
}

TEST_CASE("linalg factorizations: triangular solves and Cholesky against PyTorch") {
  golden_triangular_cholesky<double>();
  golden_triangular_cholesky<float>();
}

TEST_CASE("linalg factorizations: lu, lu_factor, lu_unpack, lu_solve against PyTorch") {
  golden_lu<double>();
  golden_lu<float>();
}

TEST_CASE("linalg factorizations: qr, geqrf, orgqr, ormqr, svd, eigh against PyTorch") {
  golden_qr_svd_eigh<double>();
  golden_qr_svd_eigh<float>();
}

TEST_CASE("linalg factorizations: lstsq, pinv, matrix_rank, matrix_norm, matrix_power, trace against PyTorch") {
  golden_lstsq_pinv_norms<double>();
  golden_lstsq_pinv_norms<float>();
}

TEST_CASE("linalg factorizations: a singular matrix to inv and solve names the op and the zero pivot") {
  Tensor<double, Shape<3, 3>> s{{2, 0, 0}, {0, 3, 0}, {0, 0, 0}};
  CHECK_THROWS_WITH_AS(linalg::inv(s),
                       "ctorch: linalg.inv: The diagonal element 3 is zero, the inversion could not be completed "
                       "because the input matrix is singular.",
                       value_error);
  CHECK_THROWS_WITH_AS(inverse(s), doctest::Contains("linalg.inv: The diagonal element 3 is zero"), value_error);
  // Rank 2: partial pivoting meets the exact zero at step 3.
  Tensor<float, Shape<3, 3>> t{{1, 2, 3}, {2, 4, 6}, {1, 1, 1}};
  CHECK_THROWS_WITH_AS(linalg::inv(t),
                       "ctorch: linalg.inv: The diagonal element 3 is zero, the inversion could not be completed "
                       "because the input matrix is singular.",
                       value_error);
  CHECK_THROWS_WITH_AS(linalg::solve(s, Tensor<double, Shape<3>>{1, 2, 3}),
                       "ctorch: linalg.solve: The diagonal element 3 is zero, the solve could not be completed "
                       "because the input matrix is singular.",
                       value_error);
  Tensor<double, Shape<Dyn, 3, 3>> sb(2);
  for (int i = 0; i < 3; ++i) sb(0, i, i) = 1;
  sb(1, 0, 0) = 1;
  CHECK_THROWS_WITH_AS(linalg::inv(sb),
                       "ctorch: linalg.inv: (Batch element 1): The diagonal element 2 is zero, the inversion could not "
                       "be completed because the input matrix is singular.",
                       value_error);
  CHECK_THROWS_WITH_AS(linalg::lu_factor(s), doctest::Contains("linalg.lu_factor: U[3,3] is zero"), value_error);
  CHECK_THROWS_WITH_AS(linalg::matrix_power(s, -1), doctest::Contains("linalg.inv: The diagonal element 3"),
                       value_error);
  // Not errors, as in PyTorch: det 0, slogdet (0, -inf), lu.
  CHECK(linalg::det(s).item() == 0);
  CHECK(linalg::slogdet(s).sign.item() == 0);
  CHECK(linalg::slogdet(s).logabsdet.item() == -std::numeric_limits<double>::infinity());
  CHECK(logdet(s).item() == -std::numeric_limits<double>::infinity());
  CHECK(std::isnan(logdet(Tensor<double, Shape<2, 2>>{{-1, 0}, {0, 1}}).item()));
  CHECK_NOTHROW(linalg::lu(s));
}

TEST_CASE("linalg factorizations: a zero pivot in a later block of the blocked LU is named") {
  // Random, diagonally dominant, with column 100 zero: the trailing updates keep that column exactly
  // zero, so step 101 (in the fourth block of 32) meets an exact zero pivot.
  auto check = [](auto tag) {
    using T = decltype(tag);
    Tensor<T, Shape<Dyn, Dyn>> a(257, 257);
    std::uint64_t st = 7;
    for (int i = 0; i < 257; ++i)
      for (int j = 0; j < 257; ++j) {
        st = st * 6364136223846793005ull + 1442695040888963407ull;
        a(i, j) = T(double(st >> 11) / double(1ull << 53) - 0.5) + (i == j ? T(8) : T(0));
      }
    Tensor<T, Shape<Dyn, Dyn>> b(257, 3);
    CHECK_NOTHROW(linalg::solve(a, b));
    for (int i = 0; i < 257; ++i) a(i, 100) = T(0);
    CHECK_THROWS_WITH_AS(linalg::solve(a, b),
                         "ctorch: linalg.solve: The diagonal element 101 is zero, the solve could not be completed "
                         "because the input matrix is singular.",
                         value_error);
    CHECK_THROWS_WITH_AS(linalg::inv(a), doctest::Contains("The diagonal element 101 is zero"), value_error);
    CHECK_THROWS_WITH_AS(linalg::lu_factor(a), doctest::Contains("U[101,101] is zero"), value_error);
    CHECK(linalg::det(a).item() == T(0));
  };
  check(0.0);
  check(0.0f);
}

TEST_CASE("linalg factorizations: Cholesky of a matrix that is not positive-definite") {
  Tensor<double, Shape<2, 2>> a{{1, 2}, {2, 1}};
  CHECK_THROWS_WITH_AS(linalg::cholesky(a),
                       "ctorch: linalg.cholesky: The factorization could not be completed because the input is not "
                       "positive-definite (the leading minor of order 2 is not positive-definite).",
                       value_error);
  Tensor<float, Shape<2, 3, 3>> b;
  for (int i = 0; i < 3; ++i) b(0, i, i) = 1, b(1, i, i) = 1;
  b(1, 2, 2) = -1;
  CHECK_THROWS_WITH_AS(
      cholesky(b),
      "ctorch: linalg.cholesky: (Batch element 1): The factorization could not be completed because the "
      "input is not positive-definite (the leading minor of order 3 is not positive-definite).",
      value_error);
  // NaN is not positive: an error, not a NaN factor.
  a(0, 0) = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(linalg::cholesky(a), doctest::Contains("leading minor of order 1"), value_error);
  // The blocked path (n >= 48, blocks of 32) reports the minor's order in the whole matrix, from a later
  // block and from the last, partial one.
  Tensor<double, Shape<Dyn, Dyn>> big(200, 200);
  for (int i = 0; i < 200; ++i) big(i, i) = 1;
  big(150, 150) = -2;
  CHECK_THROWS_WITH_AS(linalg::cholesky(big), doctest::Contains("leading minor of order 151 is not"), value_error);
  // A dense SPD matrix (all ones plus 257 I) whose minor of order 257 alone is not positive-definite:
  // its last diagonal element is lowered to 0.25, below the 256 / 513 (about 0.499) that the earlier
  // columns take from it.
  Tensor<float, Shape<Dyn, Dyn>> dense(257, 257);
  for (int i = 0; i < 257; ++i)
    for (int j = 0; j < 257; ++j) dense(i, j) = i == j ? 257.0f + 1.0f : 1.0f;
  CHECK_NOTHROW(linalg::cholesky(dense));
  dense(256, 256) = 0.25f;
  CHECK_THROWS_WITH_AS(linalg::cholesky(dense), doctest::Contains("leading minor of order 257 is not"), value_error);
}

TEST_CASE("linalg factorizations: Dyn shape errors") {
  Tensor<double, Shape<Dyn, Dyn>> a(3, 4), sq(3, 3);
  for (int i = 0; i < 3; ++i) sq(i, i) = 1;
  CHECK_THROWS_WITH_AS(linalg::inv(a),
                       "ctorch: linalg.inv: A must be batches of square matrices, but they are 3 by 4 matrices",
                       shape_error);
  CHECK_THROWS_WITH_AS(linalg::det(a), doctest::Contains("linalg.det: A must be batches of square matrices"),
                       shape_error);
  CHECK_THROWS_AS(linalg::cholesky(a), shape_error);
  CHECK_THROWS_AS(linalg::eigh(a), shape_error);
  CHECK_THROWS_AS(linalg::matrix_power(a, 2), shape_error);
  CHECK_THROWS_WITH_AS(linalg::solve(sq, Tensor<double, Shape<Dyn, Dyn>>(4, 2)),
                       "ctorch: linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 4x2)",
                       shape_error);
  CHECK_THROWS_WITH_AS(linalg::solve(Tensor<double, Shape<Dyn, 3, 3>>(2), Tensor<double, Shape<Dyn, 3, 1>>(3)),
                       doctest::Contains("the batch dims [2] and [3] are not broadcastable"), shape_error);
  CHECK_THROWS_AS(linalg::lstsq(sq, Tensor<double, Shape<Dyn, Dyn>>(4, 1)), shape_error);
  CHECK_THROWS_AS(linalg::solve_triangular(sq, Tensor<double, Shape<3, 2>>(), true, false), shape_error);
  CHECK_THROWS_WITH_AS(linalg::eigh(sq, 'X'), doctest::Contains("UPLO must be 'L' or 'U'"), value_error);
  CHECK_THROWS_WITH_AS(linalg::matrix_norm(sq, "bad"), doctest::Contains("Order bad not supported"), value_error);
  CHECK_THROWS_AS(linalg::matrix_norm(sq, 3.0), value_error);
  // Rank-deficient least squares: R has a zero on its diagonal.
  Tensor<double, Shape<3, 2>> rd{{1, 0}, {2, 0}, {3, 0}};
  CHECK_THROWS_WITH_AS(linalg::lstsq(rd, Tensor<double, Shape<3, 1>>()),
                       "ctorch: linalg.lstsq: The 2-th diagonal element of the triangular factor of A is zero",
                       value_error);
  // Pivots out of range.
  Tensor<std::int32_t, Shape<3>> piv{1, 9, 3};
  CHECK_THROWS_AS(lu_unpack(sq, piv), index_error);
}

TEST_CASE("linalg factorizations: empty matrices") {
  Tensor<double, Shape<Dyn, Dyn>> e(0, 0);
  CHECK(linalg::inv(e).numel() == 0);
  CHECK(linalg::det(e).item() == 1);
  CHECK(linalg::cholesky(e).numel() == 0);
  auto [U, S, Vh] = linalg::svd(Tensor<double, Shape<Dyn, Dyn>>(0, 3));
  CHECK(U.numel() == 0);
  CHECK(S.numel() == 0);
  CHECK(Vh.numel() == 0);
  auto [Q, R] = linalg::qr(Tensor<double, Shape<Dyn, Dyn>>(3, 0));
  CHECK(Q.size(1) == 0);
  CHECK(R.numel() == 0);
}
