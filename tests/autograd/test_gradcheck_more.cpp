// Finite-difference checks (autograd::gradcheck, double precision) for the VJPs of the scans, the
// reductions that return positions (max/min), and the joining, indexing and sorting ops; and gradients
// compared with PyTorch's where ties, zeros or repeated indices make finite differences blind
// (fixtures/grad.txt, from tests/golden/gen_grad.py). As in test_gradcheck.cpp, a test reads the headers
// on disk: every joining or sorting header must have a case here or sit in a list of ops without a
// gradient, with the reason.
#include <doctest/doctest.h>

#include "autograd/cases_joining.hpp"
#include "autograd/cases_sorting.hpp"
#include "autograd/gradcheck_support.hpp"

#include <ctorch/autograd.hpp>
#include <ctorch/core.hpp>
#include <ctorch/ops/comparison.hpp>
#include <ctorch/ops/joining.hpp>
#include <ctorch/ops/pointwise.hpp>
#include <ctorch/ops/reduction.hpp>
#include <ctorch/ops/sorting.hpp>
#include <ctorch/ops/view.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>

#include "support/fixture.hpp"

using namespace ctorch;
using autograd::gradcheck;

namespace {

using test::rnd;
using S34 = Shape<3, 4>;
using S234 = Shape<2, 3, 4>;

using Case = test::GradCase;

// One input of shape S drawn from [lo, hi] (signed: |x| in [lo, hi]).
template <class S = S34, class F>
Case one(F f, double lo = -1, double hi = 1, bool signed_ = false, unsigned seed = 5) {
  return [=] { return gradcheck(f, std::tuple{rnd<S>(lo, hi, seed, signed_)}); };
}
// Fixed inputs.
template <class F, class... X>
Case with(F f, X... x) {
  return [=] { return gradcheck(f, std::tuple{x...}); };
}
#define F1(...) [](const auto& x) { return __VA_ARGS__; }
#define F2(...) [](const auto& a, const auto& b) { return __VA_ARGS__; }

// Reductions whose VJPs live here rather than in test_gradcheck.cpp (which lists them as checked here).
std::map<std::string, Case> reduction_more_cases() {
  // Lanes along dim 1 with one zero (first, middle, last), two zeros, three zeros, and none.
  const Tensor<double, Shape<6, 4>> zeros{{0, 0.7, -1.3, 0.9}, {1.1, 0, -0.8, 1.4}, {0.6, -1.2, 0.5, 0},
                                          {1.3, 0, 0.9, 0},    {0, 0, 2, 0},        {0.8, -1.1, 1.2, 0.7}};
  return {
      {"cumsum", one(F1(cumsum<1>(x)))},
      {"cumsum_dim0_of_expr", one<S234>(F1(cumsum<0>(x * x)))},
      {"cumprod", one(F1(cumprod<1>(x)), 0.5, 1.5, true)},
      {"cumprod_dim0", one<S234>(F1(cumprod<-2>(x)), 0.5, 1.5, true)},
      {"cumprod_zeros", with(F1(cumprod<1>(x)), zeros)},
      {"cumprod_zeros_dim0", with(F1(cumprod<0>(x)), Tensor<double, Shape<4, 6>>(transpose<0, 1>(zeros)))},
      {"prod_zeros", with(F1(prod(x)), Tensor<double, Shape<4>>{0.7, 0, -1.3, 0.9})},
      {"prod_two_zeros", with(F1(prod(x)), Tensor<double, Shape<4>>{0.7, 0, -1.3, 0})},
      {"prod_dim_zeros", with(F1(prod<1>(x)), zeros)},
      {"prod_dim0_zeros", with(F1(prod<0>(x)), zeros)},
      {"max", one(F1(max(x)))},
      {"max_dim", one<S234>(F1(max<1>(x).values))},
      {"max_dim_keep", one(F1(max<-1, true>(x * 2.0).values))},
      {"min", one(F1(min(x)))},
      {"min_dim", one<S234>(F1(min<2>(x).values))},
      {"min_dim_keep", one(F1(min<0, true>(x).values))},
  };
}

// A golden tensor of a static shape.
template <class S, class T = double>
Tensor<T, S> golden(const test::Fixture& fx, const std::string& name) {
  Tensor<T, S> t;
  test::load(t, fx[name]);
  return t;
}

// x's gradient of sum(u * f(x)) by backward, against PyTorch's (fixtures/grad.txt, case c).
template <class S, class F>
void check_golden(const test::Fixture& fx, const std::string& c, F f) {
  CAPTURE(c);
  Var x(golden<S>(fx, c + ".x"), true);
  auto y = f(x);
  typename decltype(y)::tensor_type u(y.dims());
  test::load(u, fx[c + ".u"]);
  y.backward(u);
  test::check_close(x.grad().tolist(), fx[c + ".grad"], 1e-10, 1e-12, c);
}
// The same for two inputs.
template <class SA, class SB, class F>
void check_golden2(const test::Fixture& fx, const std::string& c, F f) {
  CAPTURE(c);
  Var a(golden<SA>(fx, c + ".x"), true);
  Var b(golden<SB>(fx, c + ".b"), true);
  auto y = f(a, b);
  typename decltype(y)::tensor_type u(y.dims());
  test::load(u, fx[c + ".u"]);
  y.backward(u);
  test::check_close(a.grad().tolist(), fx[c + ".grad"], 1e-10, 1e-12, c);
  test::check_close(b.grad().tolist(), fx[c + ".grad_b"], 1e-10, 1e-12, c + " (second input)");
}

using test::header_stems;
using test::run_all;

}  // namespace

TEST_CASE("gradcheck: scans and max/min") {
  run_all(reduction_more_cases());
}
TEST_CASE("gradcheck: every joining and indexing op with a gradient") {
  run_all(test::joining_cases<test::FirstOrder>());
}
TEST_CASE("gradcheck: every sorting and selection op with a gradient") {
  run_all(test::sorting_cases<test::FirstOrder>());
}

TEST_CASE("gradients match PyTorch where ties, zeros or repeated indices decide them") {
  const test::Fixture fx("grad.txt");
  check_golden<Shape<6, 4>>(fx, "cumprod", F1(cumprod<1>(x)));
  check_golden<Shape<4, 6>>(fx, "cumprod_dim0", F1(cumprod<0>(x)));
  check_golden<S34>(fx, "cumsum", F1(cumsum<0>(x)));
  check_golden<S34>(fx, "max", F1(max(x)));  // 4 ties: a quarter each
  check_golden<S34>(fx, "min", F1(min(x)));
  check_golden<S34>(fx, "max_dim", F1(max<1>(x).values));  // ties: the first position
  check_golden<S34>(fx, "min_dim", F1(min<1>(x).values));
  check_golden<Shape<2, 4>>(fx, "max_nan", F1(max(x)));  // NaN: shared among the NaNs
  check_golden<Shape<6>>(fx, "median", F1(median(x)));
  check_golden<Shape<4>>(fx, "median_nan", F1(median(x)));
  check_golden<Shape<5>>(fx, "nanmedian", F1(nanmedian(x)));
  check_golden<Shape<2, 6>>(fx, "median_dim", F1(median<1>(x).values));
  check_golden<Shape<2, 5>>(fx, "sort_ties", F1(sort<1>(x).values));
  check_golden<Shape<2, 5>>(fx, "sort_ties_descending", F1(sort<1>(x, true).values));
  const auto gidx = golden<Shape<3, 5>, int64_t>(fx, "gather.index");
  check_golden<S34>(fx, "gather", [&](const auto& x) { return gather<1>(x, gidx); });
  const auto iidx = golden<Shape<5>, int64_t>(fx, "index_add.index");
  check_golden2<S34, Shape<3, 5>>(fx, "index_add",
                                  [&](const auto& a, const auto& b) { return index_add<1>(a, iidx, b, 0.5); });
  const auto pidx = golden<Shape<5>, int64_t>(fx, "put_accumulate.index");
  check_golden2<S34, Shape<5>>(fx, "put_accumulate",
                               [&](const auto& a, const auto& b) { return put(a, pidx, b, true); });
  check_golden<Shape<3, 3>>(fx, "renorm", F1(renorm<0>(x, 2, 1.0)));
  check_golden<Shape<3, 3>>(fx, "renorm_p1", F1(renorm<1>(x, 1, 1.5)));
  check_golden2<Shape<4, 3>, Shape<4, 3>>(fx, "cross", F2(cross(a, b)));
  const auto bmask = golden<S34, bool>(fx, "masked_select.mask");
  check_golden<Shape<4>>(fx, "masked_select", [&](const auto& x) { return masked_select(x, bmask); });
}

TEST_CASE("gradcheck: no joining or sorting header escapes the list") {
  // Joining and indexing ops without a gradient, and why. A new header must be added to one of the lists.
  const std::set<std::string> no_grad_joining = {
      "common",   // helpers
      "nonzero",  // int64 positions of the non-zero entries: no gradient (as PyTorch)
  };
  const auto jc = test::joining_cases<test::FirstOrder>();
  for (const auto& stem : header_stems("joining")) {
    CAPTURE(stem);
    CHECK((jc.count(stem) == 1) != (no_grad_joining.count(stem) == 1));
  }
  const std::set<std::string> no_grad_sorting = {
      "common",                          // helpers
      "argsort",                         // int64 positions: no gradient (sort's values have one)
      "equal",   "allclose", "isclose",  // bool results
      "histc",                           // counts: piecewise constant in x, no gradient (as PyTorch)
      "unique",  // a data-dependent set of values whose size changes with ties; PyTorch has no derivative
  };
  const auto sc = test::sorting_cases<test::FirstOrder>();
  for (const auto& stem : header_stems("sorting")) {
    CAPTURE(stem);
    CHECK((sc.count(stem) == 1) != (no_grad_sorting.count(stem) == 1));
  }
  // The reductions test_gradcheck.cpp counts as checked here.
  const auto rc = reduction_more_cases();
  for (const char* stem : {"cumsum", "cumprod", "max"}) {
    CAPTURE(stem);
    CHECK(rc.count(stem) == 1);
  }
}
