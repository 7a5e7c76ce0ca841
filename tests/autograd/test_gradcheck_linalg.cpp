// Finite-difference checks (autograd::gradcheck, double precision) for the VJPs of the factorizations
// and solvers in include/ctorch/ops/linalg/, and a few gradients compared with PyTorch's
// (fixtures/grad_linalg.txt, from tests/golden/gen_grad_linalg.py).
//
// Inputs are well conditioned: random matrices with a dominant diagonal, symmetric positive-definite
// ones for the Cholesky family, distinct eigenvalues and singular values for eigh and svd. Ops that
// read one triangle of a symmetric input (cholesky, eigh) are checked through x + x^T, since their
// gradient, like PyTorch's, is symmetric. Eigenvectors and singular vectors are defined up to sign,
// so their checks go through sign-invariant functions (squares of the entries, U diag(w) V^T).
// Pivots (lu_unpack's and lu_solve's integer input) are constants of the checked function; the
// Householder cases use geqrf's reflectors (and one random set, whose H_i are not orthogonal); the
// PyTorch comparisons of eig's eigenvalues go through a symmetric function, blind to their order.
// eig's eigenvectors are defined up to a phase each, so their losses are blind to it (squared moduli,
// Re(V diag(h) V^H)), and to the order of the eigenpairs in the PyTorch comparisons.
// As in test_gradcheck_more.cpp, a test reads the headers on disk: every linalg header must have a
// case here, be a product checked in test_gradcheck.cpp, or sit in the list of headers without a
// gradient, with the reason.
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

#include "autograd/cases_linalg.hpp"
#include "support/fixture.hpp"

using namespace ctorch;
using autograd::gradcheck;

namespace {

using test::rnd;
using namespace test::linalg_cases_detail;
using test::linalg_cases;

// A golden tensor of a static shape.
template <class S>
Tensor<double, S> golden(const test::Fixture& fx, const std::string& name) {
  Tensor<double, S> t;
  test::load(t, fx[name]);
  return t;
}

// Backward of each output y_i of f(inputs...) (one Var or a tuple of them) with PyTorch's gradient u
// (u0, u1, ... for a tuple); the inputs' gradients against PyTorch's (fixtures/grad_linalg.txt).
template <class... S, class F>
void check_golden(const test::Fixture& fx, const std::string& c, F f) {
  CAPTURE(c);
  const char* in_names[] = {".x", ".b", ".c"};
  const char* grad_names[] = {".grad", ".grad_b", ".grad_c"};
  auto vars = [&]<std::size_t... I>(std::index_sequence<I...>) {
    return std::tuple{Var(golden<S>(fx, c + in_names[I]), true)...};
  }
  (std::index_sequence_for<S...>{});
  auto y = std::apply(f, vars);
  auto back = [&](const auto& out, const std::string& u) {
    typename std::remove_cvref_t<decltype(out)>::tensor_type g(out.dims());
    test::load(g, fx[c + u]);
    out.backward(g, true);
  };
  if constexpr (is_var_v<decltype(y)>) {
    back(y, ".u");
  } else {
    std::size_t i = 0;
    std::apply([&](const auto&... o) { (back(o, ".u" + std::to_string(i++)), ...); }, y);
  }
  std::size_t k = 0;
  std::apply(
      [&](const auto&... v) { (test::check_close(v.grad().tolist(), fx[c + grad_names[k++]], 1e-9, 1e-11, c), ...); },
      vars);
}

using test::header_stems;
using test::run_all;

}  // namespace

TEST_CASE("gradcheck: every linalg factorization and solver with a gradient") {
  run_all(linalg_cases<test::FirstOrder>());
}

TEST_CASE("linalg gradients match PyTorch's") {
  const test::Fixture fx("grad_linalg.txt");
  check_golden<S233>(fx, "inv", F1(linalg::inv(x)));
  check_golden<S233>(fx, "det", F1(linalg::det(x)));
  check_golden<S33>(fx, "slogdet", F1(linalg::slogdet(x).logabsdet));
  check_golden<S33>(fx, "logdet", F1(logdet(x)));
  check_golden<S33, Shape<2, 3, 2>>(fx, "solve", F2(linalg::solve(a, b)));
  check_golden<S233, Shape<2, 3>>(fx, "solve_vector", F2(linalg::solve(a, b)));
  check_golden<Shape<3, 2>, S33>(fx, "triangular_solve", F2(triangular_solve(a, b, true, true).solution));
  check_golden<Shape<3, 2>, S33>(fx, "triangular_solve_unit", F2(triangular_solve(a, b, false, false, true).solution));
  check_golden<S33, Shape<4, 3>>(fx, "solve_triangular_right", F2(linalg::solve_triangular(a, b, false, false)));
  check_golden<S33>(fx, "cholesky", F1(linalg::cholesky(x)));
  check_golden<S44>(fx, "cholesky_upper", F1(linalg::cholesky(x, true)));
  check_golden<Shape<3, 2>, S33>(fx, "cholesky_solve", F2(cholesky_solve(a, b)));
  check_golden<S33>(fx, "cholesky_inverse_upper", F1(cholesky_inverse(x, true)));
  check_golden<Shape<4, 3>>(fx, "qr", [](const auto& x) {
    auto r = linalg::qr(x);
    return std::tuple{r.Q, r.R};
  });
  check_golden<Shape<3, 5>>(fx, "qr_wide", [](const auto& x) {
    auto r = linalg::qr(x);
    return std::tuple{r.Q, r.R};
  });
  check_golden<S44>(fx, "eigh", [](const auto& x) {
    auto r = linalg::eigh(x);
    return std::tuple{r.eigenvalues, Var(square(r.eigenvectors))};
  });
  check_golden<Shape<5, 3>>(fx, "svd", [](const auto& x) {
    auto r = linalg::svd(x);
    return std::tuple{Var(square(r.U)), r.S, Var(square(r.Vh))};
  });
  check_golden<Shape<2, 3, 5>>(fx, "svd_wide", [](const auto& x) {
    auto r = linalg::svd(x);
    return std::tuple{Var(square(r.U)), r.S, Var(square(r.Vh))};
  });
  check_golden<Shape<3, 4>>(fx, "svd_product", [](const auto& x) {
    auto r = linalg::svd(x);
    return matmul(Var(r.U * Tensor<double, Shape<3>>{0.5, -1.0, 2.0}), r.Vh);
  });
  check_golden<Shape<3, 5>>(fx, "pinv", F1(linalg::pinv(x)));
  check_golden<Shape<5, 3>, Shape<5, 2>>(fx, "lstsq", F2(linalg::lstsq(a, b).solution));
  check_golden<Shape<3, 4>>(fx, "matrix_norm_nuc", F1(linalg::matrix_norm(x, "nuc")));
  check_golden<S33>(fx, "matrix_power", F1(linalg::matrix_power(x, -3)));
  check_golden<Shape<3, 4>>(fx, "trace", F1(trace(x)));
  const auto lu_lu = [](const auto& x) {
    auto r = linalg::lu(x);
    return std::tuple{r.L, r.U};
  };
  check_golden<S233>(fx, "lu", lu_lu);
  check_golden<Shape<5, 3>>(fx, "lu_tall", lu_lu);
  check_golden<Shape<2, 3, 5>>(fx, "lu_wide", lu_lu);
  check_golden<Shape<2, 4, 4>>(fx, "lu_factor", F1(linalg::lu_factor(x).LU));
  check_golden<Shape<5, 3>>(fx, "lu_factor_tall", F1(linalg::lu_factor(x).LU));
  check_golden<Shape<3, 4>>(fx, "lu_factor_wide", F1(linalg::lu_factor(x).LU));
  const auto unpack_lu = [](const auto& x) {
    auto r = lu_unpack(x, linalg::lu_factor(x.value()).pivots);
    return std::tuple{r.L, r.U};
  };
  check_golden<Shape<4, 3>>(fx, "lu_unpack", unpack_lu);
  check_golden<Shape<3, 5>>(fx, "lu_unpack_wide", unpack_lu);
  check_golden<S233, Shape<3, 2>>(fx, "lu_solve", [](const auto& a, const auto& b) {
    auto f = linalg::lu_factor(a);
    return linalg::lu_solve(f.LU, f.pivots, b);
  });
  check_golden<S44, Shape<2, 4, 3>>(fx, "lu_solve_adjoint", [](const auto& a, const auto& b) {
    auto f = linalg::lu_factor(a);
    return linalg::lu_solve(f.LU, f.pivots, b, true);
  });
  check_golden<Shape<5, 4>, Shape<4>>(fx, "orgqr", F2(linalg::householder_product(a, b)));
  check_golden<Shape<2, 5, 3>, Shape<2, 2>>(fx, "orgqr_k", F2(orgqr(a, b)));
  check_golden<Shape<4, 3>, Shape<3>, Shape<4, 2>>(fx, "ormqr", F3(ormqr(a, b, c)));
  check_golden<Shape<4, 3>, Shape<3>, Shape<4, 3>>(fx, "ormqr_t", F3(ormqr(a, b, c, true, true)));
  check_golden<Shape<4, 3>, Shape<3>, Shape<3, 4>>(fx, "ormqr_right", F3(ormqr(a, b, c, false)));
  check_golden<Shape<4, 3>, Shape<2>, Shape<2, 4>>(fx, "ormqr_right_t", F3(ormqr(a, b, c, false, true)));
  check_golden<Shape<2, 4, 4>>(fx, "eigvals", F1(EIG_LOSS(linalg::eigvals(x))));
  check_golden<Shape<5, 5>>(fx, "eig", F1(EIG_LOSS(linalg::eig(x).eigenvalues)));  // a complex pair
  check_golden<Shape<3, 5, 5>>(fx, "eig_gram", F1(eig_gram(linalg::eig(x))));
  check_golden<Shape<2, 4, 4>>(fx, "eig_rows", [](const auto& x) {  // both outputs, two complex pairs
    auto r = linalg::eig(x);
    const auto& v = r.eigenvectors;
    return std::tuple{EIG_LOSS(r.eigenvalues), Var(sum<-1>(v.real * v.real + v.imag * v.imag))};
  });
}

TEST_CASE("linalg gradients: names, results and errors") {
  Var a(diag_dominant<S33>(90), true);
  CHECK(std::string(linalg::inv(a).grad_fn()) == "LinalgInvExBackward0");
  CHECK(std::string(det(a).grad_fn()) == "LinalgDetBackward0");
  auto sl = linalg::slogdet(a);
  CHECK(is_tensor_v<decltype(sl.sign)>);  // no gradient for the sign
  CHECK(std::string(sl.logabsdet.grad_fn()) == "LinalgSlogdetBackward0");
  auto ls = linalg::lstsq(a, rnd<Shape<3, 2>>(-1, 1, 91));
  CHECK(is_tensor_v<decltype(ls.residuals)>);
  CHECK(std::string(ls.solution.grad_fn()) == "LinalgLstsqBackward0");
  // A Var that does not require grad records nothing.
  Var c(diag_dominant<S33>(92));
  CHECK(linalg::inv(c).grad_fn() == nullptr);
  // slogdet of a singular matrix: the value is -inf and backward has no finite gradient to give.
  Var s(Tensor<double, S33>{{1, 2, 3}, {2, 4, 6}, {0, 1, 3}}, true);
  CHECK_THROWS_AS(linalg::slogdet(s).logabsdet.backward(), value_error);
  // Complete QR of a tall matrix: not differentiable (as PyTorch).
  Var t(rnd<Shape<4, 2>>(-1, 1, 93), true);
  CHECK_THROWS_AS(sum(linalg::qr<linalg::QrMode::complete>(t).Q).backward(), value_error);
  // LU family: P and the pivots are Tensors (no gradient), L, U and LU Vars with PyTorch's names.
  auto lu = linalg::lu(a);
  CHECK(is_tensor_v<decltype(lu.P)>);
  CHECK(std::string(lu.L.grad_fn()) == "LinalgLuBackward0");
  CHECK(std::string(lu.U.grad_fn()) == "LinalgLuBackward0");
  auto lf = linalg::lu_factor(a);
  CHECK(is_tensor_v<decltype(lf.pivots)>);
  CHECK(std::string(lf.LU.grad_fn()) == "LinalgLuFactorExBackward0");
  CHECK(std::string(lu_unpack(lf.LU, lf.pivots).U.grad_fn()) == "LuUnpackBackward0");
  CHECK(std::string(linalg::lu_solve(lf.LU, lf.pivots, a).grad_fn()) == "LinalgLuSolveBackward0");
  CHECK(std::string(linalg::householder_product(a, Var(Tensor<double, Shape<2>>{0.5, 1.0})).grad_fn()) ==
        "LinalgHouseholderProductBackward0");
  CHECK(std::string(orgqr(a, Tensor<double, Shape<2>>{0.5, 1.0}).grad_fn()) == "LinalgHouseholderProductBackward0");
  CHECK(std::string(ormqr(a, Tensor<double, Shape<2>>{0.5, 1.0}, rnd<S33>(-1, 1, 94)).grad_fn()) == "OrmqrBackward0");
  // eig: every result a Var of LinalgEigBackward0.
  auto ev = linalg::eig(a);
  CHECK(std::string(ev.eigenvalues.imag.grad_fn()) == "LinalgEigBackward0");
  CHECK(std::string(ev.eigenvectors.real.grad_fn()) == "LinalgEigBackward0");
  CHECK(std::string(linalg::eigvals(a).real.grad_fn()) == "LinalgEigBackward0");
  CHECK(ev.eigenvectors.imag.value().tolist() == linalg::eig(a.value()).eigenvectors.imag.tolist());
  {
    // A loss that depends on the phases of complex eigenvectors (sum of their real parts) has no
    // gradient: backward throws (PyTorch's check), naming the op. The same matrix's |V|^2 passes it.
    Var x(rnd<Shape<5, 5>>(-1, 1, 138), true);  // a complex pair
    auto e = linalg::eig(x);
    REQUIRE(e.eigenvalues.imag.value().data()[3] != 0.0);
    CHECK_THROWS_WITH_AS(sum(e.eigenvectors.real).backward(), doctest::Contains("linalg.eig: backward"),
                         autograd_error);
    auto f = linalg::eig(x);
    CHECK_NOTHROW(
        sum(f.eigenvectors.real * f.eigenvectors.real + f.eigenvectors.imag * f.eigenvectors.imag).backward());
  }
  for (double im : linalg::eigvals(real_spectrum()).imag.tolist()) CHECK(im == 0.0);
  {
    // A repeated eigenvalue (the identity): the eigenvalues alone still have their gradient, I (the
    // eigenvector term, whose division by L_j - L_i would be 0 / 0, is skipped when gV is zero).
    Var x(Tensor<double, S33>{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, true);
    sum(linalg::eig(x).eigenvalues.real).backward();
    CHECK(x.grad().tolist() == Tensor<double, S33>{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}.tolist());
  }
  // The values are the forward's.
  CHECK(lu.U.value().tolist() == linalg::lu(a.value()).U.tolist());
  CHECK(lf.LU.value().tolist() == linalg::lu_factor(a.value()).LU.tolist());
  // Values are the forward's.
  CHECK(linalg::det(a).item() == doctest::Approx(linalg::det(a.value()).item()).epsilon(1e-14));
}

TEST_CASE("gradcheck: no linalg header escapes the list") {
  // Headers without a gradient, and why. A new header must be added to one of the lists.
  const std::set<std::string> no_grad = {
      "common",      "grad", "graph_grad", "lapack_common", "lapack_grad", "lapack_kernels",  // helpers and kernels
      "matrix_rank",  // int64 counts: piecewise constant, no gradient (as PyTorch)
      "geqrf",        // compact Householder form: PyTorch has no derivative for geqrf either
      "add_inplace",  // addmm_ and friends write into Tensors; a Var is not an in-place target
  };
  // The products and their helpers, gradchecked with the products (test_gradcheck.cpp and the files
  // of the product-like ops).
  const std::set<std::string> products = {"mm",    "matmul", "bmm",    "mv",      "dot",   "addmm",
                                          "addmv", "addr",   "addbmm", "baddbmm", "outer", "add_product"};
  const auto lc = linalg_cases<test::FirstOrder>();
  for (const auto& stem : header_stems("linalg")) {
    CAPTURE(stem);
    CHECK(int(lc.count(stem)) + int(no_grad.count(stem)) + int(products.count(stem)) == 1);
  }
}
