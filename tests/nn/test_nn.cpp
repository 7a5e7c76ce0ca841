// nn against PyTorch: Linear's seeded init, losses and their gradients, Sequential, state_dict, save/load.
#include <doctest/doctest.h>

#include <cstdio>
#include <ctorch/autograd.hpp>
#include <ctorch/core.hpp>
#include <ctorch/nn.hpp>
#include <ctorch/ops/reduction.hpp>
#include <filesystem>
#include <sstream>

#include "nn/cases_nn.hpp"
#include "support/fixture.hpp"

using namespace ctorch;
namespace F = ctorch::nn::functional;
using test::check_close;
using test::Fixture;

namespace {
const Fixture& fx() {
  static const Fixture f("nn.txt");
  return f;
}
template <class S, class T = double>
Tensor<T, S> golden(const std::string& name) {
  Tensor<T, S> t;
  test::load(t, fx()[name]);
  return t;
}
}  // namespace

TEST_CASE("nn::Linear: PyTorch's init for a seed, and its repr") {
  manual_seed(0);
  nn::Linear<5, 3> lin;
  check_close(lin.weight.value().tolist(), fx()["linear_init_weight"], 0, 0, "weight");
  check_close(lin.bias.value().tolist(), fx()["linear_init_bias"], 0, 0, "bias");
  CHECK(lin.repr() == "Linear(in_features=5, out_features=3, bias=True)");
  CHECK(lin.num_parameters() == 18);
}

TEST_CASE("nn::functional::cross_entropy matches PyTorch (weight, ignore_index, label smoothing, reductions)") {
  const auto x = golden<Shape<6, 4>>("ce_x");
  Tensor<std::int64_t, Shape<6>> t;
  test::load(t, fx()["ce_t"]);
  struct C {
    const char* name;
    F::CrossEntropyOptions opt;
  };
  const std::vector<double> wt{1.0, 2.0, 0.5, 1.5};
  for (const C& c : {C{"plain", {}}, C{"weight", {wt}}, C{"ignore", {{}, 1}}, C{"smooth", {{}, -100, 0.2}},
                     C{"all", {wt, 3, 0.1}}}) {
    CAPTURE(c.name);
    {
      Var<double, Shape<6, 4>> v(x, true);
      auto loss = F::cross_entropy<F::Reduction::mean>(v, t, c.opt);
      loss.backward();
      check_close(std::vector<double>{loss.item()}, fx()[std::string("ce_") + c.name + "_mean"], 1e-12, 1e-12, "loss");
      check_close(v.grad().tolist(), fx()[std::string("ce_") + c.name + "_mean_grad"], 1e-10, 1e-12, "grad");
    }
    {
      Var<double, Shape<6, 4>> v(x, true);
      auto loss = F::cross_entropy<F::Reduction::sum>(v, t, c.opt);
      loss.backward();
      check_close(std::vector<double>{loss.item()}, fx()[std::string("ce_") + c.name + "_sum"], 1e-12, 1e-12, "loss");
      check_close(v.grad().tolist(), fx()[std::string("ce_") + c.name + "_sum_grad"], 1e-10, 1e-12, "grad");
    }
  }
  Var<double, Shape<6, 4>> v(x, true);
  auto loss = F::cross_entropy<F::Reduction::none>(v, t);
  Tensor<double, Shape<Dyn>> up(6);
  for (int i = 0; i < 6; ++i) up.data()[i] = i;
  loss.backward(up);
  check_close(loss.value().tolist(), fx()["ce_none"], 1e-12, 1e-12, "none");
  check_close(v.grad().tolist(), fx()["ce_none_grad"], 1e-10, 1e-12, "none grad");
}

TEST_CASE("nn::functional::cross_entropy in float: whole exp batches and a tail, against a long double reference") {
  // [7, 5]: 35 elements, so the softmax's exponentials run as whole xsimd batches and a scalar tail.
  Tensor<float, Shape<7, 5>> x;
  Tensor<std::int64_t, Shape<7>> t;
  for (index_t i = 0; i < x.numel(); ++i) x.data()[i] = float((i * 29) % 31) / 4.f - 3.f;
  for (index_t i = 0; i < 7; ++i) t.data()[i] = (i * 3) % 5;
  Var<float, Shape<7, 5>> v(x, true);
  auto loss = F::cross_entropy(v, t);
  loss.backward();
  long double want = 0;
  std::vector<double> grad;
  for (index_t i = 0; i < 7; ++i) {
    long double m = x(i, 0), s = 0;
    for (index_t c = 1; c < 5; ++c) m = std::max<long double>(m, x(i, c));
    for (index_t c = 0; c < 5; ++c) s += std::exp((long double)x(i, c) - m);
    want -= ((long double)x(i, t(i)) - m - std::log(s)) / 7;
    for (index_t c = 0; c < 5; ++c)
      grad.push_back(double((std::exp((long double)x(i, c) - m) / s - (c == t(i) ? 1 : 0)) / 7));
  }
  check_close(std::vector<double>{loss.item()}, test::Golden{"float32", {}, {double(want)}}, 1e-6, 1e-7, "loss");
  check_close(v.grad().tolist(), test::Golden{"float32", {}, grad}, 1e-5, 1e-7, "grad");
}

TEST_CASE("nn::functional::cross_entropy: the options may be a temporary that dies before backward") {
  const auto x = golden<Shape<6, 4>>("ce_x");
  Tensor<std::int64_t, Shape<6>> t;
  test::load(t, fx()["ce_t"]);
  Var<double, Shape<6, 4>> v(x, true);
  auto loss = F::cross_entropy(v, t, F::CrossEntropyOptions{std::vector<double>{1.0, 2.0, 0.5, 1.5}, 3, 0.1});
  loss.backward();  // the node holds its own weights and ignore_index (ASan would flag a dangling read)
  check_close(v.grad().tolist(), fx()["ce_all_mean_grad"], 1e-10, 1e-12, "grad");
}

TEST_CASE("nn::functional::softmax: exp of log_softmax") {
  const auto x = golden<Shape<6, 4>>("ce_x");
  const auto s = F::softmax(x), ls = F::log_softmax(x);
  for (index_t i = 0; i < x.numel(); ++i)
    CHECK(s.value().data()[i] == doctest::Approx(std::exp(ls.value().data()[i])).epsilon(1e-14));
}

// The gradient cases shared with the create_graph test (tests/nn/cases_nn.hpp), here by gradcheck.
TEST_CASE("gradcheck: softmax, log_softmax, the losses, conv2d, pooling and the layers") {
  test::run_all(test::nn_cases<test::FirstOrder>());
}

TEST_CASE("nn::functional: log_softmax and nll_loss match PyTorch") {
  const auto x = golden<Shape<6, 4>>("ce_x");
  Var<double, Shape<6, 4>> v(x, true);
  auto ls = F::log_softmax(v);
  Tensor<double, Shape<6, 4>> up;
  for (index_t i = 0; i < 24; ++i) up.data()[i] = double(i % 4);
  ls.backward(up);
  check_close(ls.value().tolist(), fx()["log_softmax"], 1e-12, 1e-12, "log_softmax");
  check_close(v.grad().tolist(), fx()["log_softmax_grad"], 1e-10, 1e-12, "log_softmax grad");
  Tensor<std::int64_t, Shape<6>> t;
  test::load(t, fx()["ce_t"]);
  Var<double, Shape<6, 4>> v2(x, true);
  auto l = F::nll_loss(v2, t);
  l.backward();
  check_close(std::vector<double>{l.item()}, fx()["nll"], 1e-12, 1e-12, "nll");
  check_close(v2.grad().tolist(), fx()["nll_grad"], 1e-12, 1e-12, "nll grad");
}

TEST_CASE("nn::functional::cross_entropy: bad labels throw naming the target") {
  Var<float, Shape<2, 3>> v(Tensor<float, Shape<2, 3>>{}, true);
  Tensor<std::int64_t, Shape<2>> t{0, 3};
  CHECK_THROWS_WITH_AS(F::cross_entropy(v, t), doctest::Contains("Target 3 is out of bounds"), index_error);
  Tensor<std::int64_t, Shape<2>> neg{-1, 0};
  CHECK_THROWS_AS(F::cross_entropy(v, neg), index_error);
}

TEST_CASE("nn::Sequential: shapes flow, parameters are named, state_dict round-trips") {
  manual_seed(3);
  nn::Sequential<nn::Linear<4, 8>, nn::ReLU, nn::Linear<8, 3>> model;
  static_assert(std::is_same_v<decltype(model)::output_shape<Shape<Dyn, 4>>, Shape<Dyn, 3>>);
  const auto names = model.named_parameters();
  REQUIRE(names.size() == 4);
  CHECK(names[0].first == "0.weight");
  CHECK(names[3].first == "2.bias");
  CHECK(model.repr() ==
        "Sequential(\n  (0): Linear(in_features=4, out_features=8, bias=True)\n  (1): ReLU()\n  (2): "
        "Linear(in_features=8, "
        "out_features=3, bias=True)\n)");
  Tensor<float, Shape<Dyn, 4>> x(5);
  for (index_t i = 0; i < x.numel(); ++i) x.data()[i] = float(i % 5) * 0.3f - 0.5f;
  auto y = model(x);
  CHECK(y.size(0) == 5);
  auto sd = model.state_dict();
  const std::string path = "/tmp/ctorch_test_state.bin";
  nn::save(model, path);
  nn::Sequential<nn::Linear<4, 8>, nn::ReLU, nn::Linear<8, 3>> other;
  nn::load(other, path);
  auto y2 = other(x);
  CHECK(y2.value().tolist() == y.value().tolist());
  // Errors: wrong shape, missing and unexpected keys, a bad file.
  nn::Sequential<nn::Linear<4, 8>, nn::ReLU, nn::Linear<8, 2>> wrong;
  CHECK_THROWS_WITH_AS(wrong.load_state_dict(sd), doctest::Contains("size mismatch for 2.weight"), shape_error);
  auto partial = sd;
  partial.erase("0.bias");
  partial["extra"] = {};
  CHECK_THROWS_WITH_AS(other.load_state_dict(partial), doctest::Contains("Missing key(s) in state_dict: \"0.bias\"."),
                       value_error);
  CHECK_NOTHROW(other.load_state_dict(partial, false));
  CHECK_THROWS_WITH_AS(nn::load("/nonexistent/file.bin"), doctest::Contains("/nonexistent/file.bin"), value_error);
  {
    std::FILE* f = std::fopen(path.c_str(), "r+b");
    REQUIRE(f);
    std::fseek(f, 0, SEEK_END);
    const long size = std::ftell(f);
    std::fclose(f);
    std::filesystem::resize_file(path, std::uintmax_t(size / 2));
  }
  CHECK_THROWS_WITH_AS(nn::load(path), doctest::Contains("truncated"), value_error);
  std::remove(path.c_str());
}

TEST_CASE("nn: train/eval and Dropout") {
  nn::Sequential<nn::Linear<4, 4>, nn::Dropout> m;
  CHECK(m.is_training());
  m.eval();
  CHECK_FALSE(m.get<1>().is_training());
  Tensor<float, Shape<2, 4>> x;
  x.fill_(1.f);
  auto a = m(x);
  auto b = m(x);
  CHECK(a.value().tolist() == b.value().tolist());  // eval: deterministic
  m.train();
  nn::Dropout d(0.5);
  Tensor<float, Shape<1000>> ones;
  ones.fill_(1.f);
  Var<float, Shape<1000>> v(ones, true);
  auto y = d(v);
  int zeros = 0;
  for (float e : y.value().tolist()) {
    CHECK((e == 0.f || e == 2.f));
    zeros += e == 0.f;
  }
  CHECK(zeros > 400);
  CHECK(zeros < 600);
  sum(y).backward();
  CHECK(v.grad().tolist() == y.value().tolist());  // the mask scaled by 1/(1-p)
  CHECK_THROWS_AS(nn::Dropout(1.5), value_error);
}
