// Second derivatives through the nn functional ops (softmax, log_softmax, cross_entropy with every option,
// nll_loss, mse_loss, conv2d, max_pool2d, avg_pool2d and the layers that call them) and the sorting ops
// (clone, cross, renorm, and those whose create_graph VJPs come from the reductions): gradgradcheck over
// the same case lists the first-order tests run (tests/nn/cases_nn.hpp, tests/autograd/cases_sorting.hpp).
// Ops still without a create_graph VJP are listed in not_yet(), and a test checks that each of them still
// throws, so the list cannot go stale. And a WGAN-GP-style gradient penalty through a small conv net
// against PyTorch (tests/golden/gen_create_graph_nn.py).
#include <doctest/doctest.h>

#include <ctorch/autograd.hpp>
#include <ctorch/core.hpp>
#include <ctorch/nn/conv.hpp>
#include <ctorch/nn/functional/linear.hpp>
#include <ctorch/ops/pointwise.hpp>
#include <ctorch/ops/reduction/sum.hpp>
#include <ctorch/ops/view/reshape.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "autograd/cases_sorting.hpp"
#include "autograd/gradcheck_support.hpp"
#include "nn/cases_nn.hpp"
#include "support/golden_tensor.hpp"

using namespace ctorch;

namespace {

// The cases whose op has no create_graph VJP yet: gradgradcheck throws naming it.
const std::set<std::string>& not_yet() {
  static const std::set<std::string> s = {};
  return s;
}

void run_second_order(const std::map<std::string, test::GradCase>& cases) {
  for (const auto& [name, c] : cases) {
    CAPTURE(name);
    if (not_yet().count(name)) {
      const std::string msg = test::error_of([&] { (void)c(); });
      CHECK(msg.find("create_graph is not supported through") != std::string::npos);
      continue;
    }
    const auto r = c();
    INFO(r.message);
    CHECK(r.ok);
  }
}

}  // namespace

TEST_CASE("gradgradcheck: nn functional ops and layers") {
  run_second_order(test::nn_cases<test::SecondOrder>());
}

TEST_CASE("gradgradcheck: sorting and selection ops") {
  run_second_order(test::sorting_cases<test::SecondOrder>());
}

// gradgradcheck of a function that is itself made of create_graph gradients: third derivatives, so the
// recorded VJPs' own create_graph VJPs run (conv2d's GX and GW, max pooling's scatter and gather, average
// pooling's spread), here with a stride, padding and a bias (the im2col kernels).
TEST_CASE("gradgradcheck: third order through conv2d, max_pool2d and avg_pool2d") {
  namespace F = nn::functional;
  auto f = [](const auto& x, const auto& w, const auto& b) {
    const auto c = F::conv2d<F::Conv2dOptions{.stride = 2, .padding = 1}>(x, w, b);
    const auto y = F::max_pool2d<F::Pool2dOptions{.kernel = 2}>(c);
    const auto z = F::avg_pool2d<F::Pool2dOptions{.kernel = 2}>(c);
    const Var L(sum(Var(y * y * y)) + sum(Var(z * z * z)));
    auto [gx, gw, gb] = autograd::grad(L, std::tuple{x, w, b}, autograd::GradOptions{.create_graph = true});
    return Var(sum(Var(gx * gx)) + sum(Var(gw * gw)) + sum(Var(gb * gb)));
  };
  const auto r =
      autograd::gradgradcheck(f, std::tuple{test::rnd<Shape<1, 2, 8, 8>>(-1, 1, 61),
                                            test::rnd<Shape<3, 2, 3, 3>>(-1, 1, 62), test::rnd<Shape<3>>(-1, 1, 63)});
  INFO(r.message);
  CHECK(r.ok);
}

// Every header of include/ctorch/nn/functional has its ops in nn_cases (so a new one cannot skip its
// second-order check), but the kernels' helpers and linear, whose cases are in test_create_graph.cpp.
TEST_CASE("gradgradcheck: no nn functional header escapes the list") {
  const std::map<std::string, std::vector<std::string>> ops = {
      {"avg_pool2d", {"avg_pool2d"}},
      {"conv2d", {"conv2d"}},
      {"loss", {"cross_entropy", "nll_loss", "mse_loss"}},
      {"max_pool2d", {"max_pool2d"}},
      {"softmax", {"softmax", "log_softmax"}},
  };
  const std::set<std::string> elsewhere = {"conv_common", "linear"};
  const auto cases = test::nn_cases<test::SecondOrder>();
  const std::string dir = std::string(CTORCH_FIXTURE_DIR) + "/../../include/ctorch/nn/functional";
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string stem = e.path().stem().string();
    CAPTURE(stem);
    if (elsewhere.count(stem)) continue;
    REQUIRE(ops.count(stem) == 1);
    for (const auto& op : ops.at(stem)) {
      CAPTURE(op);
      CHECK(cases.count(op) == 1);
    }
  }
}

TEST_CASE("create_graph: not_yet() names only existing cases") {
  const auto a = test::nn_cases<test::SecondOrder>();
  const auto b = test::sorting_cases<test::SecondOrder>();
  for (const auto& n : not_yet()) {
    CAPTURE(n);
    CHECK(a.count(n) + b.count(n) == 1);
  }
}

namespace {
// L = loss + ||d loss / dx||^2 through conv2d, an activation, pooling, linear and a loss (model), against
// PyTorch: the loss, the penalty, d loss / dx and dL / d(w, b, W, c).
template <class SX, class SW, index_t O, class SL, index_t NT, class Model>
void check_penalty(const test::Fixture& fx, const std::string& name, Model model) {
  using test::tensor_from;
  CAPTURE(name);
  const auto g = [&](const char* k) { return fx[name + "." + k]; };
  Var x(tensor_from<double, SX>(g("x")), true);
  Var w(tensor_from<double, SW>(g("w")), true);
  Var b(tensor_from<double, Shape<O>>(g("b")), true);
  Var W(tensor_from<double, SL>(g("W")), true);
  Var c(tensor_from<double, Shape<SL::static_extents[0]>>(g("c")), true);
  const auto t = tensor_from<std::int64_t, Shape<NT>>(g("t"));
  const auto loss = model(x, w, b, W, c, t);
  auto [gx] = autograd::grad(loss, std::tuple{x}, autograd::GradOptions{.create_graph = true});
  const Var penalty = sum(Var(gx * gx));
  const Var L(loss + penalty);
  test::expect_golden(name + ".loss", g("loss"), L.value(), 1e-12);
  test::expect_golden(name + ".penalty", g("penalty"), penalty.value(), 1e-12);
  test::expect_golden(name + ".gx", g("gx"), gx.value(), 1e-10);
  auto [dw, db, dW, dc] = autograd::grad(L, std::tuple{w, b, W, c}, autograd::GradOptions{});
  test::expect_golden(name + ".dw", g("dw"), dw.value(), 1e-10);
  test::expect_golden(name + ".db", g("db"), db.value(), 1e-10);
  test::expect_golden(name + ".dW", g("dW"), dW.value(), 1e-10);
  test::expect_golden(name + ".dc", g("dc"), dc.value(), 1e-10);
}
}  // namespace

TEST_CASE("create_graph: a gradient penalty through conv2d, pooling, linear and a loss matches PyTorch") {
  namespace F = nn::functional;
  const test::Fixture fx("create_graph_nn.txt");
  SUBCASE("conv2d, relu, max_pool2d, linear, cross_entropy with label smoothing") {
    check_penalty<Shape<3, 2, 6, 6>, Shape<4, 2, 3, 3>, 4, Shape<5, 36>, 3>(
        fx, "cnn", [](const auto& x, const auto& w, const auto& b, const auto& W, const auto& c, const auto& t) {
          const auto h = F::max_pool2d<F::Pool2dOptions{.kernel = 2}>(
              Var(relu(F::conv2d<F::Conv2dOptions{.padding = 1}>(x, w, b))));
          F::CrossEntropyOptions opt;
          opt.label_smoothing = 0.1;
          return F::cross_entropy(F::linear(reshape<3, 36>(h), W, c), t, opt);
        });
  }
  SUBCASE("conv2d with stride 2, tanh, avg_pool2d, linear, log_softmax, nll_loss with class weights") {
    const auto cw = test::tensor_from<double, Shape<4>>(fx["avg.cw"]);
    const std::vector<double> weight(cw.data(), cw.data() + 4);
    check_penalty<Shape<2, 1, 8, 8>, Shape<3, 1, 3, 3>, 3, Shape<4, 12>, 2>(
        fx, "avg", [&](const auto& x, const auto& w, const auto& b, const auto& W, const auto& c, const auto& t) {
          const auto h = F::avg_pool2d<F::Pool2dOptions{.kernel = 2}>(
              Var(tanh(F::conv2d<F::Conv2dOptions{.stride = 2, .padding = 1}>(x, w, b))));
          return F::nll_loss(F::log_softmax(F::linear(reshape<2, 12>(h), W, c)), t, weight);
        });
  }
}
