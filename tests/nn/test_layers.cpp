// Every nn layer in one Sequential, forward and backward against PyTorch 1.13 (tests/golden/gen_nn.py,
// "stack_*": the same weights, the same input, loss = sum(y * r)), in double. The stack has a Linear
// followed by ReLU, Tanh and Sigmoid (run as one fused GEMM-epilogue layer by Sequential) and a Linear
// without bias at the end (not fused), so both paths are pinned. Also: the fused layer against the unfused
// one in float, and AvgPool2d's repr.
#include <doctest/doctest.h>

#include <ctorch/autograd.hpp>
#include <ctorch/core.hpp>
#include <ctorch/nn.hpp>
#include <ctorch/ops/linalg.hpp>
#include <ctorch/ops/reduction.hpp>
#include <ctorch/ops/view.hpp>
#include <limits>

#include "support/fixture.hpp"

using namespace ctorch;
using test::check_close;
using test::Fixture;

namespace {
const Fixture& fx() {
  static const Fixture f("nn.txt");
  return f;
}
template <class Tns>
std::vector<double> vec(const Tns& t) {
  return std::vector<double>(t.data(), t.data() + t.numel());
}

using Stack = nn::Sequential<nn::Conv2d<2, 3, 3, nn::Conv2dOptions{.padding = 1}, double>, nn::ReLU,
                             nn::AvgPool2d<nn::Pool2dOptions{.kernel = 2}>,
                             nn::Conv2d<3, 4, 2, nn::Conv2dOptions{.stride = 2}, double>,
                             nn::MaxPool2d<nn::Pool2dOptions{.kernel = 1}>, nn::Flatten, nn::Linear<4, 5, true, double>,
                             nn::Tanh, nn::Linear<5, 4, true, double>, nn::Sigmoid, nn::Linear<4, 3, true, double>,
                             nn::ReLU, nn::Linear<3, 2, false, double>>;
}  // namespace

TEST_CASE("nn layers: a stack of every layer matches PyTorch forward and backward") {
  Stack model;
  nn::StateDict sd;
  for (const auto& [name, shape] : model.named_parameters()) {
    const auto& g = fx()["stack_p_" + name];
    sd[name] = nn::StateTensor{shape, g.values};
  }
  model.load_state_dict(sd);
  Var<double, Shape<Dyn, 2, 6, 6>> x(Tensor<double, Shape<Dyn, 2, 6, 6>>(3));
  test::load(x.data_(), fx()["stack_x"]);
  x.requires_grad_();
  Tensor<double, Shape<3, 2>> r;
  test::load(r, fx()["stack_r"]);
  auto y = model(x);
  static_assert(std::is_same_v<typename decltype(y)::shape_type, Shape<Dyn, 2>>);
  check_close(vec(y.value()), fx()["stack_y"], 1e-12, 1e-12, "stack y");
  Var loss = sum(y * r);
  loss.backward();
  check_close(vec(x.grad()), fx()["stack_gx"], 1e-12, 1e-12, "stack grad x");
  int checked = 0;
  model.visit_parameters(
      [&](const std::string& name, auto& p) {
        REQUIRE(p.has_grad());
        check_close(vec(p.grad()), fx()["stack_g_" + name], 1e-11, 1e-12, "stack grad " + name);
        ++checked;
      },
      "");
  CHECK(checked == 11);
}

TEST_CASE("nn layers: Linear + activation runs fused, with the unfused values and gradients") {
  manual_seed(7);
  nn::Sequential<nn::Linear<300, 29>, nn::ReLU, nn::Linear<29, 18>, nn::Tanh, nn::Linear<18, 5>, nn::Sigmoid> fused;
  auto& l0 = fused.get<0>();
  auto& l2 = fused.get<2>();
  auto& l4 = fused.get<4>();
  Tensor<float, Shape<Dyn, 300>> x(41);  // K = 300: two K slabs of the packed GEMM, edge tiles in M and N
  for (index_t i = 0; i < x.numel(); ++i) x.data()[i] = float((i * 37) % 23) / 11.f - 1.f;
  auto y = fused(x);
  CHECK(std::string(y.grad_fn()) == "LinearActivationBackward");
  sum(y * y).backward();
  // The same layers, one at a time, keeping separate gradients.
  auto copy = [](const auto& v) {
    auto c = Var(typename std::decay_t<decltype(v)>::tensor_type(v.value()));  // a deep copy
    c.requires_grad_();
    return c;
  };
  auto w0 = copy(l0.weight);
  auto b0 = copy(l0.bias);
  auto w2 = copy(l2.weight);
  auto b2 = copy(l2.bias);
  auto w4 = copy(l4.weight);
  auto b4 = copy(l4.bias);
  namespace F = nn::functional;
  auto h0 = Var(relu(F::linear(x, w0, b0)));
  auto h1 = Var(tanh(F::linear(h0, w2, b2)));
  auto y2 = Var(sigmoid(F::linear(h1, w4, b4)));
  sum(y2 * y2).backward();
  auto close = [](const auto& a, const auto& b, const char* what) {
    std::vector<double> want(b.data(), b.data() + b.numel());
    test::Golden g{"float32", {}, want};
    check_close(std::vector<double>(a.data(), a.data() + a.numel()), g, 1e-5, 1e-6, what);
  };
  close(y.value(), y2.value(), "y");
  close(l0.weight.grad(), w0.grad(), "grad w0");
  close(l0.bias.grad(), b0.grad(), "grad b0");
  close(l2.weight.grad(), w2.grad(), "grad w2");
  close(l2.bias.grad(), b2.grad(), "grad b2");
  close(l4.weight.grad(), w4.grad(), "grad w4");
  close(l4.bias.grad(), b4.grad(), "grad b4");
  // Inference (no_grad): the same values, batch 1 (the matrix-vector path) and the Dyn batch.
  no_grad ng;
  auto yi = fused(x);
  close(yi.value(), y2.value(), "y under no_grad");
  Tensor<float, Shape<1, 300>> x1;
  std::copy(x.data(), x.data() + 300, x1.data());
  auto y1 = fused(x1);
  std::vector<double> first(y2.value().data(), y2.value().data() + 5);
  check_close(std::vector<double>(y1.value().data(), y1.value().data() + 5), test::Golden{"float32", {}, first}, 1e-5,
              1e-6, "batch 1");
}

TEST_CASE("nn layers: a weight used twice: its first product gradient is written, the second added") {
  // linear's VJP writes a fresh gradient buffer with beta = 0 (not zero-filled first) and adds into one that
  // already holds a contribution; against the same graph built from mm and transpose views. Three passes,
  // so that the caching allocator hands the fresh buffers memory that held other values.
  Tensor<float, Shape<6, 6>> w0;
  Tensor<float, Shape<6>> b0;
  Tensor<float, Shape<Dyn, 6>> x0(37);
  for (index_t i = 0; i < w0.numel(); ++i) w0.data()[i] = float((i * 5) % 11) / 7.f - 0.6f;
  for (index_t i = 0; i < b0.numel(); ++i) b0.data()[i] = 0.1f * float(i) - 0.2f;
  for (index_t i = 0; i < x0.numel(); ++i) x0.data()[i] = float((i * 13) % 17) / 9.f - 0.9f;
  namespace F = nn::functional;
  for (int pass = 0; pass < 3; ++pass) {
    Var w(w0, true), w2(w0, true);
    Var b(b0, true), b2(b0, true);
    Var x(x0, true), x2(x0, true);
    sum(square(F::linear(F::linear_act<op::Relu>(x, w, b), w, b))).backward();
    sum(square(Var(mm(Var(relu(mm(x2, t(w2)) + b2)), t(w2)) + b2))).backward();
    auto close = [](const auto& a, const auto& want, const char* what) {
      check_close(vec(a), test::Golden{"float32", {}, vec(want)}, 1e-5, 1e-5, what);
    };
    close(w.grad(), w2.grad(), "grad w");
    close(b.grad(), b2.grad(), "grad b");
    close(x.grad(), x2.grad(), "grad x");
  }
}

TEST_CASE("nn layers: Flatten of a tensor is a constant Var holding a copy") {
  Tensor<float, Shape<Dyn, 2, 3>> x(4);
  for (index_t i = 0; i < x.numel(); ++i) x.data()[i] = float(i);
  auto y = nn::Flatten{}(x);
  static_assert(std::is_same_v<decltype(y), Var<float, Shape<Dyn, 6>>>);
  CHECK(!y.requires_grad());
  CHECK(y.size(0) == 4);
  CHECK(vec(y.value()) == vec(x));
  x.data()[7] = -1.f;  // a copy: the input may change or go away
  CHECK(y.value()(1, 1) == 7.f);
}

TEST_CASE("nn layers: ReLU then MaxPool2d runs as pooling then ReLU, with the same values and gradients") {
  // Windows with ties among positives, all-negative windows, zeros, padding and overlapping windows
  // (stride 1): the swapped order must give the same values and send gradient to the same elements.
  using Pool = nn::MaxPool2d<nn::Pool2dOptions{.kernel = 2}>;
  using PoolPad = nn::MaxPool2d<nn::Pool2dOptions{.kernel = 3, .stride = 1, .padding = 1}>;
  using X = Tensor<float, Shape<Dyn, 2, 4, 6>>;
  const auto check = [](auto pool, bool with_nan) {
    using P = decltype(pool);
    X t(3);
    for (index_t i = 0; i < t.numel(); ++i) t.data()[i] = float(int((i * 7) % 11) - 6) * 0.5f;  // ties, zeros
    for (index_t i = 48; i < 52; ++i) t.data()[i] = -1.f - float(i);  // an all-negative window
    if (with_nan) t.data()[60] = std::numeric_limits<float>::quiet_NaN();
    Var x1(X(t), true), x2(X(t), true);
    nn::Sequential<nn::ReLU, P> seq;
    auto y1 = seq(x1);
    auto y2 = P{}(nn::ReLU{}(x2));               // the layers one at a time, ReLU first
    CHECK(std::string(y1.grad_fn()) == "relu");  // the ReLU ran last
    CHECK(std::string(y2.grad_fn()) == "MaxPool2DWithIndicesBackward0");
    REQUIRE(y1.numel() == y2.numel());
    for (index_t i = 0; i < y1.numel(); ++i) {
      const float a = y1.value().data()[i], b = y2.value().data()[i];
      CHECK(((a == b) || (a != a && b != b)));
    }
    if (with_nan) return;
    Tensor<float, typename decltype(y1)::shape_type> w(y1.value().dims());
    for (index_t i = 0; i < w.numel(); ++i) w.data()[i] = float(i % 5) - 1.5f;
    sum(y1 * w).backward();
    sum(y2 * w).backward();
    for (index_t i = 0; i < t.numel(); ++i) CHECK(x1.grad().data()[i] == x2.grad().data()[i]);
  };
  check(Pool{}, false);
  check(PoolPad{}, false);
  check(Pool{}, true);
}

TEST_CASE("nn layers: AvgPool2d shape and repr") {
  using P = nn::AvgPool2d<nn::Pool2dOptions{.kernel = 3, .stride = 2, .padding = 1}>;
  static_assert(std::is_same_v<P::output_shape<Shape<Dyn, 4, 9, 8>>, Shape<Dyn, 4, 5, 4>>);
  CHECK(P{}.repr() == "AvgPool2d(kernel_size=3, stride=2, padding=1)");
}

namespace {
// A user module with a buffer: scales its input by a fixed per-feature factor (state, not a parameter).
struct Scale : nn::Module<Scale>, nn::NoChildren {
  Tensor<float, Shape<3>> factor{{1.f, 2.f, 3.f}};
  template <class S>
  static constexpr bool accepts = S::rank == 2;
  template <class S>
  using output_shape = S;
  template <class X>
  auto forward(const X& x) const {
    return Var(autograd::as_var(x) * factor);
  }
  template <class F>
  void visit_parameters(F&&, const std::string&) {}
  template <class F>
  void visit_buffers(F&& f, const std::string& prefix) {
    f(nn::detail::join(prefix, "factor"), factor);
  }
  auto parameters() { return std::tuple<>{}; }
  std::string repr() const { return "Scale()"; }
};
}  // namespace

TEST_CASE("nn Module: buffers are named, saved and loaded with the parameters; children()") {
  manual_seed(1);
  nn::Sequential<nn::Linear<2, 3>, Scale> model;
  const auto bufs = model.named_buffers();
  REQUIRE(bufs.size() == 1);
  CHECK(bufs[0].first == "1.factor");
  CHECK(bufs[0].second == std::vector<index_t>{3});
  auto sd = model.state_dict();
  REQUIRE(sd.count("1.factor") == 1);
  CHECK(sd["1.factor"].values == std::vector<double>{1, 2, 3});
  sd["1.factor"].values = {4, 5, 6};
  model.load_state_dict(sd);
  CHECK(model.get<1>().factor(2) == 6.f);
  sd.erase("1.factor");
  CHECK_THROWS_WITH_AS(model.load_state_dict(sd), doctest::Contains("Missing key(s) in state_dict: \"1.factor\""),
                       value_error);
  auto kids = model.children();
  static_assert(std::tuple_size_v<decltype(kids)> == 2);
  CHECK(&std::get<1>(kids) == &model.get<1>());
  static_assert(std::tuple_size_v<decltype(model.get<0>().children())> == 0);
}
