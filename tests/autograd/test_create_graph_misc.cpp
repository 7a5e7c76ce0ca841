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
using test::expect_near;
using test::rnd;

namespace {

using S4 = Shape<4>;
using S34 = Shape<3, 4>;
constexpr GradOptions create{.create_graph = true};

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

namespace {
// Along one lane of length n: sum over ordered pairs (i, k), i != k, both != m and <= last, of
// v_i v_k prod_{l <= last, l not in {i, k, m}} x_l (0 when m > last): d/dx_m of the second directional
// derivative D^2 P[v, v] of P = x_0 ... x_last, by brute force.
double third_lane(const double* x, const double* v, index_t st, index_t m, index_t last) {
  if (m > last) return 0;
  double s = 0;
  for (index_t i = 0; i <= last; ++i)
    for (index_t k = 0; k <= last; ++k) {
      if (i == k || i == m || k == m) continue;
      double p = v[i * st] * v[k * st];
      for (index_t l = 0; l <= last; ++l)
        if (l != i && l != k && l != m) p *= x[l * st];
      s += p;
    }
  return s;
}
}  // namespace

// The create_graph VJPs of prod and cumprod are built from recorded lane recurrences (detail::linrec) that
// are closed under taking VJPs: third derivatives against brute-force sums, with one, two and three zeros in
// a lane (where a division-based formula would fail), and gradgradcheck of the gradient (third and fourth).
TEST_CASE("create_graph: third derivatives through prod and cumprod, with zeros") {
  const std::array<Tensor<double, S4>, 4> xs{Tensor<double, S4>{0.7, -1.3, 0.9, 1.2},
                                             Tensor<double, S4>{1.1, 0, -0.8, 1.4}, Tensor<double, S4>{0, 0.6, 0, -0.5},
                                             Tensor<double, S4>{0, 0, 0.3, 0}};
  const auto v = rnd<S4>(-1, 1, 20), u = rnd<S4>(-1, 1, 21);
  for (const auto& x0 : xs) {
    CAPTURE(x0);
    // d/dx of D^2 prod(x)[v, v]: the gradient of v . grad(v . grad prod).
    Var x(x0, true);
    auto [g1] = autograd::grad(prod(x), std::tuple{x}, create);
    auto [g2] = autograd::grad(sum(Var(g1 * v)), std::tuple{x}, create);
    auto [g3] = autograd::grad(sum(Var(g2 * v)), std::tuple{x}, GradOptions{});
    for (index_t m = 0; m < 4; ++m) {
      CAPTURE(m);
      CHECK(g3.value()(m) == doctest::Approx(third_lane(x0.data(), v.data(), 1, m, 3)).epsilon(1e-12).scale(1));
    }
    // The same for sum(u . cumprod(x)): the sum over j of u_j times the lane's prefix product up to j.
    auto [c1] = autograd::grad(sum(Var(cumprod<0>(x) * u)), std::tuple{x}, create);
    auto [c2] = autograd::grad(sum(Var(c1 * v)), std::tuple{x}, create);
    auto [c3] = autograd::grad(sum(Var(c2 * v)), std::tuple{x}, GradOptions{});
    for (index_t m = 0; m < 4; ++m) {
      CAPTURE(m);
      double want = 0;
      for (index_t j = 0; j < 4; ++j) want += u(j) * third_lane(x0.data(), v.data(), 1, m, j);
      CHECK(c3.value()(m) == doctest::Approx(want).epsilon(1e-12).scale(1));
    }
  }
  SUBCASE("along a dim, lanes with no zero, one and two") {
    const Tensor<double, S34> x0{{0.7, -1.3, 0.9, 1.2}, {1.1, 0, -0.8, 1.4}, {0, 0.6, 0, -0.5}};
    const auto w = rnd<S34>(-1, 1, 22);
    Var x(x0, true);
    auto [g1] = autograd::grad(sum(Var(prod<1>(x) * Tensor<double, Shape<3>>{0.5, -1, 2})), std::tuple{x}, create);
    auto [g2] = autograd::grad(sum(Var(g1 * w)), std::tuple{x}, create);
    auto [g3] = autograd::grad(sum(Var(g2 * w)), std::tuple{x}, GradOptions{});
    const double r[3] = {0.5, -1, 2};
    for (index_t i = 0; i < 3; ++i)
      for (index_t m = 0; m < 4; ++m) {
        CAPTURE(i);
        CAPTURE(m);
        CHECK(g3.value()(i, m) ==
              doctest::Approx(r[i] * third_lane(x0.data() + 4 * i, w.data() + 4 * i, 1, m, 3)).epsilon(1e-12).scale(1));
      }
    // Along dim 0 (strided lanes) for cumprod.
    auto [c1] = autograd::grad(sum(Var(cumprod<0>(x) * w)), std::tuple{x}, create);
    auto [c2] = autograd::grad(sum(Var(c1 * x0)), std::tuple{x}, create);
    auto [c3] = autograd::grad(sum(Var(c2 * x0)), std::tuple{x}, GradOptions{});
    for (index_t col = 0; col < 4; ++col)
      for (index_t m = 0; m < 3; ++m) {
        CAPTURE(col);
        CAPTURE(m);
        double want = 0;
        for (index_t j = 0; j < 3; ++j) want += w(j, col) * third_lane(x0.data() + col, x0.data() + col, 4, m, j);
        CHECK(c3.value()(m, col) == doctest::Approx(want).epsilon(1e-12).scale(1));
      }
  }
  SUBCASE("gradgradcheck of the gradients: third and fourth derivatives") {
    const Tensor<double, S34> z{{0.7, -1.3, 0.9, 1.2}, {1.1, 0, -0.8, 1.4}, {0, 0.6, 0, -0.5}};
    const auto r = rnd<S34>(0.5, 1.5, 23);
    for (const auto& x0 : {r, z}) {
      auto grad_of = [](auto f) {
        return [f](const auto& x) {
          auto [g] = autograd::grad(f(x), std::tuple{x}, create);
          return g;
        };
      };
      auto res = gradgradcheck(grad_of([](const auto& x) { return prod(x); }), std::tuple{x0});
      INFO(res.message);
      CHECK(res.ok);
      res = gradgradcheck(grad_of([](const auto& x) { return sum(Var(square(prod<1>(x)))); }), std::tuple{x0});
      INFO(res.message);
      CHECK(res.ok);
      res = gradgradcheck(grad_of([](const auto& x) { return sum(Var(cumprod<1>(x) * x)); }), std::tuple{x0});
      INFO(res.message);
      CHECK(res.ok);
      res = gradgradcheck(grad_of([](const auto& x) { return sum(Var(square(cumprod<0>(x)))); }), std::tuple{x0});
      INFO(res.message);
      CHECK(res.ok);
    }
  }
}

// A dtype conversion of a Var inside a fused expression: the create_graph pass gives the part in the other
// dtype a tape of its own, joined by recorded conversions (ToCopyBackward0) both ways.
TEST_CASE("create_graph: dtype conversions of Vars inside fused expressions") {
  // The float results are double computations rounded to float once: within a few float ulps.
  const double ftol = 4 * double(std::numeric_limits<float>::epsilon());
  auto near = [&](const auto& got, const auto& want) {
    REQUIRE(got.numel() == want.numel());
    for (index_t i = 0; i < got.numel(); ++i) {
      CAPTURE(i);
      CHECK(double(got.data()[i]) == doctest::Approx(double(want.data()[i])).epsilon(ftol).scale(1));
    }
  };
  SUBCASE("sum(cast<double>(x)^3) of a float x: gradient 3x^2, Hessian diag(6x), third derivative 6") {
    const Tensor<float, S4> x0(rnd<S4>(-2, 2, 30)), v(rnd<S4>(-1, 1, 31));
    Var x(x0, true);
    auto [g] = autograd::grad(sum(Var(cast<double>(x) * cast<double>(x) * cast<double>(x))), std::tuple{x}, create);
    static_assert(std::is_same_v<decltype(g), Var<float, S4>>);
    CHECK(g.requires_grad());
    const Tensor<double, S4> xd(x0), vd(v);
    near(g.value(), Tensor<double, S4>(3.0 * xd * xd));
    auto [h] = autograd::grad(g, std::tuple{x}, v, create);
    near(h.value(), Tensor<double, S4>(6.0 * xd * vd));
    auto [t] = autograd::grad(sum(h), std::tuple{x}, GradOptions{});
    near(t.value(), Tensor<double, S4>(6.0 * vd));
  }
  SUBCASE("sin(xf * xd), float times double promoted to double: every block of the Hessian") {
    const Tensor<float, S4> f0(rnd<S4>(-1, 1, 32)), vf(rnd<S4>(-1, 1, 33));
    const Tensor<double, S4> d0 = rnd<S4>(-1, 1, 34), vd = rnd<S4>(-1, 1, 35);
    Var xf(f0, true);
    Var xd(d0, true);
    auto [gf, gd] = autograd::grad(sum(Var(sin(xf * xd))), std::tuple{xf, xd}, create);
    const Tensor<double, S4> a(f0), p(a * d0), c(cos(p)), s(sin(p)), wf(vf);
    near(gf.value(), Tensor<double, S4>(c * d0));
    near(gd.value(), Tensor<double, S4>(c * a));
    // S = gf . vf + gd . vd with gf = cos(p) xd, gd = cos(p) xf.
    auto [hf, hd] = autograd::grad(Var(sum(Var(gf * vf)) + sum(Var(gd * vd))), std::tuple{xf, xd}, GradOptions{});
    near(hf.value(), Tensor<double, S4>(-s * d0 * d0 * wf + (c - s * a * d0) * vd));
    near(hd.value(), Tensor<double, S4>((c - s * a * d0) * wf - s * a * a * vd));
  }
  SUBCASE("gradgradcheck through double -> float -> double, nested in one expression and across nodes") {
    // eps = 1e-2: f is a cubic, so the central difference of its quadratic first VJP has no truncation
    // error, and float's rounding of x (6e-8 relative) moves it by about 6e-8 / 1e-2, far below the
    // default tolerances (at eps = 1e-6 that rounding alone would be 6e-2).
    const double eps = 1e-2;
    auto nested = [](const auto& x) { return Var(cast<double>(cast<float>(x) * cast<float>(x)) * x); };
    auto r = gradgradcheck(nested, std::tuple{rnd<S34>(-1, 1, 36)}, eps);
    INFO(r.message);
    CHECK(r.ok);
    auto across = [](const auto& x) {
      const Var<float, S34> xf = cast<float>(x) * 2.0f;
      return Var(cast<double>(xf) * x * x + xf);
    };
    r = gradgradcheck(across, std::tuple{rnd<S34>(-1, 1, 37)}, eps);
    INFO(r.message);
    CHECK(r.ok);
  }
}
