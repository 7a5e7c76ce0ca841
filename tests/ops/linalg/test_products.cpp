// Tests of the BLAS-style products (addmv, addr, outer/ger, addbmm, baddbmm: values against PyTorch from
// fixtures/linalg_products.txt, made by tests/golden/gen_linalg_products.py; Dyn shape errors; gradcheck
// of every VJP) and of linalg.eig / linalg.eigvals (eigenvalues against PyTorch's, sorted the same way;
// the identity A V = V diag(w) with unit-norm eigenvectors on random, symmetric, defective and rotation
// matrices, the residual bounded by a multiple of n * eps * ||A||).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <ctorch/autograd.hpp>
#include <ctorch/ctorch.hpp>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "autograd/cases_linalg.hpp"
#include "autograd/gradcheck_support.hpp"
#include "support/fixture.hpp"
#include "support/golden_tensor.hpp"

using namespace ctorch;

namespace {

const test::Fixture& fx() {
  static const test::Fixture f("linalg_products.txt");
  return f;
}

template <class T, class S>
Tensor<T, S> G(const std::string& key) {
  return test::tensor_from<T, S>(fx()[key]);
}

template <class T>
std::pair<double, double> tol() {
  if constexpr (std::is_same_v<T, double>)
    return {1e-12, 1e-13};
  else
    return {2e-5, 2e-6};
}

template <class Tn>
void expect(const std::string& key, const Tn& t) {
  using T = typename Tn::value_type;
  INFO(key);
  const auto& g = fx()[key];
  const auto sizes = t.dims().array();
  REQUIRE(sizes.size() == g.shape.size());
  for (std::size_t i = 0; i < sizes.size(); ++i) CHECK(sizes[i] == g.shape[i]);
  test::check_close(t.tolist(), g, tol<T>().first, tol<T>().second, key);
}

template <class T>
void products_against_pytorch(const std::string& p) {
  // addmv: static and Dyn shapes, a broadcast and a 0-d input, a transposed (strided) matrix, beta = 0.
  const auto mat = G<T, Shape<7, 13>>(p + "mv_mat");
  const auto matT = G<T, Shape<13, 7>>(p + "mv_matT");
  const auto vec = G<T, Shape<Dyn>>(p + "mv_vec");
  const auto in7 = G<T, Shape<7>>(p + "mv_in7");
  const auto in1 = G<T, Shape<Dyn>>(p + "mv_in1");
  const auto r = addmv(in7, mat, vec, 0.5, 2.0);
  static_assert(test::shape_is<decltype(r), Shape<7>>);
  expect(p + "addmv", r);
  expect(p + "addmv_default", addmv(in7, mat, vec));
  expect(p + "addmv_bcast", addmv(in1, mat, vec, -1.25, 0.75));
  expect(p + "addmv_scalar_in", addmv(Tensor<T, Shape<>>(T(1.5)), mat, vec, 2.0, -1.0));
  expect(p + "addmv_T", addmv(in7, transpose<0, 1>(matT), vec, 0.5, 2.0));
  Tensor<T, Shape<7>> nan7;
  nan7.fill_(std::numeric_limits<T>::quiet_NaN());
  expect(p + "addmv_beta0", addmv(nan7, mat, vec, 0.0, 3.0));
  expect(p + "addmv_big", addmv(G<T, Shape<Dyn>>(p + "mv_bigin"), G<T, Shape<Dyn, Dyn>>(p + "mv_bigmat"),
                                G<T, Shape<33>>(p + "mv_bigvec"), 0.3, -0.7));

  // addr, outer, ger.
  const auto v1 = G<T, Shape<5>>(p + "r_v1");
  const auto v2 = G<T, Shape<Dyn>>(p + "r_v2");
  const auto a = addr(G<T, Shape<5, 9>>(p + "r_in59"), v1, v2, 0.5, 2.0);
  static_assert(test::shape_is<decltype(a), Shape<5, Dyn>>);
  expect(p + "addr", a);
  expect(p + "addr_bcast_row", addr(G<T, Shape<9>>(p + "r_in9"), v1, v2, -2.0, 0.25));
  expect(p + "addr_bcast_col", addr(G<T, Shape<5, 1>>(p + "r_in51"), v1, v2));
  Tensor<T, Shape<5, 9>> nan59;
  nan59.fill_(std::numeric_limits<T>::quiet_NaN());
  expect(p + "addr_beta0", addr(nan59, v1, v2, 0.0, -1.5));
  expect(p + "outer", outer(v1, v2));
  expect(p + "ger", ger(v2, v1));
  expect(p + "outer", outer(v1 * T(1), v2));  // a lazy operand is evaluated first

  // addbmm, baddbmm.
  const auto b1 = G<T, Shape<3, 6, 11>>(p + "b_b1");
  const auto b2 = G<T, Shape<Dyn, 11, Dyn>>(p + "b_b2");
  const auto in64 = G<T, Shape<6, 4>>(p + "b_in64");
  const auto ab = addbmm(in64, b1, b2, 0.5, 2.0);
  static_assert(test::shape_is<decltype(ab), Shape<6, Dyn>>);
  expect(p + "addbmm", ab);
  expect(p + "addbmm_bcast", addbmm(G<T, Shape<4>>(p + "b_in4"), b1, b2, -1.0, 0.5));
  expect(p + "addbmm_bcast_col", addbmm(G<T, Shape<6, 1>>(p + "b_in61"), b1, b2));
  Tensor<T, Shape<6, 4>> nan64;
  nan64.fill_(std::numeric_limits<T>::quiet_NaN());
  expect(p + "addbmm_beta0", addbmm(nan64, b1, b2, 0.0, 1.5));
  expect(p + "addbmm_empty", addbmm(in64, Tensor<T, Shape<Dyn, 6, 11>>(0), Tensor<T, Shape<Dyn, 11, 4>>(0), -3.0, 2.0));
  const auto bb = baddbmm(G<T, Shape<3, 6, 4>>(p + "b_in364"), b1, b2, 0.5, 2.0);
  static_assert(test::shape_is<decltype(bb), Shape<3, 6, Dyn>>);
  expect(p + "baddbmm", bb);
  expect(p + "baddbmm_bcast", baddbmm(in64, b1, b2, -1.0, 0.5));
  expect(p + "baddbmm_bcast3", baddbmm(G<T, Shape<1, 6, 1>>(p + "b_in161"), b1, b2, 2.0, -1.0));
  Tensor<T, Shape<3, 6, 4>> nan364;
  nan364.fill_(std::numeric_limits<T>::quiet_NaN());
  expect(p + "baddbmm_beta0", baddbmm(nan364, b1, b2, 0.0, 1.5));
}

}  // namespace

TEST_CASE("linalg products: addmv, addr, outer, ger, addbmm, baddbmm against PyTorch (double)") {
  products_against_pytorch<double>("d_");
}
TEST_CASE("linalg products: addmv, addr, outer, ger, addbmm, baddbmm against PyTorch (float)") {
  products_against_pytorch<float>("f_");
}

TEST_CASE("linalg products: Dyn shape mismatches throw shape_error naming the op and both shapes") {
  using M = Tensor<float, Shape<Dyn, Dyn>>;
  using V = Tensor<float, Shape<Dyn>>;
  using B = Tensor<float, Shape<Dyn, Dyn, Dyn>>;
  CHECK_THROWS_WITH_AS(addmv(V(3), M(3, 4), V(5)), "ctorch: addmv: the inner dims do not match (shapes [3, 4] and [5])",
                       shape_error);
  CHECK_THROWS_WITH_AS(addmv(V(4), M(3, 4), V(4)),
                       "ctorch: addmv: input of shape [4] cannot be broadcast to the product's shape [3]", shape_error);
  // PyTorch checks input's shape even when beta == 0.
  CHECK_THROWS_AS(addmv(V(4), M(3, 4), V(4), 0.0), shape_error);
  CHECK_THROWS_WITH_AS(addr(M(3, 4), V(3), V(5)),
                       "ctorch: addr: input of shape [3, 4] cannot be broadcast to the product's shape [3, 5]",
                       shape_error);
  CHECK_THROWS_WITH_AS(addbmm(M(3, 5), B(2, 3, 4), B(3, 4, 5)),
                       "ctorch: addbmm: the batch dims do not match (shapes [2, 3, 4] and [3, 4, 5])", shape_error);
  CHECK_THROWS_WITH_AS(addbmm(M(3, 5), B(2, 3, 4), B(2, 3, 5)),
                       "ctorch: addbmm: the inner dims do not match (shapes [2, 3, 4] and [2, 3, 5])", shape_error);
  CHECK_THROWS_AS(addbmm(M(3, 6), B(2, 3, 4), B(2, 4, 5)), shape_error);
  // baddbmm does not broadcast a batch of 1 (PyTorch).
  CHECK_THROWS_WITH_AS(baddbmm(B(2, 3, 5), B(1, 3, 4), B(2, 4, 5)),
                       "ctorch: baddbmm: the batch dims do not match (shapes [1, 3, 4] and [2, 4, 5])", shape_error);
  CHECK_THROWS_WITH_AS(baddbmm(B(2, 3, 5), B(2, 3, 4), B(2, 5, 5)),
                       "ctorch: baddbmm: the inner dims do not match (shapes [2, 3, 4] and [2, 5, 5])", shape_error);
  CHECK_THROWS_AS(baddbmm(B(2, 3, 4), B(2, 3, 4), B(2, 4, 5)), shape_error);
  // Empty extents: well-defined results.
  const auto e = addmv(V(3), M(3, 0), V(0), 2.0);
  CHECK(e.numel() == 3);
  for (index_t i = 0; i < 3; ++i) CHECK(e.data()[i] == 0.0f);
  CHECK(outer(V(0), V(4)).numel() == 0);
}

// ---- gradients ------------------------------------------------------------------------------------------

using test::rnd;

TEST_CASE("gradcheck: addmm, addmv, addr, outer, ger, addbmm, baddbmm") {
  test::run_all(test::product_cases<test::FirstOrder>());  // autograd/cases_linalg.hpp
}

TEST_CASE("linalg products: the autograd nodes carry PyTorch's names; beta = 0 gives input a zero gradient") {
  Var<double, Shape<3>> in(rnd<Shape<3>>(-1, 1, 1), true);
  Var<double, Shape<3, 4>> m(rnd<Shape<3, 4>>(-1, 1, 2), true);
  Var<double, Shape<4>> v(rnd<Shape<4>>(-1, 1, 3), true);
  CHECK(std::string(addmv(in, m, v).grad_fn()) == "AddmvBackward0");
  CHECK(std::string(addr(m, in, v).grad_fn()) == "AddrBackward0");
  CHECK(std::string(outer(in, v).grad_fn()) == "MulBackward0");  // PyTorch's outer is a broadcast mul
  Var<double, Shape<2, 3, 4>> b1(rnd<Shape<2, 3, 4>>(-1, 1, 4), true);
  Var<double, Shape<2, 4, 3>> b2(rnd<Shape<2, 4, 3>>(-1, 1, 5), true);
  CHECK(std::string(addbmm(in, b1, b2).grad_fn()) == "AddbmmBackward0");
  CHECK(std::string(baddbmm(in, b1, b2).grad_fn()) == "BaddbmmBackward0");
  // A tensor input with a tracked operand still records.
  CHECK(std::string(addmv(Tensor<double, Shape<3>>{}, m, v).grad_fn()) == "AddmvBackward0");
}

// ---- eig ------------------------------------------------------------------------------------------------

namespace {

template <class T>
using Mat = Tensor<T, Shape<Dyn, Dyn>>;

template <class T>
Mat<T> random_mat(index_t n, unsigned seed) {
  Mat<T> a(n, n);
  std::mt19937 g(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  for (index_t i = 0; i < a.numel(); ++i) a.data()[i] = T(u(g));
  return a;
}

// Checks one n x n matrix a (row-major at ap) against its eigen-decomposition (real/imag parts of w and V,
// column j of V for w[j]): A V = V diag(w) to within c * n * eps * ||A||_F, unit-norm columns, conjugate
// pairs positive imaginary part first with conjugate vectors, a complex vector's largest component real.
template <class T>
void check_eigenpairs(index_t n, const T* ap, const T* wr, const T* wi, const T* vr, const T* vi, double c,
                      const std::string& what) {
  INFO(what);
  const double eps = std::numeric_limits<T>::epsilon();
  long double fro = 0;
  for (index_t i = 0; i < n * n; ++i) fro += (long double)ap[i] * ap[i];
  const double bound = c * double(std::max<index_t>(n, 1)) * eps * std::max(1.0, double(std::sqrt(fro)));
  double worst = 0, worst_norm = 0;
  for (index_t j = 0; j < n; ++j) {
    for (index_t i = 0; i < n; ++i) {
      std::complex<long double> s = 0;
      for (index_t k = 0; k < n; ++k)
        s += (long double)ap[i * n + k] * std::complex<long double>(vr[k * n + j], vi[k * n + j]);
      s -= std::complex<long double>(wr[j], wi[j]) * std::complex<long double>(vr[i * n + j], vi[i * n + j]);
      worst = std::max(worst, double(std::abs(s)));
    }
    long double nn = 0;
    for (index_t i = 0; i < n; ++i)
      nn += (long double)vr[i * n + j] * vr[i * n + j] + (long double)vi[i * n + j] * vi[i * n + j];
    worst_norm = std::max(worst_norm, std::fabs(double(nn) - 1));
    if (wi[j] > 0) {
      REQUIRE(j + 1 < n);
      CHECK(wr[j + 1] == wr[j]);
      CHECK(wi[j + 1] == -wi[j]);
      double maxmag = 0;
      for (index_t i = 0; i < n; ++i) {
        CHECK(vr[i * n + j + 1] == vr[i * n + j]);
        CHECK(vi[i * n + j + 1] == -vi[i * n + j]);
        maxmag = std::max(maxmag, double(std::hypot(vr[i * n + j], vi[i * n + j])));
      }
      // The component made real and positive is a largest one; with ties (a companion matrix's eigenvectors
      // have equal magnitudes) rounding decides which, so any component within rounding of the largest counts.
      bool real_positive_max = false;
      for (index_t i = 0; i < n; ++i)
        real_positive_max |= vi[i * n + j] == 0 && vr[i * n + j] > 0 &&
                             double(std::hypot(vr[i * n + j], vi[i * n + j])) >= maxmag * (1 - 64 * eps);
      CHECK(real_positive_max);
    } else if (wi[j] < 0) {
      CHECK((j > 0 && wi[j - 1] == -wi[j]));
    } else {
      for (index_t i = 0; i < n; ++i) CHECK(vi[i * n + j] == 0);
    }
  }
  CHECK_MESSAGE(worst <= bound, "max |A v - w v| = " << worst << " > " << bound);
  CHECK_MESSAGE(worst_norm <= 20 * n * eps, "max | |v|^2 - 1 | = " << worst_norm);
}

template <class Tn>
void check_eig(const Tn& a, double c, const std::string& what) {
  using T = typename Tn::value_type;
  const auto r = linalg::eig(a);
  const index_t n = a.sizes()[Tn::shape_type::rank - 1];
  const index_t count = n == 0 ? 0 : a.numel() / (n * n);
  for (index_t b = 0; b < count; ++b)
    check_eigenpairs<T>(n, a.data() + b * n * n, r.eigenvalues.real.data() + b * n, r.eigenvalues.imag.data() + b * n,
                        r.eigenvectors.real.data() + b * n * n, r.eigenvectors.imag.data() + b * n * n, c,
                        what + " batch " + std::to_string(b));
  // eigvals runs the same iteration without the vectors: the same eigenvalues, bit for bit.
  const auto w = linalg::eigvals(a);
  CHECK(w.real.tolist() == r.eigenvalues.real.tolist());
  CHECK(w.imag.tolist() == r.eigenvalues.imag.tolist());
}

// ctorch's eigenvalues sorted as the generator sorts PyTorch's: by (real rounded to 4 decimals, imag).
template <class T>
std::vector<std::pair<double, double>> sorted_eigs(const T* wr, const T* wi, index_t n) {
  std::vector<std::pair<double, double>> v;
  for (index_t i = 0; i < n; ++i) v.emplace_back(wr[i], wi[i]);
  std::sort(v.begin(), v.end(), [](const auto& x, const auto& y) {
    const double rx = std::round(x.first * 1e4) / 1e4, ry = std::round(y.first * 1e4) / 1e4;
    return rx != ry ? rx < ry : x.second < y.second;
  });
  return v;
}

template <class T, class S>
void eig_against_pytorch(const std::string& name, double rtol, double atol) {
  INFO(name);
  const auto a = G<T, S>("eig_" + name);
  const auto r = linalg::eig(a);
  const auto& gre = fx()["eig_" + name + "_re"];
  const auto& gim = fx()["eig_" + name + "_im"];
  const index_t n = a.sizes()[S::rank - 1];
  const index_t count = a.numel() / (n * n);
  std::vector<double> re, im;
  for (index_t b = 0; b < count; ++b)
    for (const auto& [x, y] : sorted_eigs(r.eigenvalues.real.data() + b * n, r.eigenvalues.imag.data() + b * n, n)) {
      re.push_back(x);
      im.push_back(y);
    }
  test::check_close(re, gre, rtol, atol, name + " real");
  test::check_close(im, gim, rtol, atol, name + " imag");
  check_eig(a, 50, name);
}

}  // namespace

TEST_CASE("linalg.eig: eigenvalues against PyTorch's (sorted), and A V = V diag(w)") {
  eig_against_pytorch<double, Shape<6, 6>>("rand6", 1e-10, 1e-12);
  eig_against_pytorch<float, Shape<Dyn, Dyn>>("rand5f", 1e-4, 1e-5);
  eig_against_pytorch<double, Shape<Dyn, 17>>("rand17", 1e-9, 1e-11);
  eig_against_pytorch<double, Shape<5, 5>>("sym5", 1e-10, 1e-12);
  eig_against_pytorch<double, Shape<2, 2>>("rot2", 1e-12, 1e-14);
  eig_against_pytorch<double, Shape<3, 3>>("rot3", 1e-12, 1e-14);
  eig_against_pytorch<double, Shape<Dyn, 3, 4, 4>>("batch", 1e-10, 1e-12);
  eig_against_pytorch<double, Shape<5, 5>>("companion", 1e-9, 1e-10);
  // A 2 x 2 Jordan block in disguise: its eigenvalue 2 splits by O(sqrt(eps)) (into a real or a complex
  // pair, depending on rounding), in PyTorch and here.
  eig_against_pytorch<double, Shape<3, 3>>("defective", 1e-7, 1e-7);
}

TEST_CASE("linalg.eig: random matrices of many sizes, float and double") {
  for (index_t n : {0, 1, 2, 3, 4, 5, 8, 13, 17, 33, 64, 100}) {
    check_eig(random_mat<double>(n, unsigned(n) + 1), 20, "double n=" + std::to_string(n));
    check_eig(random_mat<float>(n, unsigned(n) + 101), 20, "float n=" + std::to_string(n));
  }
  // Badly scaled: D A D^-1 with D spanning 1e-6 .. 1e6 (balancing keeps the eigenvalues accurate).
  auto a = random_mat<double>(12, 7);
  for (index_t i = 0; i < 12; ++i)
    for (index_t j = 0; j < 12; ++j) a(i, j) *= std::pow(10.0, double(i - j));
  const auto w0 = linalg::eigvals(random_mat<double>(12, 7));
  const auto w1 = linalg::eigvals(a);
  const auto s0 = sorted_eigs(w0.real.data(), w0.imag.data(), 12), s1 = sorted_eigs(w1.real.data(), w1.imag.data(), 12);
  for (std::size_t i = 0; i < 12; ++i) {
    CHECK(s1[i].first == doctest::Approx(s0[i].first).epsilon(1e-8));
    CHECK(s1[i].second == doctest::Approx(s0[i].second).epsilon(1e-8));
  }
}

TEST_CASE("linalg.eig: symmetric matrices have real eigenvalues equal to eigh's") {
  for (index_t n : {3, 10, 31}) {
    auto a = random_mat<double>(n, 40 + unsigned(n));
    Mat<double> s = a + transpose<0, 1>(a);
    check_eig(s, 20, "symmetric n=" + std::to_string(n));
    const auto w = linalg::eigvals(s);
    const auto h = linalg::eigvalsh(s);
    std::vector<double> re(w.real.data(), w.real.data() + n);
    std::sort(re.begin(), re.end());
    for (index_t i = 0; i < n; ++i) {
      CHECK(std::fabs(w.imag.data()[i]) <= 1e-12);
      CHECK(re[std::size_t(i)] == doctest::Approx(h.data()[i]).epsilon(1e-11).scale(10));
    }
  }
}

TEST_CASE("linalg.eig: defective and rotation matrices") {
  // A triangular Jordan block: eigenvalue 2 (three times, exactly), every eigenvector +-e0.
  const Tensor<double, Shape<3, 3>> j{{2, 1, 0}, {0, 2, 1}, {0, 0, 2}};
  check_eig(j, 20, "jordan");
  const auto rj = linalg::eig(j);
  for (index_t k = 0; k < 3; ++k) {
    CHECK(rj.eigenvalues.real.data()[k] == 2.0);
    CHECK(rj.eigenvalues.imag.data()[k] == 0.0);
    CHECK(std::fabs(rj.eigenvectors.real(0, k)) == doctest::Approx(1.0));
  }
  // A rotation by theta: cos +- i sin, eigenvectors (1, -i) / sqrt(2) and (1, i) / sqrt(2), as PyTorch.
  const double th = 0.7, c = std::cos(th), s = std::sin(th);
  const Tensor<double, Shape<2, 2>> rot{{c, -s}, {s, c}};
  check_eig(rot, 20, "rotation");
  const auto rr = linalg::eig(rot);
  CHECK(rr.eigenvalues.real(0) == doctest::Approx(c).epsilon(1e-15));
  CHECK(rr.eigenvalues.imag(0) == doctest::Approx(s).epsilon(1e-15));
  CHECK(rr.eigenvalues.imag(1) == doctest::Approx(-s).epsilon(1e-15));
  const double h = std::sqrt(0.5);
  CHECK(rr.eigenvectors.real(0, 0) == doctest::Approx(h));
  CHECK(rr.eigenvectors.imag(0, 0) == 0.0);
  CHECK(rr.eigenvectors.real(1, 0) == doctest::Approx(0.0).scale(1));
  CHECK(rr.eigenvectors.imag(1, 0) == doctest::Approx(-h));
  CHECK(rr.eigenvectors.imag(1, 1) == doctest::Approx(h));
  // Zero, identity and a nilpotent matrix: real eigenvalues 0 or 1.
  check_eig(Mat<double>(4, 4), 20, "zero");
  check_eig(eye<double, 5>(), 20, "identity");
  const Tensor<float, Shape<3, 3>> nil{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}};
  check_eig(nil, 20, "nilpotent");
}

TEST_CASE("linalg.eig: batches, shapes and errors") {
  Tensor<float, Shape<Dyn, 2, 6, 6>> a(3);
  std::mt19937 g(3);
  std::uniform_real_distribution<float> u(-1, 1);
  for (index_t i = 0; i < a.numel(); ++i) a.data()[i] = u(g);
  const auto r = linalg::eig(a);
  static_assert(test::shape_is<decltype(r.eigenvalues.real), Shape<Dyn, 2, 6>>);
  static_assert(test::shape_is<decltype(r.eigenvectors.imag), Shape<Dyn, 2, 6, 6>>);
  static_assert(test::dtype_is<decltype(r.eigenvalues.imag), float>);
  check_eig(a, 20, "batch");
  // Each batch element is the decomposition of that matrix alone.
  for (index_t b = 0; b < 6; ++b) {
    Tensor<float, Shape<6, 6>> m;
    std::copy(a.data() + b * 36, a.data() + (b + 1) * 36, m.data());
    const auto one = linalg::eig(m);
    for (index_t i = 0; i < 6; ++i) {
      CHECK(one.eigenvalues.real.data()[i] == r.eigenvalues.real.data()[b * 6 + i]);
      CHECK(one.eigenvalues.imag.data()[i] == r.eigenvalues.imag.data()[b * 6 + i]);
    }
    for (index_t i = 0; i < 36; ++i) CHECK(one.eigenvectors.real.data()[i] == r.eigenvectors.real.data()[b * 36 + i]);
  }
  auto [w, v] = linalg::eig(Tensor<double, Shape<4, 4>>(eye<double, 4>()));
  static_assert(test::shape_is<decltype(w.real), Shape<4>>);
  static_assert(test::shape_is<decltype(v.real), Shape<4, 4>>);
  const auto e = linalg::eig(Mat<double>(0, 0));
  CHECK(e.eigenvalues.real.numel() == 0);
  CHECK(e.eigenvectors.imag.numel() == 0);
  CHECK_THROWS_WITH_AS(linalg::eig(Mat<double>(2, 3)),
                       "ctorch: linalg.eig: A must be batches of square matrices, but they are 2 by 3 matrices",
                       shape_error);
  Mat<double> bad(3, 3);
  bad(1, 2) = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH_AS(linalg::eigvals(bad), "ctorch: linalg.eigvals: input tensor should not contain infs or NaNs.",
                       value_error);
  bad(1, 2) = std::numeric_limits<double>::infinity();
  CHECK_THROWS_AS(linalg::eig(bad), value_error);
}

TEST_CASE("linalg.eig: the QR iteration reports non-convergence (the kernel's info)") {
  // With no QR step allowed, a matrix that needs one reports the index of the eigenvalue it stopped at.
  auto a = random_mat<double>(4, 9);
  std::vector<double> wr(4), wi(4), ort(4);
  detail::lapack::MatRef<double> h{a.data(), 4, 1}, none{nullptr, 4, 1};
  detail::lapack::hessenberg<double>(4, h, none, ort.data());
  auto copy = a;
  CHECK(detail::lapack::hqr2<double>(4, h, wr.data(), wi.data(), none, 0) == 4);
  detail::lapack::MatRef<double> hc{copy.data(), 4, 1};
  CHECK(detail::lapack::hqr2<double>(4, hc, wr.data(), wi.data(), none, 300) == 0);
}
