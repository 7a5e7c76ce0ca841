// SGD and Adam against PyTorch: 5 steps on sum(coef * (p - target)^2) from the same start.
#include <doctest/doctest.h>

#include <ctorch/autograd.hpp>
#include <ctorch/core.hpp>
#include <ctorch/nn.hpp>
#include <ctorch/ops/reduction.hpp>
#include <ctorch/optim.hpp>

#include "support/fixture.hpp"

using namespace ctorch;
using test::check_close;
using test::Fixture;

namespace {
using S = Shape<3, 4>;
Tensor<double, S> golden(const Fixture& f, const std::string& n) {
  Tensor<double, S> t;
  test::load(t, f[n]);
  return t;
}
template <class Opt>
std::vector<double> run(Var<double, S>& p, Opt& opt, const Tensor<double, S>& target, const Tensor<double, S>& coef) {
  for (int i = 0; i < 5; ++i) {
    opt.zero_grad();
    sum(square(p - target) * coef).backward();
    opt.step();
  }
  return p.value().tolist();
}
}  // namespace

TEST_CASE("optim: SGD and Adam follow PyTorch's trajectories") {
  const Fixture f("nn.txt");
  const auto p0 = golden(f, "opt_p0"), target = golden(f, "opt_target"), coef = golden(f, "opt_coef");
  {
    Var<double, S> p(p0, true);
    optim::SGD opt(std::tie(p), {.lr = 0.1});
    check_close(run(p, opt, target, coef), f["opt_sgd_plain"], 1e-12, 1e-12, "sgd");
  }
  {
    Var<double, S> p(p0, true);
    optim::SGD opt(std::tie(p), {.lr = 0.1, .momentum = 0.9, .dampening = 0.1, .weight_decay = 0.01});
    check_close(run(p, opt, target, coef), f["opt_sgd_momentum"], 1e-12, 1e-12, "sgd momentum");
  }
  {
    Var<double, S> p(p0, true);
    optim::SGD opt(std::tie(p), {.lr = 0.05, .momentum = 0.8, .nesterov = true});
    check_close(run(p, opt, target, coef), f["opt_sgd_nesterov"], 1e-12, 1e-12, "sgd nesterov");
  }
  {
    Var<double, S> p(p0, true);
    optim::Adam opt(std::tie(p), {.lr = 0.05});
    check_close(run(p, opt, target, coef), f["opt_adam"], 1e-10, 1e-12, "adam");
  }
  {
    Var<double, S> p(p0, true);
    optim::Adam opt(std::tie(p), {.lr = 0.05, .beta1 = 0.8, .beta2 = 0.99, .weight_decay = 0.1, .amsgrad = true});
    check_close(run(p, opt, target, coef), f["opt_adam_wd_amsgrad"], 1e-10, 1e-12, "adam amsgrad");
    // state_dict round trip: a fresh optimizer continues identically.
    auto sd = opt.state_dict();
    CHECK(sd.count("state.0.exp_avg") == 1);
    optim::Adam opt2(std::tie(p), {.lr = 0.05, .beta1 = 0.8, .beta2 = 0.99, .weight_decay = 0.1, .amsgrad = true});
    opt2.load_state_dict(sd);
    CHECK(opt2.state_dict()["state.0.step"].values[0] == 5);
  }
  Var<double, S> p(p0, true);
  CHECK_THROWS_AS(optim::SGD(std::tie(p), {.lr = -1}), value_error);
  CHECK_THROWS_AS(optim::Adam(std::tie(p), {.beta1 = 1.0}), value_error);
}

TEST_CASE("optim: a small model trained a few steps reaches PyTorch's loss region") {
  // y = 2 x0 - x1 + 0.5, learned by Linear<2, 1> with Adam: the loss must fall below 1e-3.
  manual_seed(0);
  nn::Linear<2, 1> lin;
  optim::Adam opt(lin.parameters(), {.lr = 0.05});
  Tensor<float, Shape<16, 2>> x;
  Tensor<float, Shape<16, 1>> y;
  for (int i = 0; i < 16; ++i) {
    x(i, 0) = float(i % 4) - 1.5f;
    x(i, 1) = float(i / 4) - 1.5f;
    y(i, 0) = 2 * x(i, 0) - x(i, 1) + 0.5f;
  }
  float first = 0, last = 0;
  for (int step = 0; step < 300; ++step) {
    opt.zero_grad();
    auto loss = nn::MSELoss{}(lin(x), y);
    if (step == 0) first = loss.item();
    last = loss.item();
    loss.backward();
    opt.step();
  }
  CHECK(first > 1.0f);
  CHECK(last < 1e-3f);
  CHECK(lin.weight.value()(0, 0) == doctest::Approx(2).epsilon(0.02));
}

namespace {
// PyTorch 1.13's single-tensor Adam, written out in double, as the reference for the one-pass CPU update.
struct AdamReference {
  optim::AdamOptions o;
  std::vector<double> m, v, vmax;
  void step(std::vector<double>& p, const std::vector<double>& grad, int t) {
    if (m.empty()) m.assign(p.size(), 0), v.assign(p.size(), 0), vmax.assign(p.size(), 0);
    const double bc1 = 1 - std::pow(o.beta1, t), bc2 = 1 - std::pow(o.beta2, t);
    for (std::size_t i = 0; i < p.size(); ++i) {
      double g = o.maximize ? -grad[i] : grad[i];
      if (o.weight_decay != 0) g += o.weight_decay * p[i];
      m[i] += (1 - o.beta1) * (g - m[i]);
      v[i] = v[i] * o.beta2 + (1 - o.beta2) * g * g;
      vmax[i] = std::max(vmax[i], v[i]);
      const double den = std::sqrt(o.amsgrad ? vmax[i] : v[i]) / std::sqrt(bc2) + o.eps;
      p[i] -= o.lr / bc1 * m[i] / den;
    }
  }
};

template <class T>
void check_adam_against_reference(const optim::AdamOptions& o, double tol) {
  using S37 = Shape<37>;  // whole packets and a tail, for float and double
  Tensor<T, S37> p0, target;
  for (index_t i = 0; i < 37; ++i) p0(i) = T(std::sin(0.7 * double(i))), target(i) = T(0.3 * std::cos(1.3 * double(i)));
  Var<T, S37> p(p0, true);
  optim::Adam opt(std::tie(p), o);
  AdamReference ref{o, {}, {}, {}};
  std::vector<double> rp(p0.data(), p0.data() + 37);
  for (int t = 1; t <= 4; ++t) {
    opt.zero_grad();
    sum(square(p - target) * T(1.5)).backward();
    const std::vector<double> g(p.grad().data(), p.grad().data() + 37);
    opt.step();
    ref.step(rp, g, t);
    for (index_t i = 0; i < 37; ++i) {
      CAPTURE(t);
      CAPTURE(i);
      CHECK(double(p.value()(i)) == doctest::Approx(rp[std::size_t(i)]).epsilon(tol).scale(1));
    }
  }
}
}  // namespace

TEST_CASE_TEMPLATE("optim: Adam's one-pass CPU update follows PyTorch's rule (whole packets and the tail)", T, float,
                   double) {
  const double tol = std::is_same_v<T, float> ? 2e-6 : 1e-13;
  check_adam_against_reference<T>({.lr = 0.05}, tol);
  check_adam_against_reference<T>({.lr = 0.05, .beta1 = 0.3, .beta2 = 0.9}, tol);  // lerp weight >= 0.5
  check_adam_against_reference<T>(
      {.lr = 0.02, .beta1 = 0.8, .beta2 = 0.99, .weight_decay = 0.1, .amsgrad = true, .maximize = true}, tol);
}
