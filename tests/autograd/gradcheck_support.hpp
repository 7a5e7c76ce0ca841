// Shared by the gradcheck test files: random inputs, the case type, the header registry and the runner.
#pragma once
#include <doctest/doctest.h>

#include <ctorch/autograd/gradcheck.hpp>
#include <ctorch/autograd/var.hpp>
#include <ctorch/core.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>

namespace ctorch::test {

// Uniform values in [lo, hi], with a random sign when `signed_` (keeps |x| away from 0 for abs, relu...).
template <class S>
Tensor<double, S> rnd(double lo, double hi, unsigned seed, bool signed_ = false) {
  Tensor<double, S> t;
  std::mt19937 g(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  for (index_t i = 0; i < t.numel(); ++i) t.data()[i] = u(g) * (signed_ && (g() & 1) ? -1 : 1);
  return t;
}

using GradCase = std::function<autograd::GradcheckResult()>;

// A case list is written once for both orders, as a template over its checker: FirstOrder runs gradcheck,
// SecondOrder gradgradcheck. SecondOrder checks f's output squared: a linear op (cat, gather, a view...)
// has zero second derivatives, so without the square its create_graph VJP would only ever be handed a
// gradient that carries no graph, and a wrong one would pass.
struct FirstOrder {
  template <class F, class... X>
  static autograd::GradcheckResult run(F f, const std::tuple<X...>& inputs) {
    return autograd::gradcheck(f, inputs);
  }
};
struct SecondOrder {
  template <class F, class... X>
  static autograd::GradcheckResult run(F f, const std::tuple<X...>& inputs) {
    return autograd::gradgradcheck(
        [f](const auto&... x) {
          auto y = Var(f(x...));
          return Var(y * y);
        },
        inputs);
  }
};

// One input of shape S drawn from [lo, hi] (signed_: |x| in [lo, hi] with a random sign).
template <class Check, class S, class F>
GradCase one_input(F f, double lo = -1, double hi = 1, bool signed_ = false, unsigned seed = 5) {
  return [=] { return Check::run(f, std::tuple{rnd<S>(lo, hi, seed, signed_)}); };
}
// Fixed inputs.
template <class Check, class F, class... X>
GradCase fixed_inputs(F f, X... x) {
  return [=] { return Check::run(f, std::tuple{x...}); };
}

// The stems of the headers in include/ctorch/ops/<folder>: the registry tests compare them with the cases.
inline std::set<std::string> header_stems(const std::string& folder) {
  std::set<std::string> out;
  const std::string dir = std::string(CTORCH_FIXTURE_DIR) + "/../../include/ctorch/ops/" + folder;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".hpp") out.insert(e.path().stem().string());
  return out;
}

// ensures: a CHECK per element that a and b agree to a relative tol (absolute near 0).
template <class A, class B>
void expect_near(const A& a, const B& b, double tol = 1e-12) {
  REQUIRE(a.numel() == b.numel());
  for (index_t i = 0; i < a.numel(); ++i) {
    CAPTURE(i);
    CHECK(a.data()[i] == doctest::Approx(b.data()[i]).epsilon(tol).scale(1));
  }
}

inline void run_all(const std::map<std::string, GradCase>& cases) {
  for (const auto& [name, c] : cases) {
    CAPTURE(name);
    const auto r = c();
    INFO(r.message);
    CHECK(r.ok);
  }
}

}  // namespace ctorch::test
