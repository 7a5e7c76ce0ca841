// Shared by the gradcheck test files: random inputs, the case type, the header registry and the runner.
#pragma once
#include <doctest/doctest.h>

#include <ctorch/autograd/gradcheck.hpp>
#include <ctorch/core.hpp>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>

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

// The stems of the headers in include/ctorch/ops/<folder>: the registry tests compare them with the cases.
inline std::set<std::string> header_stems(const std::string& folder) {
  std::set<std::string> out;
  const std::string dir = std::string(CTORCH_FIXTURE_DIR) + "/../../include/ctorch/ops/" + folder;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".hpp") out.insert(e.path().stem().string());
  return out;
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
