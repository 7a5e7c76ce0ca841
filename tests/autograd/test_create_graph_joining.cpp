// Second derivatives through the joining and indexing ops: gradgradcheck (finite differences of the
// create_graph VJP, in double) over the same case list test_gradcheck_more.cpp runs with gradcheck
// (cases_joining.hpp), third derivatives against analytic values, and a registry test that every joining
// header with a gradient has a case here or sits in not_yet() (and that those still throw).
#include <doctest/doctest.h>

#include "autograd/cases_joining.hpp"
#include "autograd/gradcheck_support.hpp"
#include "support/golden_tensor.hpp"

#include <ctorch/autograd.hpp>
#include <ctorch/core.hpp>
#include <ctorch/ops/joining.hpp>
#include <ctorch/ops/pointwise.hpp>
#include <ctorch/ops/reduction/sum.hpp>
#include <functional>
#include <map>
#include <set>
#include <string>

using namespace ctorch;
using test::expect_near;
using autograd::GradOptions;

namespace {

constexpr GradOptions create{.create_graph = true};

// Joining headers with a gradient but no create_graph VJP yet, each with a call that must throw the
// "not supported" error (so the list cannot go stale). Empty: every op has one.
std::map<std::string, std::function<void()>> not_yet() {
  return {};
}

}  // namespace

TEST_CASE("gradgradcheck: every joining and indexing op with a gradient") {
  test::run_all(test::joining_cases<test::SecondOrder>());
}

// Each order is differentiated along a non-uniform direction (u, then v): along ones, a permutation's
// adjoint (flip) would look right even with its VJP left out.
TEST_CASE("create_graph: third derivatives through the joining ops' linear adjoints") {
  using S4 = Shape<4>;
  SUBCASE("index_select with a repeated index: sum(index_select(x)^4) along u, then v, gives 24 c u v x") {
    // c: how often the index names each entry (entry 2 never: its derivatives are 0).
    const Tensor<int64_t, S4> idx{3, 0, 3, 1};
    const Tensor<double, S4> c{1, 1, 0, 2}, u{1, -2, 3, 0.5}, v{0.5, 1.5, -1, 2};
    const auto x0 = test::rnd<S4>(-2, 2, 7);
    Var x(x0, true);
    auto y = index_select<0>(x, idx);
    auto [g1] = autograd::grad(sum(Var(y * y * y * y)), std::tuple{x}, create);
    expect_near(g1.value(), Tensor<double, S4>(4.0 * c * x0 * x0 * x0));
    auto [g2] = autograd::grad(sum(Var(g1 * u)), std::tuple{x}, create);
    expect_near(g2.value(), Tensor<double, S4>(12.0 * c * u * x0 * x0));
    auto [g3] = autograd::grad(sum(Var(g2 * v)), std::tuple{x}, GradOptions{});
    expect_near(g3.value(), Tensor<double, S4>(24.0 * c * u * v * x0));
  }
  SUBCASE("cat of a scaled flip and x: along u, then v, 24 u v x (w_flipped^4 + 1)") {
    using S3 = Shape<3>;
    const Tensor<double, S3> w{0.5, 1.5, 2}, wf4{16, 5.0625, 0.0625};  // w reversed, to the 4th
    const Tensor<double, S3> u{1, -2, 3}, v{0.5, 1.5, -1};
    const auto x0 = test::rnd<S3>(-2, 2, 8);
    Var x(x0, true);
    // y = [flip(x) * w, x]: sum(y^4) = sum_i x_i^4 (w_{2-i}^4 + 1).
    auto y = cat<0>(Var(flip<0>(x) * w), x);
    auto [g1] = autograd::grad(sum(Var(y * y * y * y)), std::tuple{x}, create);
    auto [g2] = autograd::grad(sum(Var(g1 * u)), std::tuple{x}, create);
    expect_near(g2.value(), Tensor<double, S3>(12.0 * u * x0 * x0 * (wf4 + 1.0)));
    auto [g3] = autograd::grad(sum(Var(g2 * v)), std::tuple{x}, GradOptions{});
    expect_near(g3.value(), Tensor<double, S3>(24.0 * u * v * x0 * (wf4 + 1.0)));
  }
}

TEST_CASE("gradgradcheck: no joining header escapes the list") {
  // Headers without a gradient (as in test_gradcheck_more.cpp's registry).
  const std::set<std::string> no_grad = {"common", "nonzero"};
  const auto cases = test::joining_cases<test::SecondOrder>();
  const auto pending = not_yet();
  for (const auto& stem : test::header_stems("joining")) {
    CAPTURE(stem);
    if (no_grad.count(stem)) continue;
    CHECK((cases.count(stem) == 1) != (pending.count(stem) == 1));
  }
  for (const auto& p : pending) {
    CAPTURE(p.first);
    CHECK(test::error_of(p.second).find("create_graph is not supported through") != std::string::npos);
  }
}
