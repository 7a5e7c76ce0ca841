// create_graph through custom functions (autograd::apply with a backward given the inputs), third and higher
// derivatives through prod and cumprod (with zeros), and dtype conversions of Vars inside fused expressions.
#include <doctest/doctest.h>

#include "autograd/gradcheck_support.hpp"
#include "support/golden_tensor.hpp"

#include <cmath>
#include <ctorch/autograd.hpp>
#include <ctorch/core.hpp>
#include <ctorch/ops/pointwise.hpp>
#include <ctorch/ops/reduction/cumprod.hpp>
#include <ctorch/ops/reduction/prod.hpp>
#include <ctorch/ops/reduction/sum.hpp>
#include <limits>
#include <string>

using namespace ctorch;
using autograd::gradgradcheck;
using autograd::GradOptions;
using test::rnd;

namespace {

using S4 = Shape<4>;
using S34 = Shape<3, 4>;
constexpr GradOptions create{.create_graph = true};

template <class A, class B>
void expect_near(const A& a, const B& b, double tol = 1e-12) {
  REQUIRE(a.numel() == b.numel());
  for (index_t i = 0; i < a.numel(); ++i) {
    CAPTURE(i);
    CHECK(a.data()[i] == doctest::Approx(b.data()[i]).epsilon(tol).scale(1));
  }
}

// y = x^3, its backward given the input: generic, so create_graph calls it with Vars.
template <class S>
struct Cube {
  Tensor<double, S> forward(const Tensor<double, S>& x) { return Tensor<double, S>(x * x * x); }
  auto backward(const auto& g, const auto& x) { return 3.0 * g * x * x; }
};
// y = a b + sin(b): two inputs, a tuple of gradients.
template <class S>
struct MulSin {
  Tensor<double, S> forward(const Tensor<double, S>& a, const Tensor<double, S>& b) {
    return Tensor<double, S>(a * b + sin(b));
  }
  auto backward(const auto& g, const auto& a, const auto& b) { return std::tuple{g * b, g * (a + cos(b))}; }
};
// The same cube with its backward given the inputs as tensors only: no create_graph form.
struct TensorOnlyCube {
  Tensor<double, S4> forward(const Tensor<double, S4>& x) { return Tensor<double, S4>(x * x * x); }
  Tensor<double, S4> backward(const Tensor<double, S4>& g, const Tensor<double, S4>& x) {
    return Tensor<double, S4>(3.0 * g * x * x);
  }
};
// A gradient that broadcasts to its input: y = x + s (s of shape [1]), ds = sum(g) given as a [1] tensor.
struct AddScalar {
  Tensor<double, S34> forward(const Tensor<double, S34>& x, const Tensor<double, Shape<1>>& s) {
    return Tensor<double, S34>(x + s);
  }
  auto backward(const auto& g, const auto&, const auto&) { return std::tuple{g * 1.0, sum(g)}; }
};

}  // namespace

TEST_CASE("create_graph: custom functions whose backward is given the inputs") {
  SUBCASE("the plain pass calls backward with tensors") {
    Var x(rnd<S4>(-1, 1, 1), true);
    sum(autograd::apply(Cube<S4>{}, x)).backward();
    expect_near(x.grad(), Tensor<double, S4>(3.0 * x.value() * x.value()));
    Var y(rnd<S4>(-1, 1, 2), true);
    auto [ga] = autograd::grad(sum(autograd::apply(TensorOnlyCube{}, y)), std::tuple{y}, GradOptions{});
    expect_near(ga.value(), Tensor<double, S4>(3.0 * y.value() * y.value()));
  }
  SUBCASE("gradgradcheck: one input, two inputs, and composed with other ops") {
    auto cube = [](const auto& x) { return autograd::apply(Cube<S34>{}, x); };
    auto r = gradgradcheck(cube, std::tuple{rnd<S34>(-1, 1, 3)});
    INFO(r.message);
    CHECK(r.ok);
    auto mulsin = [](const auto& a, const auto& b) { return autograd::apply(MulSin<S34>{}, a, b); };
    r = gradgradcheck(mulsin, std::tuple{rnd<S34>(-1, 1, 4), rnd<S34>(-2, 2, 5)});
    INFO(r.message);
    CHECK(r.ok);
    auto composed = [](const auto& a, const auto& b) {
      return Var(tanh(autograd::apply(MulSin<S34>{}, Var(a * b), autograd::apply(Cube<S34>{}, b))) * a);
    };
    r = gradgradcheck(composed, std::tuple{rnd<S34>(-1, 1, 6), rnd<S34>(-1, 1, 7)});
    INFO(r.message);
    CHECK(r.ok);
  }
  SUBCASE("gradgradcheck: a gradient that broadcasts to its input") {
    auto f = [](const auto& x, const auto& s) { return Var(square(autograd::apply(AddScalar{}, x, s))); };
    const auto r = gradgradcheck(f, std::tuple{rnd<S34>(-1, 1, 8), rnd<Shape<1>>(-1, 1, 9)});
    INFO(r.message);
    CHECK(r.ok);
  }
  SUBCASE("Hessian-vector products and a third derivative against analytic values") {
    const auto x0 = rnd<S4>(-2, 2, 10), v = rnd<S4>(-1, 1, 11);
    Var x(x0, true);
    auto [g] = autograd::grad(sum(autograd::apply(Cube<S4>{}, x)), std::tuple{x}, create);
    CHECK(g.requires_grad());
    expect_near(g.value(), Tensor<double, S4>(3.0 * x0 * x0));
    auto [h] = autograd::grad(g, std::tuple{x}, v, create);
    expect_near(h.value(), Tensor<double, S4>(6.0 * x0 * v));  // diag(6x) v
    auto [t] = autograd::grad(sum(h), std::tuple{x}, GradOptions{});
    expect_near(t.value(), Tensor<double, S4>(6.0 * v));  // d^3 sum(x^3) [v, 1] = 6 v

    // f = sum(a b + sin(b)): grad (b, a + cos b); the Hessian-vector product with (va, vb) is
    // (vb, va - sin(b) vb).
    const auto a0 = rnd<S4>(-1, 1, 12), b0 = rnd<S4>(-2, 2, 13), va = rnd<S4>(-1, 1, 14), vb = rnd<S4>(-1, 1, 15);
    Var a(a0, true), b(b0, true);
    auto [ga, gb] = autograd::grad(sum(autograd::apply(MulSin<S4>{}, a, b)), std::tuple{a, b}, create);
    expect_near(ga.value(), b0);
    expect_near(gb.value(), Tensor<double, S4>(a0 + cos(b0)));
    auto [ha, hb] = autograd::grad(Var(sum(Var(ga * va)) + sum(Var(gb * vb))), std::tuple{a, b}, GradOptions{});
    expect_near(ha.value(), vb);
    expect_near(hb.value(), Tensor<double, S4>(va - sin(b0) * vb));
  }
  SUBCASE("a backward that takes only tensors keeps throwing under create_graph") {
    Var x(rnd<S4>(-1, 1, 16), true);
    const auto msg =
        test::error_of([&] { (void)autograd::grad(sum(autograd::apply(TensorOnlyCube{}, x)), std::tuple{x}, create); });
    CHECK(msg == "ctorch: backward: create_graph is not supported through CustomFunctionBackward yet");
  }
}
