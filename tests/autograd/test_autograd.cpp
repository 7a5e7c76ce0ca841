// Autograd semantics, as PyTorch: accumulation, retain_graph, grad(), hooks, no_grad, detach, version
// counters, custom functions, and the errors.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include <ctorch/autograd.hpp>
#include <ctorch/core.hpp>
#include <ctorch/ops/comparison.hpp>
#include <ctorch/ops/linalg.hpp>
#include <ctorch/ops/pointwise.hpp>
#include <ctorch/ops/reduction.hpp>
#include <ctorch/ops/view.hpp>

using namespace ctorch;
using T3 = Tensor<float, Shape<3>>;
using V3 = Var<float, Shape<3>>;

TEST_CASE("autograd: a fused expression records one node and matches PyTorch") {
  // torch: a=[1,2,3], x=[.5,-1,2], b=[.1,.2,.3]; y = tanh(a*x+b)*sigmoid(b); y.backward(ones)
  V3 a(T3{1, 2, 3}, true), x(T3{0.5f, -1, 2}, true), b(T3{0.1f, 0.2f, 0.3f}, true);
  Var y = tanh(a * x + b) * sigmoid(b);
  CHECK(std::string(y.grad_fn()) == "mul");
  CHECK_FALSE(y.is_leaf());
  y.backward(T3{1, 1, 1});
  const float ga[] = {1.8678e-01f, -5.6940e-02f, 1.5476e-05f}, gx[] = {3.7356e-01f, 1.1388e-01f, 2.3214e-05f},
              gb[] = {0.5075f, -0.1774f, 0.2445f};
  for (int i = 0; i < 3; ++i) {
    CHECK(a.grad()(i) == doctest::Approx(ga[i]).epsilon(1e-3));
    CHECK(x.grad()(i) == doctest::Approx(gx[i]).epsilon(1e-3));
    CHECK(b.grad()(i) == doctest::Approx(gb[i]).epsilon(1e-3));
  }
}

TEST_CASE("autograd: a full sum's or mean's gradient reaches a fused node as one value, made a tensor on demand") {
  // The VJP of sum/mean gives every element the same value; a fused node of at least 1024 elements reads
  // it without a tensor (autograd::accumulate). 1500 elements: packets and a scalar tail.
  using VN = Var<float, Shape<Dyn>>;
  using TN = Tensor<float, Shape<Dyn>>;
  constexpr index_t n = 1500;
  TN a0(n), x0(n);
  for (index_t i = 0; i < n; ++i) a0(i) = 0.01f * float(i % 7) - 0.02f, x0(i) = 0.5f - 0.001f * float(i);
  auto check = [&](const TN& got, auto want) {
    for (index_t i = 0; i < n; ++i) {
      CAPTURE(i);
      CHECK(got(i) == doctest::Approx(want(i)).epsilon(1e-5));
    }
  };
  SUBCASE("sum and mean of the same fused node add up") {
    VN a(a0, true), x(x0, true);
    Var y = a * x;
    Var(sum(y) + mean(y) * float(n)).backward();  // d/dy = 1 + 1 = 2
    check(a.grad(), [&](index_t i) { return 2 * x0(i); });
    check(x.grad(), [&](index_t i) { return 2 * a0(i); });
  }
  SUBCASE("with a tensor contribution to the same node (the value is made a tensor, then added to)") {
    VN a(a0, true), x(x0, true);
    Var y = a * x;
    Var(sum(y) + sum(y * y)).backward();  // d/dy = 1 + 2y
    check(a.grad(), [&](index_t i) { return (1 + 2 * a0(i) * x0(i)) * x0(i); });
    check(x.grad(), [&](index_t i) { return (1 + 2 * a0(i) * x0(i)) * a0(i); });
  }
  SUBCASE("a hook and retain_grad see the tensor; a leaf's .grad is one") {
    VN a(a0, true), x(x0, true);
    Var y = a * x;
    y.retain_grad();
    TN seen(n);
    y.register_hook([&](const TN& g) { seen = g; });
    mean(y).backward();
    check(seen, [&](index_t) { return 1.f / n; });
    check(y.grad(), [&](index_t) { return 1.f / n; });
    check(a.grad(), [&](index_t i) { return x0(i) / n; });
    sum(a).backward();  // a leaf: its .grad accumulates the value as a tensor
    check(a.grad(), [&](index_t i) { return x0(i) / n + 1; });
  }
  SUBCASE("autograd::grad captures it as a tensor") {
    VN a(a0, true), x(x0, true);
    Var y = a * x;
    auto [gy, ga] = autograd::grad(sum(y), std::tuple{y, a}, autograd::GradOptions{});
    check(gy.value(), [&](index_t) { return 1.f; });
    check(ga.value(), [&](index_t i) { return x0(i); });
  }
}

TEST_CASE("autograd: gradients accumulate across backward calls; zero_grad resets") {
  V3 a(T3{1, 2, 3}, true);
  for (int k = 1; k <= 3; ++k) {
    auto s = sum(a * a);
    s.backward();
    CHECK(a.grad()(1) == doctest::Approx(4.0 * k));
  }
  a.zero_grad();
  CHECK_FALSE(a.has_grad());
  a.zero_grad(false);
  CHECK_FALSE(a.has_grad());
  sum(a).backward();
  a.zero_grad(false);
  REQUIRE(a.has_grad());
  CHECK(a.grad()(0) == 0);
}

TEST_CASE("autograd: a Var used twice gets both contributions") {
  V3 a(T3{1, 2, 3}, true);
  Var b = a * 2.0f;
  auto s = sum(b * a + b);  // d/da = 2 * 2a + 2
  s.backward();
  CHECK(a.grad()(2) == doctest::Approx(14));
}

TEST_CASE("autograd: errors like PyTorch") {
  V3 a(T3{1, 2, 3}, true);
  Var y = a * a;
  CHECK_THROWS_WITH_AS(y.backward(), doctest::Contains("grad can be implicitly created only for scalar outputs"),
                       autograd_error);
  auto s = sum(y);
  s.backward();
  CHECK_THROWS_WITH_AS(s.backward(), doctest::Contains("Trying to backward through the graph a second time"),
                       autograd_error);
  // retain_graph keeps it usable.
  auto s2 = sum(a * a);
  s2.backward(true);
  s2.backward();
  CHECK(a.grad()(0) == doctest::Approx(2 + 2 + 2));
  // A saved value changed in place.
  Var z = exp(a);
  auto s3 = sum(z);
  {
    no_grad ng;
    a.data_().fill_(0.f);
  }
  CHECK_THROWS_WITH_AS(s3.backward(), doctest::Contains("modified by an inplace operation"), autograd_error);
  // In-place on a leaf that requires grad, with grad mode on.
  CHECK_THROWS_WITH_AS(a.fill_(1.f), doctest::Contains("in-place operation"), autograd_error);
  // requires_grad on integers and on non-leaves.
  Var<std::int32_t, Shape<2>> iv(Tensor<std::int32_t, Shape<2>>{1, 2});
  CHECK_THROWS_AS(iv.requires_grad_(), value_error);
  CHECK_THROWS_AS(y.requires_grad_(false), autograd_error);
  // backward from something that does not require grad.
  V3 c(T3{1, 2, 3});
  CHECK_THROWS_WITH_AS(sum(c).backward(), doctest::Contains("does not require grad"), autograd_error);
  // A gradient of the wrong shape.
  Var<float, Shape<Dyn>> dv(Tensor<float, Shape<Dyn>>(3), true);
  Var dy = dv * 2.0f;
  CHECK_THROWS_AS(dy.backward(Tensor<float, Shape<Dyn>>(4)), shape_error);
}

TEST_CASE("autograd: grad() returns gradients without touching .grad") {
  V3 a(T3{1, 2, 3}, true), b(T3{4, 5, 6}, true);
  auto s = sum(a * b);
  auto [ga, gb] = autograd::grad(s, std::tie(a, b));
  CHECK(ga(0) == 4);
  CHECK(gb(2) == 3);
  CHECK_FALSE(a.has_grad());
  V3 c(T3{1, 2, 3}, true);
  auto s2 = sum(a * 2.0f);
  CHECK_THROWS_WITH_AS(autograd::grad(s2, std::tie(c)), doctest::Contains("not have been used"), autograd_error);
}

TEST_CASE("autograd: a fused node writes each leaf's first gradient, or adds where it must") {
  // The fused VJP stores (rather than adds into zeros) the gradient of a leaf that occurs once, is reached
  // by the chain rule and has no gradient yet; everything else must still come out as sums and zeros.
  using T = Tensor<float, Shape<Dyn>>;
  using V = Var<float, Shape<Dyn>>;
  const index_t n = 37;  // packets and a scalar tail
  T tx(n), ty(n), tz(n);
  for (index_t i = 0; i < n; ++i) {
    tx.data()[i] = float(i % 7) - 3.f;
    ty.data()[i] = 0.5f * float(i);
    tz.data()[i] = 2.f - float(i % 3);
  }
  V x(T(tx), true), y(T(ty), true), z(T(tz), true);
  {  // freed blocks of this size, full of non-zeros, for the allocations below to reuse (the caching allocator)
    std::vector<T> junk;
    for (int k = 0; k < 16; ++k) junk.emplace_back(n).fill_(123.f);
  }
  // x only under a comparison: no contribution reaches it, its gradient is zero (not stale memory).
  sum(where(x > 0.f, y * z, z)).backward();
  for (index_t i = 0; i < n; ++i) {
    const bool pos = tx.data()[i] > 0;
    CHECK(x.grad().data()[i] == 0.f);
    CHECK(y.grad().data()[i] == (pos ? tz.data()[i] : 0.f));
    CHECK(z.grad().data()[i] == (pos ? ty.data()[i] : 1.f));
  }
  // A leaf used twice (both contributions summed) and a second backward that accumulates into .grad.
  V w(T(tx), true);
  sum(w * w + y).backward();
  sum(w * 3.f).backward();
  for (index_t i = 0; i < n; ++i) {
    CHECK(w.grad().data()[i] == 2.f * tx.data()[i] + 3.f);
    CHECK(y.grad().data()[i] == (tx.data()[i] > 0 ? tz.data()[i] : 0.f) + 1.f);
  }
  // Two nodes sending gradient to one leaf in one backward (the second adds to the first's).
  V u(T(ty), true);
  Var a = tanh(u) * 2.f;
  Var b = u * u;
  sum(a + b).backward();
  for (index_t i = 0; i < n; ++i) {
    const float t = std::tanh(ty.data()[i]);
    CHECK(u.grad().data()[i] == doctest::Approx(2.f * (1.f - t * t) + 2.f * ty.data()[i]).epsilon(1e-5));
  }
}

TEST_CASE("autograd: create_graph is refused, naming the macro, when compiled out") {
  static_assert(!CTORCH_CREATE_GRAPH, "the unit tests build without create_graph (it has its own program)");
  V3 a(T3{1, 2, 3}, true);
  auto s = sum(a * a);
  CHECK_THROWS_WITH_AS(autograd::grad(s, std::tie(a), autograd::GradOptions{.create_graph = true}),
                       doctest::Contains("CTORCH_CREATE_GRAPH=1"), autograd_error);
  CHECK_THROWS_WITH_AS(s.backward(autograd::BackwardOptions{.create_graph = true}),
                       doctest::Contains("CTORCH_CREATE_GRAPH=1"), autograd_error);
  // The first-order form still works after the refusal.
  auto [ga] = autograd::grad(s, std::tie(a), autograd::GradOptions{});
  CHECK(ga.value()(2) == doctest::Approx(6));
  sum(a * a).backward(autograd::BackwardOptions{});
  CHECK(a.grad()(2) == doctest::Approx(6));
}

TEST_CASE("autograd: no_grad, enable_grad, detach") {
  V3 a(T3{1, 2, 3}, true);
  {
    no_grad ng;
    CHECK_FALSE(is_grad_enabled());
    Var y = a * a;
    CHECK_FALSE(y.requires_grad());
    CHECK(y.is_leaf());
    {
      enable_grad eg;
      Var z = a * a;
      CHECK(z.requires_grad());
    }
  }
  CHECK(is_grad_enabled());
  Var y = a * a.detach();  // the second factor is a constant
  sum(y).backward();
  CHECK(a.grad()(2) == doctest::Approx(3));
}

TEST_CASE("autograd: hooks see and replace gradients; retain_grad keeps a non-leaf's") {
  V3 a(T3{1, 2, 3}, true);
  Var y = a * 3.0f;
  y.retain_grad();
  float seen = 0;
  y.register_hook([&](const T3& g) { seen = g(0); });
  a.register_hook([](const T3& g) { return T3(g * 10.0f); });
  sum(y * 2.0f).backward();
  CHECK(seen == 2);
  CHECK(y.grad()(1) == 2);
  CHECK(a.grad()(1) == 60);
  V3 c(T3{1, 2, 3});
  CHECK_THROWS_AS(c.register_hook([](const T3&) {}), autograd_error);
}

namespace {
// y = x^3 with a hand-written backward that keeps x as a member (the saved tensor).
struct Cube {
  T3 x;
  T3 forward(const T3& in) {
    x = in;
    return T3(in * in * in);
  }
  T3 backward(const T3& g) { return T3(g * 3.0f * x * x); }
};
struct MulAdd {  // two inputs: a * b + b
  T3 a, b;
  T3 forward(const T3& x, const T3& y) {
    a = x;
    b = y;
    return T3(x * y + y);
  }
  std::tuple<T3, T3> backward(const T3& g) { return {T3(g * b), T3(g * (a + 1.0f))}; }
};
}  // namespace

TEST_CASE("autograd: custom functions") {
  V3 x(T3{1, 2, 3}, true), y(T3{4, 5, 6}, true);
  auto c = autograd::apply(Cube{}, x);
  CHECK(c.value()(1) == 8);
  auto m = autograd::apply(MulAdd{}, x, y);
  sum(c + m).backward();
  CHECK(x.grad()(1) == doctest::Approx(3 * 4 + 5));
  CHECK(y.grad()(1) == doctest::Approx(3));
}

TEST_CASE("autograd: Dyn extents and broadcasting bias") {
  Var<float, Shape<Dyn, 3>> x(Tensor<float, Shape<Dyn, 3>>{{1, 2, 3}, {4, 5, 6}}, true);
  V3 b(T3{1, 1, 1}, true);
  auto s = sum(relu(x - b * 2.0f));
  s.backward();
  CHECK(b.grad()(0) == -2);  // only row 2 is positive in column 0
  CHECK(b.grad()(2) == -4);
  CHECK(x.grad()(0, 0) == 0);
  CHECK(x.grad()(1, 0) == 1);
}

TEST_CASE("autograd: printing") {
  V3 a(T3{1, 2, 3}, true);
  std::ostringstream os;
  os << a;
  CHECK(os.str() == "tensor([1., 2., 3.], requires_grad=True)");
}
