// Second derivatives through the linear-algebra factorizations (linalg_cases_2 of cases_linalg.hpp,
// under test::SecondOrder; see test_create_graph_linalg.cpp), and the registry: every linalg header
// with a gradient has a second-order case, and every name in linalg_not_yet() is a case.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>

#include "autograd/cases_linalg.hpp"
#include "autograd/gradcheck_support.hpp"

using namespace ctorch;

TEST_CASE("gradgradcheck: the linalg factorizations and what goes through them") {
  test::linalg_run_second_order(test::linalg_cases_2<test::SecondOrder>());
}

TEST_CASE("create_graph: every linalg header with a gradient has a second-order case") {
  const std::set<std::string> no_grad = {
      "common",      "grad",           "graph_grad",  "lapack_common",
      "lapack_grad", "lapack_kernels",                                // helpers
      "matrix_rank", "geqrf",          "add_inplace", "add_product",  // no gradient (test_gradcheck_linalg.cpp)
      "mm",          "matmul",         "bmm",         "mv",
      "dot",  // products: test_create_graph.cpp
  };
  const auto lc = test::linalg_cases<test::NamesOnly>();
  const auto pc = test::product_cases<test::NamesOnly>();
  for (const auto& stem : test::header_stems("linalg")) {
    CAPTURE(stem);
    CHECK(int(lc.count(stem)) + int(pc.count(stem)) + int(no_grad.count(stem)) == 1);
  }
  for (const auto& name : test::linalg_not_yet()) {
    CAPTURE(name);
    CHECK(lc.count(name) == 1);
  }
}
