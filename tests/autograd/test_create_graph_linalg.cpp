// Second derivatives through the linear-algebra ops: the gradcheck cases of test_gradcheck_linalg.cpp
// and test_products.cpp (cases_linalg.hpp) run again under test::SecondOrder (gradgradcheck of the
// output squared, finite differences in double of the first-order VJP). The cases are split over two
// files (this one: the products with an added input and linalg_cases_1, the solvers; and
// test_create_graph_linalg2.cpp: linalg_cases_2, the factorizations) to keep each compile short. The
// cases listed in linalg_not_yet() have no create_graph VJP yet and must throw "not supported".
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "autograd/cases_linalg.hpp"
#include "autograd/gradcheck_support.hpp"

using namespace ctorch;

TEST_CASE("gradgradcheck: the linalg products with an added input (addmm, addmv, addr, outer, addbmm, baddbmm)") {
  test::run_all(test::product_cases<test::SecondOrder>());
}

TEST_CASE("gradgradcheck: the linalg solvers, inverses, determinants, trace and matrix_power") {
  test::linalg_run_second_order(test::linalg_cases_1<test::SecondOrder>());
}
