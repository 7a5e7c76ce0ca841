// The gradcheck cases of the factorizations and solvers in include/ctorch/ops/linalg/ (see
// test_gradcheck_linalg.cpp for how the inputs are chosen), written once for both orders: Check is
// test::FirstOrder (gradcheck, test_gradcheck_linalg.cpp) or test::SecondOrder (gradgradcheck,
// test_create_graph_linalg*.cpp); and the same for the products with an added input (addmm, addmv,
// addr, outer, ger, addbmm, baddbmm).
#pragma once
#include <doctest/doctest.h>

#include "autograd/gradcheck_support.hpp"

#include <ctorch/autograd.hpp>
#include <ctorch/core.hpp>
#include <ctorch/ops/joining.hpp>
#include <ctorch/ops/linalg.hpp>
#include <ctorch/ops/pointwise.hpp>
#include <ctorch/ops/reduction.hpp>
#include <ctorch/ops/view.hpp>
#include <map>
#include <set>
#include <string>

namespace ctorch::test::linalg_cases_detail {
using namespace ctorch;
using Case = test::GradCase;
using test::rnd;

// Random entries in [-1, 1] plus d on the diagonal of every matrix (the last two dims): well
// conditioned for d of a few units.
template <class S>
Tensor<double, S> diag_dominant(unsigned seed, double d = 3) {
  auto t = rnd<S>(-1, 1, seed);
  const index_t n = S::static_extents[S::rank - 1], m = S::static_extents[S::rank - 2];
  for (index_t b = 0; b < t.numel() / (m * n); ++b)
    for (index_t i = 0; i < std::min(m, n); ++i) t.data()[b * m * n + i * n + i] += d;
  return t;
}

// X X^T / n + I for each matrix: symmetric positive-definite with eigenvalues well apart from 0.
template <class S>
Tensor<double, S> spd(unsigned seed) {
  const auto x = rnd<S>(-1, 1, seed);
  Tensor<double, S> t;
  const index_t n = S::static_extents[S::rank - 1];
  for (index_t b = 0; b < t.numel() / (n * n); ++b)
    for (index_t i = 0; i < n; ++i)
      for (index_t j = 0; j < n; ++j) {
        double s = i == j ? 1.0 : 0.0;
        for (index_t k = 0; k < n; ++k) s += x.data()[b * n * n + i * n + k] * x.data()[b * n * n + j * n + k] / n;
        t.data()[b * n * n + i * n + j] = s;
      }
  return t;
}

// A lower-triangular factor with a positive diagonal (of spd(seed)), or its transpose.
template <class S>
Tensor<double, S> lower_factor(unsigned seed) {
  return Tensor<double, S>(linalg::cholesky(spd<S>(seed)));
}
template <class S>
Tensor<double, S> upper_factor(unsigned seed) {
  return Tensor<double, S>(linalg::cholesky(spd<S>(seed), true));
}

// Ones on and below (or above, upper) the diagonal of each matrix: x * tri_ones is tril(x) (triu(x))
// as a product, whose create_graph VJP every checker has.
template <class S>
Tensor<double, S> tri_ones(bool upper) {
  Tensor<double, S> t;
  const index_t n = S::static_extents[S::rank - 1];
  for (index_t i = 0; i < t.numel(); ++i) {
    const index_t r = i / n % n, c = i % n;
    t.data()[i] = (upper ? c >= r : c <= r) ? 1.0 : 0.0;
  }
  return t;
}

// The reflectors of geqrf of a random matrix of shape S and the first taus of each matrix (ST's last
// extent of them: fewer than min(m, n) leaves the last columns of the reflectors unused).
template <class S, class ST>
std::pair<Tensor<double, S>, Tensor<double, ST>> reflectors(unsigned seed) {
  const auto g = geqrf(rnd<S>(-1, 1, seed));
  Tensor<double, ST> tau;
  const index_t k = ST::static_extents[ST::rank - 1], kf = g.tau.sizes()[ST::rank - 1];
  for (index_t i = 0; i < tau.numel(); ++i) tau.data()[i] = g.tau.data()[i / k * kf + i % k];
  return {g.a, tau};
}

#define F1(...) [](const auto& x) { return __VA_ARGS__; }
#define F2(...) [](const auto& a, const auto& b) { return __VA_ARGS__; }
#define F3(...) [](const auto& a, const auto& b, const auto& c) { return __VA_ARGS__; }

// A symmetric function of the eigenvalues w (a ComplexTensor of Vars), blind to their order; its
// gradient reaches both parts of a complex pair.
#define EIG_LOSS(w) Var(sum((w).real*(w).real*(w).real + 2.0 * (w).real * (w).imag * (w).imag + (w).imag * (w).imag))

// Re(V diag(h) V^H) of linalg::eig's result r, h = 1 + Re(w) + Im(w)^2 (Vars): blind to the phase of
// each eigenvector (V_j conj(V_j)^T) and to the order of the eigenpairs.
template <class R>
auto eig_gram(const R& r) {
  const auto& w = r.eigenvalues;
  const auto& vr = r.eigenvectors.real;
  const auto& vi = r.eigenvectors.imag;
  auto h = unsqueeze<-2>(Var(1.0 + w.real + w.imag * w.imag));
  return Var(matmul(Var(vr * h), transpose<-2, -1>(vr)) + matmul(Var(vi * h), transpose<-2, -1>(vi)));
}

// sum(L * w) + sum(U * v) of linalg::lu / lu_unpack's result r.
#define LU_SUM(r) Var(sum((r).L* w) + sum((r).U * v))

using S33 = Shape<3, 3>;
using S233 = Shape<2, 3, 3>;
using S44 = Shape<4, 4>;

// diag(1, 2, 3, 4) perturbed: real, distinct eigenvalues (checked in "names, results and errors").
inline Tensor<double, S44> real_spectrum() {
  auto t = rnd<S44>(-0.3, 0.3, 142);
  for (index_t i = 0; i < 4; ++i) t.data()[i * 5] += double(i + 1);
  return t;
}

// x + x^T: the symmetric input of the ops that read one triangle.
#define SYM(x) Var((x) + transpose<-2, -1>(x))

// The solvers, inverses, determinants, triangular and Cholesky solves, trace and matrix_power.
template <class Check>
std::map<std::string, test::GradCase> linalg_cases_1() {
  const auto with = [](auto f, auto... x) { return test::fixed_inputs<Check>(f, x...); };
  const Tensor<double, S33> singular{{1, 2, 3}, {2, 4, 6}, {0, 1, 3}};  // rank 2: the cofactors are not 0
  const Tensor<double, S33> negdet{{0.5, 2, 0.1}, {1.5, 0.3, -0.2}, {0.1, 0.4, 2}};
  return {
      {"inverse", with(F1(inverse(x)), diag_dominant<S33>(1))},
      {"inverse_batched", with(F1(linalg::inv(x * 2.0)), diag_dominant<S233>(2))},
      {"det", with(F1(linalg::det(x)), diag_dominant<S33>(3))},
      {"det_batched", with(F1(det(x)), diag_dominant<Shape<2, 2, 4, 4>>(4, 1))},
      {"det_singular", with(F1(det(x)), singular)},
      {"det_negative", with(F1(det(x)), negdet)},
      {"slogdet", with(F1(linalg::slogdet(x).logabsdet), diag_dominant<S233>(5))},
      {"slogdet_negative", with(F1(slogdet(x).logabsdet), negdet)},
      {"logdet", with(F1(logdet(x)), spd<S233>(6))},
      {"solve", with(F2(linalg::solve(a, b)), diag_dominant<S33>(7), rnd<Shape<3, 2>>(-1, 1, 8))},
      {"solve_vector", with(F2(linalg::solve(a, b)), diag_dominant<S233>(9), rnd<Shape<2, 3>>(-1, 1, 10))},
      {"solve_broadcast_a", with(F2(linalg::solve(a, b)), diag_dominant<S33>(11), rnd<Shape<2, 3, 2>>(-1, 1, 12))},
      {"solve_broadcast_b", with(F2(linalg::solve(a, b)), diag_dominant<S233>(13), rnd<Shape<1, 3, 4>>(-1, 1, 14))},
      {"solve_constant_a",
       with([a = diag_dominant<S33>(15)](const auto& b) { return linalg::solve(a, b * b); }, rnd<Shape<3>>(-1, 1, 16))},
      {"triangular_solve",
       with(F2(triangular_solve(b, a).solution), diag_dominant<S233>(17), rnd<Shape<2, 3, 2>>(-1, 1, 18))},
      {"triangular_solve_lower_t",
       with(F2(triangular_solve(b, a, false, true).solution), diag_dominant<S33>(19), rnd<Shape<2, 3, 4>>(-1, 1, 20))},
      {"triangular_solve_unit", with(F2(triangular_solve(b, a, true, true, true).solution), diag_dominant<S33>(21),
                                     rnd<Shape<3, 2>>(-1, 1, 22))},
      {"triangular_solve_lower_unit", with(F2(triangular_solve(b, a, false, false, true).solution),
                                           diag_dominant<S33>(23), rnd<Shape<3, 2>>(-1, 1, 24))},
      {"triangular_solve_coefficient", with(
                                           [](const auto& a, const auto& b) {
                                             auto r = triangular_solve(b, a);
                                             return Var(sum(r.solution) +
                                                        sum(r.cloned_coefficient * r.cloned_coefficient));
                                           },
                                           diag_dominant<S33>(25), rnd<Shape<3, 2>>(-1, 1, 26))},
      {"solve_triangular",
       with(F2(linalg::solve_triangular(a, b, false)), diag_dominant<S233>(27), rnd<Shape<3, 2>>(-1, 1, 28))},
      {"solve_triangular_right",
       with(F2(linalg::solve_triangular(a, b, true, false)), diag_dominant<S33>(29), rnd<Shape<2, 4, 3>>(-1, 1, 30))},
      {"solve_triangular_right_unit", with(F2(linalg::solve_triangular(a, b, false, false, true)),
                                           diag_dominant<S33>(31), rnd<Shape<4, 3>>(-1, 1, 32))},
      {"cholesky", with(F1(linalg::cholesky(SYM(x))), spd<S233>(33))},
      {"cholesky_upper", with(F1(cholesky(SYM(x), true)), spd<S44>(34))},
      {"cholesky_solve", with(F2(cholesky_solve(b, Var(a * tri_ones<S233>(false)))), lower_factor<S233>(35),
                              rnd<Shape<2, 3, 2>>(-1, 1, 36))},
      {"cholesky_solve_upper", with(F2(cholesky_solve(b, Var(a * tri_ones<S33>(true)), true)), upper_factor<S33>(37),
                                    rnd<Shape<2, 3, 4>>(-1, 1, 38))},
      {"cholesky_inverse", with(F1(cholesky_inverse(Var(x * tri_ones<S233>(false)))), lower_factor<S233>(39))},
      {"cholesky_inverse_upper", with(F1(cholesky_inverse(Var(x * tri_ones<S44>(true)), true)), upper_factor<S44>(40))},
      {"trace", with(F1(trace(x * x)), rnd<Shape<3, 4>>(-1, 1, 41))},
      {"matrix_power", with(F1(linalg::matrix_power(x, 3)), rnd<S233>(-1, 1, 42))},
      {"matrix_power_one", with(F1(matrix_power(x, 1)), rnd<S33>(-1, 1, 43))},
      {"matrix_power_zero", with(F1(Var(matrix_power(x, 0) + x)), rnd<S33>(-1, 1, 44))},
      {"matrix_power_negative", with(F1(linalg::matrix_power(x, -2)), diag_dominant<S233>(45))},
  };
}

// The factorizations (QR, eigh, SVD, LU, Householder products, eig) and what is computed through them
// (matrix_norm, pinv, lstsq).
template <class Check>
std::map<std::string, test::GradCase> linalg_cases_2() {
  const auto with = [](auto f, auto... x) { return test::fixed_inputs<Check>(f, x...); };
  const auto q543 = reflectors<Shape<2, 5, 4>, Shape<2, 3>>(100);  // k = 3 < n = 4
  const auto q43 = reflectors<Shape<4, 3>, Shape<3>>(101);
  const auto q53 = reflectors<Shape<2, 5, 3>, Shape<2, 2>>(102);
  const auto lu_fixed = linalg::lu_factor(diag_dominant<S233>(103, 1));  // the pivots of lu_solve_factors
  return {
      {"qr", with(
                 [w = rnd<Shape<2, 4, 3>>(-1, 1, 46), v = rnd<Shape<2, 3, 3>>(-1, 1, 47)](const auto& x) {
                   auto [q, r] = linalg::qr(x);
                   return Var(sum(q * w) + sum(r * v));
                 },
                 rnd<Shape<2, 4, 3>>(-1, 1, 48))},
      {"qr_square_q", with(F1(qr(x).Q), diag_dominant<S33>(49))},
      {"qr_wide", with(
                      [w = rnd<Shape<3, 3>>(-1, 1, 50), v = rnd<Shape<3, 5>>(-1, 1, 51)](const auto& x) {
                        auto [q, r] = linalg::qr(x);
                        return Var(sum(q * w) + sum(r * v));
                      },
                      rnd<Shape<3, 5>>(-1, 1, 52))},
      {"qr_complete_wide", with(F1(linalg::qr<linalg::QrMode::complete>(x).R), rnd<Shape<2, 4>>(-1, 1, 53))},
      {"eigh", with(F1(linalg::eigh(SYM(x)).eigenvalues), rnd<S233>(-1, 1, 54))},
      {"eigh_vectors", with(
                           [w = rnd<S44>(-1, 1, 55)](const auto& x) {  // squares: blind to the signs
                             return Var(square(linalg::eigh(SYM(x), 'U').eigenvectors) * w);
                           },
                           rnd<S44>(-1, 1, 56))},
      {"eigh_both", with(
                        [w = rnd<S233>(-1, 1, 57)](const auto& x) {
                          auto [e, v] = linalg::eigh(SYM(x));
                          return Var(sum(square(v) * w) + sum(e * e));
                        },
                        rnd<S233>(-1, 1, 58))},
      {"eigvalsh", with(F1(linalg::eigvalsh(SYM(x))), rnd<S44>(-1, 1, 59))},
      {"svd", with(
                  [w = rnd<Shape<2, 5, 3>>(-1, 1, 60), v = rnd<Shape<2, 3, 3>>(-1, 1, 61)](const auto& x) {
                    auto [u, s, vh] = linalg::svd(x);
                    return Var(sum(square(u) * w) + sum(s * s * s) + sum(square(vh) * v));
                  },
                  rnd<Shape<2, 5, 3>>(-1, 1, 62))},
      {"svd_wide_u",
       with([w = rnd<Shape<3, 3>>(-1, 1, 63)](const auto& x) { return Var(square(linalg::svd(x).U) * w); },
            rnd<Shape<3, 5>>(-1, 1, 64))},
      {"svd_wide_vh",
       with([w = rnd<Shape<3, 5>>(-1, 1, 65)](const auto& x) { return Var(square(linalg::svd(x).Vh) * w); },
            rnd<Shape<3, 5>>(-1, 1, 66))},
      {"svd_tall_u",
       with([w = rnd<Shape<5, 3>>(-1, 1, 67)](const auto& x) { return Var(square(linalg::svd(x).U) * w); },
            rnd<Shape<5, 3>>(-1, 1, 68))},
      {"svd_product", with(  // U diag(w) Vh: the singular vectors' signs cancel
                          [w = Tensor<double, Shape<1, 3>>{{0.5, -1.0, 2.0}}](const auto& x) {
                            auto [u, s, vh] = linalg::svd(x);
                            return matmul(Var(u * w), vh);
                          },
                          rnd<Shape<4, 3>>(-1, 1, 69))},
      {"svd_full_matrices", with(
                                [w = rnd<Shape<2, 2>>(-1, 1, 70)](const auto& x) {
                                  auto [u, s, vh] = linalg::svd<true>(x);
                                  return Var(sum(s) + sum(square(u) * w));  // m == k: U has no extra columns
                                },
                                rnd<Shape<2, 4>>(-1, 1, 71))},
      {"svd_torch_v", with([w = rnd<Shape<3, 3>>(-1, 1, 72)](const auto& x) { return Var(square(svd(x).V) * w); },
                           rnd<Shape<5, 3>>(-1, 1, 73))},
      {"svdvals", with(F1(linalg::svdvals(x)), rnd<Shape<2, 3, 4>>(-1, 1, 74))},
      {"matrix_norm", with(F1(linalg::matrix_norm(x)), rnd<Shape<2, 3, 4>>(-1, 1, 75))},
      {"matrix_norm_nuc", with(F1(linalg::matrix_norm(x, "nuc")), rnd<Shape<2, 4, 3>>(-1, 1, 76))},
      {"matrix_norm_2", with(F1(linalg::matrix_norm(x, 2)), rnd<Shape<3, 4>>(-1, 1, 77))},
      {"matrix_norm_minus2", with(F1(linalg::matrix_norm(x, -2)), rnd<Shape<2, 4, 3>>(-1, 1, 78))},
      {"matrix_norm_1", with(F1(linalg::matrix_norm(x, 1)), rnd<Shape<2, 3, 4>>(-1, 1, 79))},
      {"matrix_norm_minus_inf", with(F1(linalg::matrix_norm(x, -INFINITY)), rnd<Shape<3, 4>>(-1, 1, 80))},
      {"pinverse", with(F1(pinverse(x)), rnd<Shape<2, 4, 3>>(-1, 1, 81))},
      {"pinv_wide", with(F1(linalg::pinv(x)), rnd<Shape<3, 5>>(-1, 1, 82))},
      {"pinv_square", with(F1(linalg::pinv(x)), diag_dominant<S33>(83))},
      {"lstsq", with(F2(linalg::lstsq(a, b).solution), rnd<Shape<2, 5, 3>>(-1, 1, 84), rnd<Shape<5, 2>>(-1, 1, 85))},
      {"lstsq_wide",
       with(F2(linalg::lstsq(a, b).solution), rnd<Shape<3, 5>>(-1, 1, 86), rnd<Shape<2, 3, 2>>(-1, 1, 87))},
      {"lu",
       with([w = rnd<S233>(-1, 1, 104), v = rnd<S233>(-1, 1, 105)](const auto& x) { return LU_SUM(linalg::lu(x)); },
            rnd<S233>(-1, 1, 106))},
      {"lu_tall", with([w = rnd<Shape<2, 5, 3>>(-1, 1, 107),
                        v = rnd<S233>(-1, 1, 108)](const auto& x) { return LU_SUM(linalg::lu(x)); },
                       rnd<Shape<2, 5, 3>>(-1, 1, 109))},
      {"lu_wide", with([w = rnd<S33>(-1, 1, 110),
                        v = rnd<Shape<3, 7>>(-1, 1, 111)](const auto& x) { return LU_SUM(linalg::lu(x)); },
                       rnd<Shape<3, 7>>(-1, 1, 112))},
      {"lu_l_only", with(F1(linalg::lu(x).L), rnd<Shape<5, 2>>(-1, 1, 113))},
      {"lu_u_only", with(F1(linalg::lu(x).U), rnd<Shape<2, 2, 5>>(-1, 1, 114))},
      {"lu_factor", with(F1(linalg::lu_factor(x).LU), rnd<Shape<2, 4, 4>>(-1, 1, 115))},
      {"lu_factor_tall", with(F1(linalg::lu_factor(x).LU), rnd<Shape<6, 4>>(-1, 1, 116))},
      {"lu_factor_wide", with(F1(linalg::lu_factor(x).LU), rnd<Shape<2, 3, 5>>(-1, 1, 117))},
      {"lu_unpack", with(  // the pivots are constants
                        [w = rnd<Shape<5, 3>>(-1, 1, 118), v = rnd<S33>(-1, 1, 119)](const auto& x) {
                          return LU_SUM(lu_unpack(x, linalg::lu_factor(x.value()).pivots));
                        },
                        rnd<Shape<5, 3>>(-1, 1, 120))},
      {"lu_unpack_wide", with([w = rnd<Shape<2, 3, 3>>(-1, 1, 121), v = rnd<Shape<2, 3, 4>>(-1, 1, 122)](
                                  const auto& x) { return LU_SUM(lu_unpack(x, linalg::lu_factor(x.value()).pivots)); },
                              rnd<Shape<2, 3, 4>>(-1, 1, 123))},
      {"lu_solve", with(
                       [](const auto& a, const auto& b) {
                         auto f = linalg::lu_factor(a);
                         return linalg::lu_solve(f.LU, f.pivots, b);
                       },
                       diag_dominant<S233>(124, 1), rnd<Shape<3, 2>>(-1, 1, 125))},
      {"lu_solve_adjoint", with(
                               [](const auto& a, const auto& b) {
                                 auto f = linalg::lu_factor(a);
                                 return linalg::lu_solve(f.LU, f.pivots, b, true);
                               },
                               diag_dominant<S44>(126, 1), rnd<Shape<2, 4, 3>>(-1, 1, 127))},
      {"lu_solve_factors", with(  // LU itself the input (pivots fixed), torch.lu_solve's argument order
                               [p = lu_fixed.pivots](const auto& lu, const auto& b) { return lu_solve(b, lu, p); },
                               lu_fixed.LU, rnd<Shape<3, 2, 3, 1>>(-1, 1, 128))},
      {"lu_solve_factors_adjoint",
       with([p = lu_fixed.pivots](const auto& lu, const auto& b) { return linalg::lu_solve(lu, p, b, true); },
            lu_fixed.LU, rnd<Shape<3, 4>>(-1, 1, 129))},
      {"orgqr", with(F2(orgqr(a, b)), q543.first, q543.second)},
      {"householder_product_full_k", with(F2(linalg::householder_product(a, b)), q43.first, q43.second)},
      {"orgqr_random", with(F2(linalg::householder_product(a, b)), rnd<Shape<4, 3>>(-1, 1, 130),
                            rnd<Shape<2>>(-0.3, 0.3, 131))},  // not geqrf's: H_i not orthogonal
      {"ormqr", with(F3(ormqr(a, b, c)), q53.first, q53.second, rnd<Shape<2, 5, 3>>(-1, 1, 132))},
      {"ormqr_t", with(F3(ormqr(a, b, c, true, true)), q43.first, q43.second, rnd<Shape<4, 2>>(-1, 1, 133))},
      {"ormqr_right", with(F3(ormqr(a, b, c, false)), q53.first, q53.second, rnd<Shape<2, 4, 5>>(-1, 1, 134))},
      {"ormqr_right_t", with(F3(ormqr(a, b, c, false, true)), q43.first, q43.second, rnd<Shape<1, 4>>(-1, 1, 135))},
      {"eigvals", with(  // two complex pairs, two real eigenvalues
                      [w = rnd<Shape<2, 4>>(-1, 1, 137)](const auto& x) {
                        auto r = linalg::eigvals(x);
                        return Var(sum(r.real * w) + sum(r.imag * r.imag * w));
                      },
                      rnd<Shape<2, 4, 4>>(-1, 1, 7))},
      {"eigvals_imag", with(F1(linalg::eigvals(x).imag), rnd<Shape<5, 5>>(-1, 1, 138))},
      {"eig", with(F1(EIG_LOSS(linalg::eig(x).eigenvalues)), rnd<Shape<3, 3>>(-1, 1, 139))},
      {"eig_vectors", with(  // three real eigenvalues and a complex pair; sum(W |V|^2)
                          [w = rnd<Shape<5, 5>>(-1, 1, 140)](const auto& x) {
                            auto v = linalg::eig(x).eigenvectors;
                            return Var(sum(w * (v.real * v.real + v.imag * v.imag)));
                          },
                          rnd<Shape<5, 5>>(-1, 1, 138))},
      {"eig_gram_imag", with(  // Im(V diag(Im(w)) V^H): a pair's two terms add up, not cancel
                            [](const auto& x) {
                              auto r = linalg::eig(x);
                              const auto& vr = r.eigenvectors.real;
                              const auto& vi = r.eigenvectors.imag;
                              auto h = unsqueeze<-2>(r.eigenvalues.imag);
                              return Var(matmul(Var(vi * h), transpose<-2, -1>(vr)) -
                                         matmul(Var(vr * h), transpose<-2, -1>(vi)));
                            },
                            rnd<Shape<5, 5>>(-1, 1, 138))},
      {"eig_gram", with(F1(eig_gram(linalg::eig(x))), rnd<Shape<2, 4, 4>>(-1, 1, 7))},  // batched, both outputs
      {"eig_real_spectrum", with(  // real eigenvectors: their sign is the only gauge, locally constant
                                F1(linalg::eig(x).eigenvectors.real), real_spectrum())},
      {"ormqr_other_only", with([q = q43](const auto& c) { return ormqr(q.first, q.second, c * c, false, true); },
                                rnd<Shape<3, 4>>(-1, 1, 136))},
  };
}

// Every case: linalg_cases_1 and linalg_cases_2 (two lists so that the create_graph test, whose
// instantiations are large, can compile them in two translation units).
template <class Check>
std::map<std::string, test::GradCase> linalg_cases() {
  auto all = linalg_cases_1<Check>();
  all.merge(linalg_cases_2<Check>());
  return all;
}

// The cases whose ops have no create_graph VJP yet (or, det_singular, are at a point it refuses):
// test_create_graph_linalg*.cpp check that each throws the "not supported" autograd_error.
inline const std::set<std::string>& linalg_not_yet() {
  static const std::set<std::string> s = {
      "det_singular",  // the cofactors of a singular matrix come from an SVD
      // lu and lu_factor of a non-square matrix, Householder products, eig: no
      // create_graph VJP yet
      "eig",
      "eig_gram",
      "eig_gram_imag",
      "eig_real_spectrum",
      "eig_vectors",
      "eigvals",
      "eigvals_imag",
      "householder_product_full_k",
      "lu_factor_tall",
      "lu_factor_wide",
      "lu_l_only",
      "lu_tall",
      "lu_u_only",
      "lu_wide",
      "orgqr",
      "orgqr_random",
      "ormqr",
      "ormqr_other_only",
      "ormqr_right",
      "ormqr_right_t",
      "ormqr_t",
  };
  return s;
}

// A checker that runs nothing: the names of a case list without instantiating its checks.
struct NamesOnly {
  template <class F, class... X>
  static autograd::GradcheckResult run(F, const std::tuple<X...>&) {
    return {};
  }
};

// addmm, addmv, addr, outer, ger, addbmm, baddbmm (the first-order ones ran in test_products.cpp).
template <class Check>
std::map<std::string, test::GradCase> product_cases() {
  const auto with = [](auto f, auto... x) { return test::fixed_inputs<Check>(f, x...); };
#define P3(...) [](const auto& i, const auto& a, const auto& b) { return __VA_ARGS__; }
  return {
      {"addmm", with(P3(addmm(i, a, b, 0.5, 2.0)), rnd<Shape<5>>(-1, 1, 0), rnd<Shape<3, 4>>(-1, 1, 1),
                     rnd<Shape<4, 5>>(-1, 1, 2))},
      {"addmv", with(P3(addmv(i, a, b, 0.5, 2.0)), rnd<Shape<3>>(-1, 1, 1), rnd<Shape<3, 4>>(-1, 1, 2),
                     rnd<Shape<4>>(-1, 1, 3))},
      {"addmv_bcast_default",
       with(P3(addmv(i, a, b)), rnd<Shape<1>>(-1, 1, 4), rnd<Shape<5, 2>>(-1, 1, 5), rnd<Shape<2>>(-1, 1, 6))},
      {"addmv_transposed", with(P3(addmv(i, transpose<0, 1>(a), b, -1.5, 0.5)), rnd<Shape<3>>(-1, 1, 7),
                                rnd<Shape<4, 3>>(-1, 1, 8), rnd<Shape<4>>(-1, 1, 9))},
      {"addr",
       with(P3(addr(i, a, b, 0.5, 2.0)), rnd<Shape<3, 4>>(-1, 1, 1), rnd<Shape<3>>(-1, 1, 2), rnd<Shape<4>>(-1, 1, 3))},
      {"addr_bcast",
       with(P3(addr(i, a, b)), rnd<Shape<3, 1>>(-1, 1, 4), rnd<Shape<3>>(-1, 1, 5), rnd<Shape<5>>(-1, 1, 6))},
      {"outer", with(F2(outer(a, b)), rnd<Shape<3>>(-1, 1, 1), rnd<Shape<4>>(-1, 1, 2))},
      {"ger", with(F2(ger(a * b, b)), rnd<Shape<4>>(-1, 1, 3), rnd<Shape<4>>(-1, 1, 4))},
      {"addbmm", with(P3(addbmm(i, a, b, 0.5, 2.0)), rnd<Shape<4>>(-1, 1, 1), rnd<Shape<2, 3, 5>>(-1, 1, 2),
                      rnd<Shape<2, 5, 4>>(-1, 1, 3))},
      {"addbmm_full_input", with(P3(addbmm(i, a, b)), rnd<Shape<3, 4>>(-1, 1, 4), rnd<Shape<3, 3, 2>>(-1, 1, 5),
                                 rnd<Shape<3, 2, 4>>(-1, 1, 6))},
      {"baddbmm", with(P3(baddbmm(i, a, b, 0.5, 2.0)), rnd<Shape<2, 3, 4>>(-1, 1, 1), rnd<Shape<2, 3, 5>>(-1, 1, 2),
                       rnd<Shape<2, 5, 4>>(-1, 1, 3))},
      {"baddbmm_bcast", with(P3(baddbmm(i, a, b, -1.0, 0.75)), rnd<Shape<1, 3, 1>>(-1, 1, 4),
                             rnd<Shape<2, 3, 5>>(-1, 1, 5), rnd<Shape<2, 5, 4>>(-1, 1, 6))},
  };
#undef P3
}

}  // namespace ctorch::test::linalg_cases_detail

namespace ctorch::test {
using linalg_cases_detail::linalg_cases;
using linalg_cases_detail::linalg_cases_1;
using linalg_cases_detail::linalg_cases_2;
using linalg_cases_detail::linalg_not_yet;
using linalg_cases_detail::NamesOnly;
using linalg_cases_detail::product_cases;

// Runs the cases of `cases` under gradgradcheck: those in linalg_not_yet() must throw the "not
// supported" autograd_error (so the list cannot go stale), every other must pass. A throwing case
// does not hide the others.
inline void linalg_run_second_order(const std::map<std::string, test::GradCase>& cases) {
  for (const auto& [name, c] : cases) {
    CAPTURE(name);
    if (linalg_not_yet().count(name)) {
      CHECK_THROWS_WITH_AS((void)c(), doctest::Contains("create_graph is not supported through"), autograd_error);
      continue;
    }
    autograd::GradcheckResult r;
    CHECK_NOTHROW(r = c());
    INFO(r.message);
    CHECK(r.ok);
  }
}
}  // namespace ctorch::test
