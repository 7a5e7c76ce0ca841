// One list of every differentiable op, each checked against finite differences in double precision
// (autograd::gradcheck). A test below reads the op headers on disk: a new pointwise, reduction, view or
// product header must appear here (or in the explicit list of ops without a gradient), so no op can be
// added without its gradient being checked. The scans, max/min and the joining and sorting ops are
// checked in test_gradcheck_more.cpp, which has its own registry test.
#include <doctest/doctest.h>

#include "autograd/gradcheck_support.hpp"

#include <ctorch/autograd.hpp>
#include <ctorch/core.hpp>
#include <ctorch/ops/comparison.hpp>
#include <ctorch/ops/linalg.hpp>
#include <ctorch/ops/pointwise.hpp>
#include <ctorch/ops/reduction.hpp>
#include <ctorch/ops/view.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>

using namespace ctorch;
using autograd::gradcheck;

namespace {

using test::rnd;
using S34 = Shape<3, 4>;
using S4 = Shape<4>;

using Case = test::GradCase;

template <class F>
Case unary(F f, double lo, double hi, bool signed_ = false) {
  return [=] { return gradcheck(f, std::tuple{rnd<S34>(lo, hi, 1, signed_)}); };
}
template <class F>
Case binary(F f, double lo, double hi, double lo2, double hi2) {
  return [=] { return gradcheck(f, std::tuple{rnd<S34>(lo, hi, 1), rnd<S34>(lo2, hi2, 2)}); };
}
#define U1(...) [](const auto& x) { return Var(__VA_ARGS__); }
#define U2(...) [](const auto& a, const auto& b) { return Var(__VA_ARGS__); }

std::map<std::string, Case> pointwise_cases() {
  return {
      {"abs", unary(U1(abs(x)), 0.2, 1, true)},
      {"acos", unary(U1(acos(x)), -0.9, 0.9)},
      {"add", binary(U2(add(a, b, 2.0)), -1, 1, -1, 1)},
      {"addcdiv",
       [] {
         return gradcheck([](const auto& a, const auto& b, const auto& c) { return Var(addcdiv(a, b, c, 0.5)); },
                          std::tuple{rnd<S34>(-1, 1, 1), rnd<S34>(-1, 1, 2), rnd<S34>(0.5, 2, 3)});
       }},
      {"addcmul",
       [] {
         return gradcheck([](const auto& a, const auto& b, const auto& c) { return Var(addcmul(a, b, c, 0.5)); },
                          std::tuple{rnd<S34>(-1, 1, 1), rnd<S34>(-1, 1, 2), rnd<S34>(-1, 1, 3)});
       }},
      {"asin", unary(U1(asin(x)), -0.9, 0.9)},
      {"atan", unary(U1(atan(x)), -2, 2)},
      {"atan2", binary(U2(atan2(a, b)), -1, 1, 0.5, 1)},
      {"cast", unary(U1(cast<double>(x) * 2), -1, 1)},
      {"type_as", unary(U1(type_as(x, x) * x), -1, 1)},
      {"ceil", unary(U1(ceil(x) * x), 0.2, 0.8)},
      {"clamp",
       [] {
         return gradcheck([](const auto& x, const auto& lo, const auto& hi) { return Var(clamp(x, lo, hi)); },
                          std::tuple{rnd<S34>(-2, 2, 1), rnd<S34>(-1.5, -0.5, 2), rnd<S34>(0.5, 1.5, 3)});
       }},
      {"cos", unary(U1(cos(x)), -2, 2)},
      {"cosh", unary(U1(cosh(x)), -2, 2)},
      {"div", binary(U2(a / b), -1, 1, 0.5, 2)},
      {"erf", unary(U1(erf(x)), -2, 2)},
      {"erfinv", unary(U1(erfinv(x)), -0.9, 0.9)},
      {"exp", unary(U1(exp(x)), -2, 2)},
      {"expm1", unary(U1(expm1(x)), -2, 2)},
      {"floor", unary(U1(floor(x) + x), 0.2, 0.8)},
      {"fmod", binary(U2(fmod(a, b)), 2.1, 2.4, 1.0, 1.04)},
      {"frac", unary(U1(frac(x)), 1.2, 1.8)},
      {"lerp",
       [] {
         return gradcheck([](const auto& s, const auto& e, const auto& w) { return Var(lerp(s, e, w)); },
                          std::tuple{rnd<S34>(-1, 1, 1), rnd<S34>(-1, 1, 2), rnd<S34>(0, 1, 3)});
       }},
      {"log", unary(U1(log(x)), 0.5, 2)},
      {"log10", unary(U1(log10(x)), 0.5, 2)},
      {"log1p", unary(U1(log1p(x)), -0.5, 2)},
      {"log2", unary(U1(log2(x)), 0.5, 2)},
      {"maximum", binary(U2(maximum(a, b)), -1, 1, 2, 3)},
      {"minimum", binary(U2(minimum(a, b) + minimum(b, 0.5)), -1, 0, 1, 2)},
      {"mul", binary(U2(a * b * a), -1, 1, -1, 1)},
      {"neg", unary(U1(-x), -1, 1)},
      {"pow", binary(U2(pow(a, b) + pow(a, 2.5) + pow(1.5, b)), 0.5, 2, -1, 1)},
      {"reciprocal", unary(U1(reciprocal(x)), 0.5, 2, true)},
      {"relu", unary(U1(relu(x)), 0.2, 1, true)},
      {"remainder", binary(U2(remainder(a, b)), 2.1, 2.4, 1.0, 1.04)},
      {"round", unary(U1(round(x) * x), 0.1, 0.4)},
      {"rsqrt", unary(U1(rsqrt(x)), 0.5, 2)},
      {"sigmoid", unary(U1(sigmoid(x)), -3, 3)},
      {"sign", unary(U1(sign(x) * x), 0.2, 1, true)},
      {"sin", unary(U1(sin(x)), -2, 2)},
      {"sinh", unary(U1(sinh(x)), -2, 2)},
      {"sqrt", unary(U1(sqrt(x)), 0.5, 2)},
      {"square", unary(U1(square(x)), -2, 2)},
      {"sub", binary(U2(sub(a, b, 3.0) - a), -1, 1, -1, 1)},
      {"tan", unary(U1(tan(x)), -1, 1)},
      {"tanh", unary(U1(tanh(x)), -2, 2)},
      {"trunc", unary(U1(trunc(x) + x), 0.2, 0.8)},
      {"where", binary(U2(where(a > 0, a * b, b)), -1, 1, -1, 1)},
      {"maximum_minimum_broadcast",
       [] {
         return gradcheck([](const auto& a, const auto& b) { return Var(maximum(a, b) + minimum(a, b) * b); },
                          std::tuple{rnd<S34>(-1, 1, 1), rnd<S4>(-1, 1, 2)});
       }},
      {"broadcast_add_mul",
       [] {
         return gradcheck([](const auto& a, const auto& b) { return Var(tanh(a * b + b)); },
                          std::tuple{rnd<S34>(-1, 1, 1), rnd<S4>(-1, 1, 2)});
       }},
  };
}

template <class F>
Case red(F f, double lo = -1, double hi = 1) {
  return [=] { return gradcheck(f, std::tuple{rnd<S34>(lo, hi, 5)}); };
}
#define R1(...) [](const auto& x) { return __VA_ARGS__; }

std::map<std::string, Case> reduction_cases() {
  return {
      {"sum", red(R1(sum(x * x)))},
      {"sum_dim", red(R1(sum<1>(x * x)))},
      {"sum_keepdim", red(R1(sum<0, true>(x)))},
      {"mean", red(R1(mean(x * x)))},
      {"mean_dim", red(R1(mean<-1, true>(exp(x))))},
      {"amax", red(R1(amax(x)))},
      {"amax_dim", red(R1(amax<1>(x)))},
      {"amin", red(R1(amin(x)))},
      {"amin_dim", red(R1(amin<0, true>(x)))},
      {"logsumexp", red(R1(logsumexp<1>(x)))},
      {"var", red(R1(var(x)))},
      {"var_dim", red(R1(var<1>(x, false)))},
      {"std", red(R1(ctorch::std(x)))},
      {"std_dim", red(R1(ctorch::std<0, true>(x)))},
      {"norm", red(R1(norm(x)))},
      {"norm_p3", red(R1(norm(x, 3)))},
      {"norm_p1", red(R1(norm(x, 1)), 0.2, 1)},
      {"norm_inf", red(R1(norm(x, INFINITY)))},
      {"norm_dim", red(R1(norm<1>(x)))},
      {"prod", red(R1(prod(x)), 0.5, 1.5)},
      {"prod_dim", red(R1(prod<1>(x)), 0.5, 1.5)},
      {"prod_dim_keepdim", red(R1(prod<0, true>(x * x)), 0.5, 1.5)},
  };
}

std::map<std::string, Case> product_cases() {
  auto two = [](auto f, auto a, auto b) -> Case { return [=] { return gradcheck(f, std::tuple{a, b}); }; };
  return {
      {"mm", two(U2(mm(a, b)), rnd<Shape<3, 4>>(-1, 1, 1), rnd<Shape<4, 5>>(-1, 1, 2))},
      {"mm_transposed", two([](const auto& a, const auto& b) { return mm(transpose<0, 1>(a), b); },
                            rnd<Shape<4, 3>>(-1, 1, 1), rnd<Shape<4, 5>>(-1, 1, 2))},
      {"matmul", two(U2(matmul(a, b)), rnd<Shape<2, 3, 4>>(-1, 1, 1), rnd<Shape<4, 5>>(-1, 1, 2))},
      {"matmul_vec", two(U2(matmul(a, b)), rnd<Shape<4>>(-1, 1, 1), rnd<Shape<2, 4, 5>>(-1, 1, 2))},
      {"bmm", two(U2(bmm(a, b)), rnd<Shape<2, 3, 4>>(-1, 1, 1), rnd<Shape<2, 4, 5>>(-1, 1, 2))},
      {"mv", two(U2(mv(a, b)), rnd<Shape<3, 4>>(-1, 1, 1), rnd<Shape<4>>(-1, 1, 2))},
      {"dot", two(U2(dot(a, b)), rnd<Shape<4>>(-1, 1, 1), rnd<Shape<4>>(-1, 1, 2))},
      {"addmm",
       [] {
         return gradcheck([](const auto& i, const auto& a, const auto& b) { return addmm(i, a, b, 0.5, 2.0); },
                          std::tuple{rnd<Shape<5>>(-1, 1, 0), rnd<Shape<3, 4>>(-1, 1, 1), rnd<Shape<4, 5>>(-1, 1, 2)});
       }},
  };
}

std::map<std::string, Case> view_cases() {
  auto v = [](auto f) -> Case { return [=] { return gradcheck(f, std::tuple{rnd<Shape<2, 3, 4>>(-1, 1, 7)}); }; };
  return {
      {"transpose", v(R1(Var(square(transpose<0, 2>(x)))))},
      {"t", [] { return gradcheck(R1(Var(t(x) * t(x))), std::tuple{rnd<S34>(-1, 1, 3)}); }},
      {"reshape", v(R1(Var(reshape<6, -1>(x) * reshape<6, 4>(x))))},
      {"view", v(R1(Var(square(view<4, 6>(x)))))},
      {"flatten", v(R1(Var(square(flatten<1>(x)))))},
      {"unsqueeze", v(R1(Var(square(unsqueeze<1>(x)))))},
      {"squeeze", v(R1(Var(square(squeeze<1>(unsqueeze<1>(x))))))},
      {"permute", v(R1(Var(square(permute<2, 0, 1>(x)))))},
      {"movedim", v(R1(Var(square(movedim<0, 2>(x)))))},
      {"select", v(R1(Var(square(select<1>(x, 2)))))},
      {"narrow", v(R1(Var(square(narrow<2, 2>(x, 1)))))},
      {"diagonal", v(R1(Var(square(diagonal<0, 1, 2>(x)))))},
      {"view_as", v(R1(Var(square(view_as(x, Tensor<double, Shape<4, 6>>{})))))},
  };
}

using test::header_stems;
using test::run_all;

}  // namespace

TEST_CASE("gradcheck: every pointwise op") {
  run_all(pointwise_cases());
}
TEST_CASE("gradcheck: every reduction with a gradient") {
  run_all(reduction_cases());
}
TEST_CASE("gradcheck: every product") {
  run_all(product_cases());
}
TEST_CASE("gradcheck: every view") {
  run_all(view_cases());
}

TEST_CASE("gradcheck: no op header escapes the list") {
  const auto pw = pointwise_cases();
  for (const auto& stem : header_stems("pointwise")) {
    CAPTURE(stem);
    CHECK(pw.count(stem) == 1);
  }
  // Reductions without a gradient, and why. A new reduction header must be added to one of the lists.
  const std::set<std::string> no_grad_reductions = {
      "all", "any", "argmax",  // boolean or index results: not differentiable
      "common",                // helpers
  };
  // Reductions gradchecked in test_gradcheck_more.cpp (its registry test checks that it has them).
  const std::set<std::string> reductions_checked_there = {"cumsum", "cumprod", "max"};
  const auto rc = reduction_cases();
  for (const auto& stem : header_stems("reduction")) {
    CAPTURE(stem);
    CHECK((rc.count(stem) == 1 || no_grad_reductions.count(stem) == 1 || reductions_checked_there.count(stem) == 1));
  }
  const std::set<std::string> linalg_checked = {"mm", "matmul", "bmm", "mv", "dot", "addmm", "common", "grad"};
  const auto pc = product_cases();
  for (const auto& stem : header_stems("linalg")) {
    CAPTURE(stem);
    if (linalg_checked.count(stem)) CHECK((pc.count(stem) == 1 || stem == "common" || stem == "grad"));
  }
  const std::set<std::string> no_grad_views = {"common", "contiguous", "expand", "unfold", "unflatten"};
  const auto vc = view_cases();
  for (const auto& stem : header_stems("view")) {
    CAPTURE(stem);
    CHECK((vc.count(stem) == 1 || no_grad_views.count(stem) == 1));
  }
}
