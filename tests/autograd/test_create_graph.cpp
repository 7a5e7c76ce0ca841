// Second derivatives: autograd::grad(..., {.create_graph = true}) returns gradients that carry a graph, and
// backward({.create_graph = true}) leaves .grad's that do (grad_var()).
// Hessian-vector products of small functions against their analytic values, gradgradcheck (finite
// differences of the first VJP, in double) over every pointwise op, the reductions sum and mean and
// the products, a third derivative, the options, the error for an op without a create_graph VJP, and a
// gradient penalty and a Hessian-vector product against PyTorch (tests/golden/gen_create_graph.py).
#include <doctest/doctest.h>

#include "autograd/gradcheck_support.hpp"
#include "support/golden_tensor.hpp"

#include <cmath>
#include <ctorch/autograd.hpp>
#include <ctorch/core.hpp>
#include <ctorch/nn/functional/linear.hpp>
#include <ctorch/ops/comparison.hpp>
#include <ctorch/ops/linalg/bmm.hpp>
#include <ctorch/ops/linalg/dot.hpp>
#include <ctorch/ops/linalg/matmul.hpp>
#include <ctorch/ops/linalg/mm.hpp>
#include <ctorch/ops/linalg/mv.hpp>
#include <ctorch/ops/pointwise.hpp>
#include <ctorch/ops/reduction/amax.hpp>
#include <ctorch/ops/reduction/cumprod.hpp>
#include <ctorch/ops/reduction/cumsum.hpp>
#include <ctorch/ops/reduction/logsumexp.hpp>
#include <ctorch/ops/reduction/max.hpp>
#include <ctorch/ops/reduction/mean.hpp>
#include <ctorch/ops/reduction/norm.hpp>
#include <ctorch/ops/reduction/prod.hpp>
#include <ctorch/ops/reduction/sum.hpp>
#include <ctorch/ops/reduction/var.hpp>
#include <ctorch/ops/sorting.hpp>
#include <ctorch/ops/view.hpp>
#include <map>
#include <string>

using namespace ctorch;
using autograd::gradgradcheck;
using autograd::GradOptions;
using test::expect_near;
using test::rnd;

namespace {

using S34 = Shape<3, 4>;
using S4 = Shape<4>;
using Case = test::GradCase;

constexpr GradOptions create{.create_graph = true};

template <class F>
Case unary(F f, double lo, double hi, bool signed_ = false) {
  return [=] { return gradgradcheck(f, std::tuple{rnd<S34>(lo, hi, 1, signed_)}); };
}
template <class F>
Case binary(F f, double lo, double hi, double lo2, double hi2) {
  return [=] { return gradgradcheck(f, std::tuple{rnd<S34>(lo, hi, 1), rnd<S34>(lo2, hi2, 2)}); };
}
#define U1(...) [](const auto& x) { return Var(__VA_ARGS__); }
#define U2(...) [](const auto& a, const auto& b) { return Var(__VA_ARGS__); }

// Every pointwise op: its declared derivative d<I> is evaluated on recorded values, so each must be
// differentiable itself (the zero derivatives of floor, round, sign... give zero second derivatives).
std::map<std::string, Case> pointwise_cases() {
  return {
      {"abs", unary(U1(abs(x) * x), 0.2, 1, true)},
      {"acos", unary(U1(acos(x)), -0.9, 0.9)},
      {"add", binary(U2(add(a, b, 2.0) * a), -1, 1, -1, 1)},
      {"addcdiv",
       [] {
         return gradgradcheck([](const auto& a, const auto& b, const auto& c) { return Var(addcdiv(a, b, c, 0.5)); },
                              std::tuple{rnd<S34>(-1, 1, 1), rnd<S34>(-1, 1, 2), rnd<S34>(0.5, 2, 3)});
       }},
      {"addcmul",
       [] {
         return gradgradcheck([](const auto& a, const auto& b, const auto& c) { return Var(addcmul(a, b, c, 0.5)); },
                              std::tuple{rnd<S34>(-1, 1, 1), rnd<S34>(-1, 1, 2), rnd<S34>(-1, 1, 3)});
       }},
      {"asin", unary(U1(asin(x)), -0.9, 0.9)},
      {"atan", unary(U1(atan(x)), -2, 2)},
      {"atan2", binary(U2(atan2(a, b)), -1, 1, 0.5, 1)},
      {"cast", unary(U1(cast<double>(x) * x), -1, 1)},
      {"ceil", unary(U1(ceil(x) * x * x), 0.2, 0.8)},
      {"clamp",
       [] {
         return gradgradcheck([](const auto& x, const auto& lo, const auto& hi) { return Var(clamp(x, lo, hi) * x); },
                              std::tuple{rnd<S34>(-2, 2, 1), rnd<S34>(-1.5, -0.5, 2), rnd<S34>(0.5, 1.5, 3)});
       }},
      {"cos", unary(U1(cos(x)), -2, 2)},
      {"cosh", unary(U1(cosh(x)), -2, 2)},
      {"div", binary(U2(a / b), -1, 1, 0.5, 2)},
      {"erf", unary(U1(erf(x)), -2, 2)},
      {"erfinv", unary(U1(erfinv(x)), -0.9, 0.9)},
      {"exp", unary(U1(exp(x)), -2, 2)},
      {"expm1", unary(U1(expm1(x)), -2, 2)},
      {"floor", unary(U1(floor(x) * x + x), 0.2, 0.8)},
      {"fmod", binary(U2(fmod(a, b) * a), 2.1, 2.4, 1.0, 1.04)},
      {"frac", unary(U1(frac(x) * x), 1.2, 1.8)},
      {"lerp",
       [] {
         return gradgradcheck([](const auto& s, const auto& e, const auto& w) { return Var(lerp(s, e, w)); },
                              std::tuple{rnd<S34>(-1, 1, 1), rnd<S34>(-1, 1, 2), rnd<S34>(0, 1, 3)});
       }},
      {"log", unary(U1(log(x)), 0.5, 2)},
      {"log10", unary(U1(log10(x)), 0.5, 2)},
      {"log1p", unary(U1(log1p(x)), -0.5, 2)},
      {"log2", unary(U1(log2(x)), 0.5, 2)},
      {"maximum", binary(U2(maximum(a, b) * a), -1, 1, 2, 3)},
      {"minimum", binary(U2(minimum(a, b) * b + minimum(b, 0.5) * b), -1, 0, 1, 2)},
      {"mul", binary(U2(a * b * a), -1, 1, -1, 1)},
      {"neg", unary(U1(-x * x), -1, 1)},
      {"pow", binary(U2(pow(a, b) + pow(a, 2.5) + pow(1.5, b)), 0.5, 2, -1, 1)},
      {"reciprocal", unary(U1(reciprocal(x)), 0.5, 2, true)},
      {"relu", unary(U1(relu(x) * x), 0.2, 1, true)},
      {"remainder", binary(U2(remainder(a, b) * b), 2.1, 2.4, 1.0, 1.04)},
      {"round", unary(U1(round(x) * x * x), 0.1, 0.4)},
      {"rsqrt", unary(U1(rsqrt(x)), 0.5, 2)},
      {"sigmoid", unary(U1(sigmoid(x)), -3, 3)},
      {"sign", unary(U1(sign(x) * x * x), 0.2, 1, true)},
      {"sin", unary(U1(sin(x)), -2, 2)},
      {"sinh", unary(U1(sinh(x)), -2, 2)},
      {"sqrt", unary(U1(sqrt(x)), 0.5, 2)},
      {"square", unary(U1(square(x) * x), -2, 2)},
      {"sub", binary(U2((sub(a, b, 3.0) - a) * b), -1, 1, -1, 1)},
      {"tan", unary(U1(tan(x)), -1, 1)},
      {"tanh", unary(U1(tanh(x)), -2, 2)},
      {"trunc", unary(U1(trunc(x) * x + x), 0.2, 0.8)},
      {"type_as", unary(U1(type_as(x, x) * x), -1, 1)},
      {"where", binary(U2(where(a > 0, a * b * b, b * a)), -1, 1, -1, 1)},
      {"broadcast_tanh_sigmoid",
       [] {
         return gradgradcheck(
             [](const auto& x, const auto& a, const auto& c) { return Var(tanh(a * x + 0.5) * sigmoid(c)); },
             std::tuple{rnd<S34>(-1, 1, 1), rnd<S4>(-1, 1, 2), rnd<Shape<3, 1>>(-1, 1, 3)});
       }},
  };
}

template <class F>
Case red(F f, double lo = -1, double hi = 1) {
  return [=] { return gradgradcheck(f, std::tuple{rnd<S34>(lo, hi, 5)}); };
}
#define R1(...) [](const auto& x) { return __VA_ARGS__; }
// Lanes (along dim 1) with no zero, one zero and two zeros; columns (dim 0) with none, one and two.
template <class F>
Case with_zeros(F f) {
  const Tensor<double, S34> x{{0.7, -1.3, 0.9, 1.2}, {1.1, 0, -0.8, 1.4}, {0, 0.6, 0, -0.5}};
  return [=] { return gradgradcheck(f, std::tuple{x}); };
}

std::map<std::string, Case> reduction_cases() {
  return {
      {"sum", red(R1(sum(x * x * x)))},
      {"sum_of_sum", red(R1(Var(sum(x) * sum(x * x))))},
      {"sum_dim", red(R1(Var(sum<1>(x * x) * sum<1>(x))))},
      {"sum_keepdim", red(R1(Var(exp(sum<0, true>(x)) * x)))},
      {"mean", red(R1(Var(mean(x * x) * mean(x))))},
      {"mean_dim", red(R1(Var(mean<-1, true>(exp(x)) * x)))},
      {"mean_dim0", red(R1(Var(square(mean<0>(x * x)))))},
      {"logsumexp_dim", red(R1(Var(square(logsumexp<1>(x * x)))))},
      {"logsumexp_keepdim", red(R1(Var(logsumexp<0, true>(x) * x)))},
      {"var", red(R1(Var(var(x * x) * mean(x))))},
      {"var_biased", red(R1(Var(square(var(x, false)))))},
      {"var_dim", red(R1(Var(square(var<1>(x)))))},
      {"std", red(R1(Var(ctorch::std(x) * sum(x))))},
      {"std_dim", red(R1(Var(ctorch::std<0, true>(x * x) * x)))},
      {"norm", red(R1(Var(norm(x) * sum(x))))},
      {"norm_p1", red(R1(Var(square(norm(x, 1)))))},
      {"norm_p3", red(R1(Var(square(norm(x, 3)))))},
      {"norm_dim", red(R1(Var(square(norm<1>(x)))))},
      {"norm_dim_p3", red(R1(Var(norm<0, true>(x, 3) * x)))},
      {"amax", red(R1(Var(amax(x) * x)))},
      {"amin_dim", red(R1(Var(square(amin<1>(x * x)))))},
      {"amax_keepdim", red(R1(Var(amax<0, true>(x) * x)))},
      {"max", red(R1(Var(max(x) * x)))},
      {"min", red(R1(Var(square(ctorch::min(x * x)))))},
      {"max_dim", red(R1(Var(square(ctorch::max<1>(x * x).values))))},
      {"min_dim_keepdim", red(R1(Var(ctorch::min<0, true>(x).values * x)))},
      {"sort", red(R1(Var(sort<1>(x * x, true).values * x)))},
      {"topk", red(R1(Var(square(topk<2, 1>(x).values))))},
      {"kthvalue", red(R1(Var(square(kthvalue<0>(x * x, 2).values))))},
      {"median_dim", red(R1(Var(exp(median<1>(x).values))))},
      {"median", red(R1(Var(median(x) * x)))},
      {"prod", red(R1(Var(prod(x) * x)), 0.5, 1.5)},
      {"prod_dim", red(R1(Var(square(prod<1>(x)))), 0.5, 1.5)},
      {"prod_keepdim", red(R1(Var(prod<0, true>(x) * x)))},
      {"prod_zeros", with_zeros(R1(Var(prod(x) * x)))},
      {"prod_dim_zeros", with_zeros(R1(Var(square(prod<1>(x)))))},
      {"cumsum", red(R1(Var(square(cumsum<1>(x)) * x)))},
      {"cumsum_dim0", red(R1(Var(exp(cumsum<0>(x * x)))))},
      {"cumprod", red(R1(Var(square(cumprod<1>(x)))), 0.5, 1.5)},
      {"cumprod_dim0", red(R1(Var(cumprod<0>(x) * x)))},
      {"cumprod_zeros", with_zeros(R1(Var(square(cumprod<1>(x)) * x)))},
      {"cumprod_zeros_dim0", with_zeros(R1(Var(cumprod<0>(x * x) * x)))},
  };
}

template <class SA, class SB, class F>
Case prod(F f) {
  return [=] { return gradgradcheck(f, std::tuple{rnd<SA>(-1, 1, 6), rnd<SB>(-1, 1, 7)}); };
}
#define P2(...) [](const auto& a, const auto& b) { return __VA_ARGS__; }

// f(a, b) = (a @ b)^2 elementwise or a product of products, so that the second derivative has terms in
// a, in b and across.
std::map<std::string, Case> product_cases() {
  return {
      {"mm", prod<Shape<2, 3>, Shape<3, 4>>(P2(Var(square(mm(a, b)))))},
      {"mm_chain", prod<Shape<3, 3>, Shape<3, 3>>(P2(mm(mm(a, b), a)))},
      {"mv", prod<Shape<2, 3>, Shape<3>>(P2(Var(square(mv(a, b)))))},
      {"dot", prod<Shape<4>, Shape<4>>(P2(Var(square(dot(a, b)))))},
      {"bmm", prod<Shape<2, 2, 3>, Shape<2, 3, 2>>(P2(Var(square(bmm(a, b)))))},
      {"matmul_2x2", prod<Shape<2, 3>, Shape<3, 2>>(P2(Var(square(matmul(a, b)))))},
      {"matmul_1x2", prod<Shape<3>, Shape<3, 2>>(P2(Var(square(matmul(a, b)))))},
      {"matmul_2x1", prod<Shape<2, 3>, Shape<3>>(P2(Var(tanh(matmul(a, b)))))},
      {"matmul_1x1", prod<Shape<3>, Shape<3>>(P2(Var(square(matmul(a, b)))))},
      {"matmul_3x2_broadcast", prod<Shape<2, 2, 3>, Shape<3, 2>>(P2(Var(square(matmul(a, b)))))},
      {"matmul_2x3_broadcast", prod<Shape<2, 3>, Shape<2, 3, 2>>(P2(Var(square(matmul(a, b)))))},
      {"matmul_3x3", prod<Shape<2, 2, 3>, Shape<2, 3, 2>>(P2(Var(sigmoid(matmul(a, b)))))},
      {"matmul_dyn",
       [] {
         const Tensor<double, Shape<Dyn, Dyn>> a(rnd<Shape<2, 3>>(-1, 1, 8)), b(rnd<Shape<3, 2>>(-1, 1, 9));
         return gradgradcheck(P2(Var(square(matmul(a, b)) * matmul(a, b))), std::tuple{a, b});
       }},
  };
}

// Views: the create_graph VJP of a view scatters the gradient back through the same view (recorded),
// whose own VJP is the view again.
std::map<std::string, Case> view_cases() {
  auto v = [](auto f) -> Case { return [=] { return gradgradcheck(f, std::tuple{rnd<Shape<2, 3, 4>>(-1, 1, 7)}); }; };
  return {
      {"transpose", v(R1(Var(square(transpose<0, 2>(x)) * transpose<0, 2>(x))))},
      {"t", [] { return gradgradcheck(R1(mm(t(x), x)), std::tuple{rnd<S34>(-1, 1, 3)}); }},
      {"reshape", v(R1(Var(reshape<6, -1>(x) * reshape<6, 4>(x) * reshape<6, 4>(x))))},
      {"view", v(R1(Var(exp(view<4, 6>(x)))))},
      {"unsqueeze", v(R1(Var(tanh(unsqueeze<1>(x)))))},
      {"squeeze", v(R1(Var(sin(squeeze<1>(unsqueeze<1>(x))))))},
      {"permute", v(R1(Var(exp(permute<2, 0, 1>(x)))))},
      {"select", v(R1(Var(exp(select<1>(x, 2)))))},
      {"narrow", v(R1(Var(exp(narrow<2, 2>(x, 1)))))},
  };
}

// nn::functional::linear with and without bias, and with each activation linear_act fuses: the gradient's
// own graph goes through recorded products and the activation's derivative from a recomputed output.
std::map<std::string, Case> linear_cases() {
  namespace F = nn::functional;
  auto three = [](auto f) -> Case {
    return [=] {
      return gradgradcheck(f, std::tuple{rnd<S34>(-1, 1, 50), rnd<Shape<2, 4>>(-1, 1, 51), rnd<Shape<2>>(-1, 1, 52)});
    };
  };
#define L3(...) [](const auto& x, const auto& w, const auto& b) { return __VA_ARGS__; }
  return {
      {"linear", three(L3(Var(square(F::linear(x, w, b)))))},
      {"linear_no_bias",
       [] {
         return gradgradcheck([](const auto& x, const auto& w) { return Var(tanh(F::linear(x, w)) * F::linear(x, w)); },
                              std::tuple{rnd<S34>(-1, 1, 53), rnd<Shape<2, 4>>(-1, 1, 54)});
       }},
      {"linear_relu", three(L3(Var(square(F::linear_act<op::Relu>(x, w, b)))))},
      {"linear_tanh", three(L3(Var(square(F::linear_act<op::Tanh>(x, w, b)))))},
      {"linear_sigmoid", three(L3(F::linear_act<op::Sigmoid>(x, w, b)))},
      {"linear_dyn_batch",
       [] {
         const Tensor<double, Shape<Dyn, 4>> x(rnd<S34>(-1, 1, 55));
         return gradgradcheck(L3(Var(tanh(F::linear_act<op::Tanh>(x, w, b)))),
                              std::tuple{x, rnd<Shape<2, 4>>(-1, 1, 56), rnd<Shape<2>>(-1, 1, 57)});
       }},
  };
#undef L3
}

}  // namespace

TEST_CASE("gradgradcheck: nn::functional::linear and linear_act (relu, tanh, sigmoid)") {
  test::run_all(linear_cases());
}

TEST_CASE("create_graph: Hessian-vector products of small functions match their analytic values") {
  SUBCASE("sum(x^3): gradient 3x^2, Hessian diag(6x)") {
    const auto x0 = rnd<S4>(-2, 2, 11);
    Var x(x0, true);
    auto [g] = autograd::grad(sum(Var(x * x * x)), std::tuple{x}, create);
    CHECK(g.requires_grad());
    expect_near(g.value(), Tensor<double, S4>(3.0 * x0 * x0));
    const auto v = rnd<S4>(-1, 1, 12);
    auto [h] = autograd::grad(g, std::tuple{x}, v);
    expect_near(h, Tensor<double, S4>(6.0 * x0 * v));
  }
  SUBCASE("sum(tanh(a * x + b) * sigmoid(c)) with broadcast a and b: every block of the Hessian") {
    const auto x0 = rnd<S34>(-1, 1, 13), c0 = rnd<S34>(-1, 1, 14);
    const auto a0 = rnd<S4>(-1, 1, 15);
    const auto b0 = rnd<Shape<3, 1>>(-1, 1, 16);
    Var x(x0, true), c(c0, true);
    Var a(a0, true);
    Var b(b0, true);
    auto [gx] = autograd::grad(sum(Var(tanh(a * x + b) * sigmoid(c))), std::tuple{x}, create);
    const auto v = rnd<S34>(-1, 1, 17);
    auto [hx, hc, ha, hb] = autograd::grad(gx, std::tuple{x, c, a, b}, v);
    // gx = a (1 - t^2) s with t = tanh(u), u = a x + b, s = sigmoid(c).
    const Tensor<double, S34> t(tanh(a0 * x0 + b0)), s(sigmoid(c0));
    const Tensor<double, S34> dt(1.0 - t * t), ddt(-2.0 * t * dt);
    expect_near(hx, Tensor<double, S34>(a0 * a0 * ddt * s * v));
    expect_near(hc, Tensor<double, S34>(a0 * dt * s * (1.0 - s) * v));
    expect_near(ha, Tensor<double, S4>(sum<0>((dt + a0 * x0 * ddt) * s * v)));
    expect_near(hb, Tensor<double, Shape<3, 1>>(sum<1, true>(a0 * ddt * s * v)));
  }
  SUBCASE("sum(x * y): the cross terms, and an input the gradient does not depend on") {
    const auto x0 = rnd<S4>(-1, 1, 18), y0 = rnd<S4>(-1, 1, 19), v = rnd<S4>(-1, 1, 20);
    Var x(x0, true), y(y0, true);
    auto [gx, gy] = autograd::grad(sum(Var(x * y)), std::tuple{x, y}, create);
    expect_near(gx.value(), y0);
    expect_near(gy.value(), x0);
    auto [hx, hy] = autograd::grad(gx, std::tuple{x, y}, v, GradOptions{.retain_graph = true, .allow_unused = true});
    expect_near(hx.value(), Tensor<double, S4>());  // d(gx)/dx = 0: allow_unused gives zeros
    CHECK(!hx.requires_grad());
    expect_near(hy.value(), v);
    CHECK(test::error_of([&] {
            (void)autograd::grad(gx, std::tuple{x}, v, GradOptions{});
          }).find("appears to not have been used in the graph") != std::string::npos);
  }
  SUBCASE("mean(x^2): gradient 2x/n, Hessian 2/n I") {
    const auto x0 = rnd<S34>(-1, 1, 21), v = rnd<S34>(-1, 1, 22);
    Var x(x0, true);
    auto [g] = autograd::grad(mean(Var(x * x)), std::tuple{x}, create);
    expect_near(g.value(), Tensor<double, S34>(x0 * (2.0 / 12)));
    auto [h] = autograd::grad(g, std::tuple{x}, v);
    expect_near(h, Tensor<double, S34>(v * (2.0 / 12)));
  }
  SUBCASE("x^T A x through matmul: the Hessian is A + A^T, row by row") {
    const auto A = rnd<Shape<3, 3>>(-1, 1, 23);
    Var x(rnd<Shape<3>>(-1, 1, 24), true);
    auto [g] = autograd::grad(matmul(x, matmul(A, x)), std::tuple{x}, create);
    for (index_t i = 0; i < 3; ++i) {
      Tensor<double, Shape<3>> e;
      e.data()[i] = 1;
      auto [row] = autograd::grad(g, std::tuple{x}, e, GradOptions{.retain_graph = true});
      for (index_t j = 0; j < 3; ++j) CHECK(row.value().data()[j] == doctest::Approx(A(i, j) + A(j, i)));
    }
  }
  SUBCASE("a third derivative: d^3/dx^3 sum(x^4) = 24x (the gradient's own graph supports create_graph)") {
    const auto x0 = rnd<S4>(-2, 2, 25);
    Var x(x0, true);
    auto [g1] = autograd::grad(sum(Var(x * x * x * x)), std::tuple{x}, create);
    auto [g2] = autograd::grad(sum(g1), std::tuple{x}, create);
    expect_near(g2.value(), Tensor<double, S4>(12.0 * x0 * x0));
    auto [g3] = autograd::grad(sum(g2), std::tuple{x}, GradOptions{});
    expect_near(g3.value(), Tensor<double, S4>(24.0 * x0));
  }
  SUBCASE("third order through a product and a reduction along a dim") {
    const auto A = rnd<Shape<3, 3>>(-1, 1, 26);
    Var x(rnd<Shape<3, 3>>(-1, 1, 27), true);
    // f = sum(sum<1>(x A)^3): a cubic, so its third derivative is constant and the second linear.
    auto f = [&] {
      Var<double, Shape<3>> r = sum<1>(mm(x, A));
      return sum(Var(r * r * r));
    };
    auto [g1] = autograd::grad(f(), std::tuple{x}, create);
    auto [g2] = autograd::grad(sum(g1), std::tuple{x}, create);
    auto [g3] = autograd::grad(sum(g2), std::tuple{x}, GradOptions{});
    // With w = A 1 (row sums of A): f = sum_i (x_i . w)^3, so sum over the Hessian and its derivative:
    // d/dx_ij of sum_kl d^2f/dx_kl... = 6 (sum w)^2 w_j for every i.
    const Tensor<double, Shape<3>> w(sum<1>(A));
    const double sw = w(0) + w(1) + w(2);
    for (index_t i = 0; i < 3; ++i)
      for (index_t j = 0; j < 3; ++j) CHECK(g3.value()(i, j) == doctest::Approx(6 * sw * sw * w(j)));
  }
}

TEST_CASE("gradgradcheck: every pointwise op") {
  test::run_all(pointwise_cases());
}
TEST_CASE(
    "gradgradcheck: reductions (sum, mean, prod, logsumexp, var, std, norm, amax, amin, max, min), scans and picks") {
  test::run_all(reduction_cases());
}
// The create_graph VJPs of prod, cumsum and cumprod are recorded ops of their own (prod_others,
// reverse_cumsum, cumprod_vjp): gradgradcheck projects on random directions, so their first derivatives
// are also checked directly, element by element, on lanes with and without zeros.
TEST_CASE("gradcheck: the recorded VJPs of prod, cumsum and cumprod") {
  const Tensor<double, S34> zeros{{0.7, -1.3, 0.9, 1.2}, {1.1, 0, -0.8, 1.4}, {0, 0.6, 0, -0.5}};
  const auto x = rnd<S34>(-1.5, 1.5, 40), g = rnd<S34>(-1, 1, 41);
  for (const auto& in : {x, zeros}) {
    CHECK(autograd::gradcheck([](const auto& v) { return detail::prod_others<1>(v); }, std::tuple{in}).ok);
    CHECK(autograd::gradcheck([](const auto& v) { return detail::prod_others<0>(v); }, std::tuple{in}).ok);
    CHECK(autograd::gradcheck([](const auto& v) { return detail::prod_others<2>(v); }, std::tuple{in}).ok);
    CHECK(autograd::gradcheck([](const auto& u, const auto& v) { return detail::cumprod_vjp<1>(u, v); },
                              std::tuple{g, in})
              .ok);
    CHECK(autograd::gradcheck([](const auto& u, const auto& v) { return detail::cumprod_vjp<0>(u, v); },
                              std::tuple{g, in})
              .ok);
  }
  CHECK(autograd::gradcheck([](const auto& u) { return detail::reverse_cumsum<1>(u); }, std::tuple{g}).ok);
  CHECK(gradgradcheck([](const auto& u) { return detail::reverse_cumsum<0>(Var(u * u)); }, std::tuple{g}).ok);
}

TEST_CASE("gradgradcheck: mm, mv, dot, bmm and matmul at every rank") {
  test::run_all(product_cases());
}

TEST_CASE("gradgradcheck: views") {
  test::run_all(view_cases());
}

TEST_CASE("gradgradcheck: no pointwise header escapes the list") {
  const auto pw = pointwise_cases();
  for (const auto& stem : test::header_stems("pointwise")) {
    CAPTURE(stem);
    CHECK(pw.count(stem) == 1);
  }
}

TEST_CASE("gradgradcheck: a wrong second derivative is caught") {
  // x^3 with the right first derivative but a create_graph VJP that forgets x^2's dependence on x
  // (3 g instead of 3 g x^2): gradcheck passes, gradgradcheck must not.
  auto cube = [](const auto& x) {
    using V = std::remove_cvref_t<decltype(x)>;
    return autograd::record_graph(
        "WrongCubeBackward", Tensor<double, S4>(x.value() * x.value() * x.value()),
        [](const auto& g, const auto&, const V& in) { autograd::accumulate(in, 3.0 * g * in.value() * in.value()); },
        [](const V& g, const V& in) { autograd::accumulate_graph(in, V(g * 3.0)); }, x);
  };
  const auto x0 = rnd<S4>(0.5, 1, 30);
  CHECK(autograd::gradcheck(cube, std::tuple{x0}).ok);
  const auto r = gradgradcheck(cube, std::tuple{x0});
  CHECK(!r.ok);
  CHECK(r.message.find("gradgradcheck: input 0") == 0);
}

TEST_CASE("gradgradcheck: a function through an op without create_graph throws naming it") {
  struct Cube {
    Tensor<double, S4> x;
    Tensor<double, S4> forward(const Tensor<double, S4>& in) {
      x = in;
      return Tensor<double, S4>(in * in * in);
    }
    Tensor<double, S4> backward(const Tensor<double, S4>& g) { return Tensor<double, S4>(3.0 * g * x * x); }
  };
  const auto msg = test::error_of([] {
    (void)gradgradcheck([](const auto& x) { return autograd::apply(Cube{}, x); }, std::tuple{rnd<S4>(-1, 1, 30)});
  });
  CHECK(msg == "ctorch: backward: create_graph is not supported through CustomFunctionBackward yet");
}

TEST_CASE("create_graph: an op without a create_graph VJP throws naming it") {
  // A custom function (autograd::apply) has only its first-order backward.
  struct Double {
    Tensor<double, S34> forward(const Tensor<double, S34>& in) { return Tensor<double, S34>(in * 2.0); }
    Tensor<double, S34> backward(const Tensor<double, S34>& g) { return Tensor<double, S34>(g * 2.0); }
  };
  Var x(rnd<S34>(-1, 1, 31), true);
  auto f = [&] { return sum(autograd::apply(Double{}, Var(x * x))); };
  const auto msg = test::error_of([&] { (void)autograd::grad(f(), std::tuple{x}, create); });
  CHECK(msg == "ctorch: backward: create_graph is not supported through CustomFunctionBackward yet");
  // The first-order pass through the same graph still works.
  auto [g] = autograd::grad(f(), std::tuple{x}, GradOptions{});
  CHECK(!g.requires_grad());
}

TEST_CASE("create_graph: options") {
  const auto x0 = rnd<S4>(-1, 1, 32);
  SUBCASE("retain_graph defaults to create_graph, as in PyTorch") {
    Var x(x0, true);
    auto y = sum(Var(exp(x)));
    (void)autograd::grad(y, std::tuple{x}, create);
    auto [g] = autograd::grad(y, std::tuple{x}, create);  // the graph was kept
    expect_near(g.value(), Tensor<double, S4>(exp(x0)));
    (void)autograd::grad(y, std::tuple{x}, GradOptions{.retain_graph = false, .create_graph = true});
    CHECK(test::error_of([&] { (void)autograd::grad(y, std::tuple{x}, create); }).find("a second time") !=
          std::string::npos);
  }
  SUBCASE("without create_graph the gradients are constants") {
    Var x(x0, true);
    auto [g] = autograd::grad(sum(Var(exp(x))), std::tuple{x}, GradOptions{});
    CHECK(!g.requires_grad());
    expect_near(g.value(), Tensor<double, S4>(exp(x0)));
  }
  SUBCASE("a grad_output that requires grad is differentiated too") {
    Var x(x0, true);
    Var u(rnd<S4>(-1, 1, 33), true);
    auto [g] = autograd::grad(Var(sin(x)), std::tuple{x}, u, create);  // g = u cos(x)
    auto [du, dx] = autograd::grad(sum(g), std::tuple{u, x}, GradOptions{});
    expect_near(du.value(), Tensor<double, S4>(cos(x0)));
    expect_near(dx.value(), Tensor<double, S4>(-u.value() * sin(x0)));
  }
  SUBCASE("leaves' .grad is untouched") {
    Var x(x0, true);
    (void)autograd::grad(sum(Var(x * x)), std::tuple{x}, create);
    CHECK(!x.has_grad());
  }
  SUBCASE("a gradient of the wrong shape throws") {
    Var x(Tensor<double, Shape<Dyn>>(x0), true);
    Var y(x * 2.0);
    CHECK_THROWS_AS(autograd::grad(y, std::tuple{x}, Var(Tensor<double, Shape<Dyn>>(3)), create), shape_error);
  }
}

TEST_CASE("create_graph: backward({.create_graph = true}) leaves a .grad that carries its graph") {
  using autograd::BackwardOptions;
  const auto x0 = rnd<S4>(-1, 1, 40), v0 = rnd<S4>(-1, 1, 41);
  const Tensor<double, S4> g1(3.0 * x0 * x0), h1(6.0 * x0 * v0);  // d sum(x^3), and d sum(v . 3x^2)
  SUBCASE("the .grad value, and its derivative") {
    Var x(x0, true);
    Var(sum(Var(x * x * x))).backward(BackwardOptions{.create_graph = true});
    expect_near(x.grad(), g1);
    Var gx = x.grad_var();
    CHECK(gx.requires_grad());
    auto [d] = autograd::grad(sum(Var(gx * v0)), std::tuple{x}, GradOptions{});
    expect_near(d.value(), h1);
    x.zero_grad();  // the .grad's graph holds x: release it, as one would in PyTorch
    CHECK(!x.has_grad());
  }
  SUBCASE("accumulation: a plain .grad before and a plain backward after") {
    Var x(x0, true);
    Var(sum(Var(x * x * x))).backward();
    CHECK(!x.grad_var().requires_grad());  // a constant
    Var(sum(Var(x * x * x))).backward(BackwardOptions{.create_graph = true});
    expect_near(x.grad(), Tensor<double, S4>(2.0 * g1));
    auto [d1] = autograd::grad(sum(Var(x.grad_var() * v0)), std::tuple{x}, GradOptions{.retain_graph = true});
    expect_near(d1.value(), h1);          // the first, plain .grad is a constant
    Var(sum(Var(x * x * x))).backward();  // a .grad with a graph stays one
    expect_near(x.grad(), Tensor<double, S4>(3.0 * g1));
    auto [d2] = autograd::grad(sum(Var(x.grad_var() * v0)), std::tuple{x}, GradOptions{});
    expect_near(d2.value(), h1);  // the last backward had no create_graph: its part is a constant
    x.zero_grad(false);
    CHECK(!x.grad_var().requires_grad());
    expect_near(x.grad(), Tensor<double, S4>(0.0 * g1));
  }
  SUBCASE("retain_graph defaults to create_graph; false frees the graph") {
    Var x(x0, true);
    Var y(sum(Var(exp(x))));
    y.backward(BackwardOptions{.create_graph = true});
    y.backward(BackwardOptions{.retain_graph = false, .create_graph = true});
    expect_near(x.grad(), Tensor<double, S4>(2.0 * exp(x0)));
    CHECK(test::error_of([&] { y.backward(); }).find("a second time") != std::string::npos);
    x.zero_grad();
  }
  SUBCASE("a non-scalar output needs a gradient") {
    Var x(x0, true);
    Var y(x * x);
    CHECK_THROWS_AS(y.backward(BackwardOptions{.create_graph = true}), autograd_error);
    y.backward(Tensor<double, S4>(v0), BackwardOptions{.create_graph = true});
    expect_near(x.grad(), Tensor<double, S4>(2.0 * x0 * v0));
    x.zero_grad();
  }
}

TEST_CASE("create_graph: a gradient penalty and a Hessian-vector product match PyTorch") {
  const test::Fixture fx("create_graph.txt");
  using test::tensor_from;
  SUBCASE("penalty: P = ||dL/dx||^2, dP/d(W, b, x)") {
    Var x(tensor_from<double, Shape<5, 4>>(fx["penalty.x"]), true);
    Var W(tensor_from<double, Shape<4, 3>>(fx["penalty.W"]), true);
    Var b(tensor_from<double, Shape<3>>(fx["penalty.b"]), true);
    Var<double, Shape<5, 3>> h = tanh(mm(x, W) + b);
    auto L = Var(mean(Var(h * h)) + sum(Var(sigmoid(h))));
    auto [gx] = autograd::grad(L, std::tuple{x}, create);
    test::expect_golden("penalty.gx", fx["penalty.gx"], gx.value(), 1e-12);
    auto [dW, db, dx] = autograd::grad(sum(Var(gx * gx)), std::tuple{W, b, x}, GradOptions{});
    test::expect_golden("penalty.dW", fx["penalty.dW"], dW.value(), 1e-10);
    test::expect_golden("penalty.db", fx["penalty.db"], db.value(), 1e-10);
    test::expect_golden("penalty.dx", fx["penalty.dx"], dx.value(), 1e-10);
  }
  SUBCASE("penalty through L.backward({.create_graph = true}) and x.grad_var()") {
    Var x(tensor_from<double, Shape<5, 4>>(fx["penalty.x"]), true);
    Var W(tensor_from<double, Shape<4, 3>>(fx["penalty.W"]), true);
    Var b(tensor_from<double, Shape<3>>(fx["penalty.b"]), true);
    Var<double, Shape<5, 3>> h = tanh(mm(x, W) + b);
    Var(mean(Var(h * h)) + sum(Var(sigmoid(h)))).backward(autograd::BackwardOptions{.create_graph = true});
    test::expect_golden("penalty.gx", fx["penalty.gx"], x.grad(), 1e-12);
    const Var gx = x.grad_var();
    x.zero_grad();
    W.zero_grad();
    b.zero_grad();
    Var(sum(Var(gx * gx))).backward();
    test::expect_golden("penalty.dW", fx["penalty.dW"], W.grad(), 1e-10);
    test::expect_golden("penalty.db", fx["penalty.db"], b.grad(), 1e-10);
    test::expect_golden("penalty.dx", fx["penalty.dx"], x.grad(), 1e-10);
  }
  SUBCASE("hvp: through sum and mean along dims and a product") {
    Var x(tensor_from<double, Shape<3, 4>>(fx["hvp.x"]), true);
    Var W(tensor_from<double, Shape<4, 2>>(fx["hvp.W"]), true);
    Var c(tensor_from<double, Shape<4>>(fx["hvp.c"]), true);
    Var<double, Shape<3>> m = mean<1>(matmul(x, W));
    auto L = Var(sum(Var(m * m)) + sum(Var(sum<0>(x * x * x) * c)));
    auto [gx, gW] = autograd::grad(L, std::tuple{x, W}, create);
    const auto vx = tensor_from<double, Shape<3, 4>>(fx["hvp.vx"]);
    const auto vW = tensor_from<double, Shape<4, 2>>(fx["hvp.vW"]);
    auto S = Var(sum(Var(gx * vx)) + sum(Var(gW * vW)));
    auto [dx, dW, dc] = autograd::grad(S, std::tuple{x, W, c}, GradOptions{});
    test::expect_golden("hvp.dx", fx["hvp.dx"], dx.value(), 1e-10);
    test::expect_golden("hvp.dW", fx["hvp.dW"], dW.value(), 1e-10);
    test::expect_golden("hvp.dc", fx["hvp.dc"], dc.value(), 1e-10);
  }
}
