// Every creation op of ctorch/ops/creation against PyTorch 1.13 (tests/golden/gen_creation.py), bit for bit:
// values, dtype and shape. The case lists below are the generator's, in the same order.
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "support/fixture.hpp"

using namespace ctorch;
using ctorch::test::Fixture;

namespace {

const Fixture& fx() {
  static const Fixture f("creation.txt");
  return f;
}

// Compares a result tensor with a golden entry exactly: dtype, shape, and every value.
template <class Tns>
void check(const Tns& got, const std::string& key) {
  INFO(key);
  const auto& g = fx()[key];
  using T = typename Tns::value_type;
  CHECK(g.dtype == std::string(dtype_name<T>()).substr(6));  // "torch.float32" -> "float32"
  const auto sizes = got.sizes();
  REQUIRE(sizes.size() == g.shape.size());
  for (std::size_t i = 0; i < sizes.size(); ++i) CHECK(sizes[i] == g.shape[i]);
  ctorch::test::check_close(got.tolist(), g, 0.0, 0.0, key);
}

struct Range {
  double start, end, step;
};
struct IRange {
  std::int64_t start, end, step;
};
struct Lin {
  double start, end;
  std::int64_t steps;
};
struct Log {
  double start, end;
  std::int64_t steps;
  double base;
};

const std::vector<Range> arange_f{{0, 1, 0.1},     {-3.3, 7.1, 0.053}, {0.1, 0.7, 0.005}, {1e-3, 5.5, 0.0371},
                                  {5, -2.5, -0.7}, {3, 3, 1},          {0, 10, 1},        {-1, 1, 0.3},
                                  {2.5, 2.5, -1},  {1, 1.01, 0.02}};
const std::vector<IRange> arange_i{{0, 5, 1}, {-7, 20, 3}, {10, -3, -4}, {0, 0, 1}, {1, 100, 1}, {100, -1, -7}};
const std::vector<Lin> lin_f{{0, 1, 5},      {-3.3, 7.1, 100}, {0.1, 0.7, 37}, {1e-3, 5.5, 203},
                             {2, -1.7, 33},  {0, 1, 0},        {3.5, 9, 1},    {0, 1, 2},
                             {0.3, 0.9, 31}, {-1, 1, 17},      {1, 1, 40},     {0, 1, 16}};
const std::vector<Lin> lin_i{{0, 10, 5}, {-7, 20, 13}, {3, -8, 7},   {0, 1, 33},
                             {5, 5, 1},  {0, 100, 41}, {-50, 50, 0}, {2, 1000, 99}};
const std::vector<Log> log_f{{0, 2, 5, 10.0},
                             {-3, 3, 37, 10.0},
                             {0, 10, 11, 2.0},
                             {1, -1.5, 40, 10.0},
                             {0, 1, 0, 10.0},
                             {0.5, 4, 1, 10.0},
                             {-0.3, 0.7, 33, 2.718281828459045},
                             {2, 2, 3, 3.0}};
const std::vector<Log> log_i{{0, 3, 4, 10.0}, {0, 5, 6, 2.0}, {1, 3, 7, 10.0}, {0, 1, 1, 10.0}, {0, 10, 21, 2.0}};

template <class T>
std::string key(const char* op, std::size_t i) {
  return std::string(op) + "." + std::string(dtype_name<T>()).substr(6) + "." + std::to_string(i);
}

}  // namespace

TEST_CASE("creation golden: zeros, ones, full") {
  check(zeros<float, Shape<2, 3>>(), "zeros.float32");
  check(zeros<std::int64_t, Shape<Dyn>>(4), "zeros.int64");
  check(ones<double, Shape<Dyn, 2>>(3), "ones.float64");
  check(ones<std::int32_t, Shape<5>>(), "ones.int32");
  check(full<double, Shape<4>>(2.5), "full.float64");
  check(full<float, Shape<Dyn, Dyn>>(2, 3, -0.1), "full.float32");
  check(full<std::int64_t, Shape<3, 1>>(7), "full.int64");
}

TEST_CASE_TEMPLATE("creation golden: eye", T, float, std::int64_t) {
  check(eye<T, 3>(), key<T>("eye", 0));
  check(eye<T, Dyn>(3), key<T>("eye", 0));
  check(eye<T, 3, 4>(), key<T>("eye", 1));
  check(eye<T, Dyn, Dyn>(3, 4), key<T>("eye", 1));
  check(eye<T, 4, Dyn>(2), key<T>("eye", 2));
  check(eye<T, Dyn, 2>(4), key<T>("eye", 2));
  check(eye<T, Dyn>(0), key<T>("eye", 3));
  check(eye<T, 0>(), key<T>("eye", 3));
  check(eye<T, 1>(), key<T>("eye", 4));
  check(eye<T, 2, 0>(), key<T>("eye", 5));
}

TEST_CASE_TEMPLATE("creation golden: arange, floating", T, float, double) {
  for (std::size_t i = 0; i < arange_f.size(); ++i) {
    const auto& c = arange_f[i];
    check(arange<T>(c.start, c.end, c.step), key<T>("arange", i));
  }
}

TEST_CASE_TEMPLATE("creation golden: arange, integer", T, std::int64_t, std::int32_t) {
  for (std::size_t i = 0; i < arange_i.size(); ++i) {
    const auto& c = arange_i[i];
    check(arange<T>(c.start, c.end, c.step), key<T>("arange", i));
  }
  check(arange<T>(5), key<T>("arange", 0));  // arange(end)
}

TEST_CASE_TEMPLATE("creation golden: linspace, floating", T, float, double) {
  for (std::size_t i = 0; i < lin_f.size(); ++i) {
    const auto& c = lin_f[i];
    check(linspace<T>(c.start, c.end, c.steps), key<T>("linspace", i));
  }
  // The static spelling gives the same values.
  check(linspace<T, 5>(0, 1), key<T>("linspace", 0));
  check(linspace<T, 100>(-3.3, 7.1), key<T>("linspace", 1));
  check(linspace<T, 0>(0, 1), key<T>("linspace", 5));
  check(linspace<T, 1>(3.5, 9), key<T>("linspace", 6));
}

TEST_CASE_TEMPLATE("creation golden: linspace, integer", T, std::int64_t, std::int32_t) {
  for (std::size_t i = 0; i < lin_i.size(); ++i) {
    const auto& c = lin_i[i];
    check(linspace<T>(c.start, c.end, c.steps), key<T>("linspace", i));
  }
  check(linspace<T, 33>(0, 1), key<T>("linspace", 3));
}

TEST_CASE_TEMPLATE("creation golden: logspace, floating", T, float, double) {
  for (std::size_t i = 0; i < log_f.size(); ++i) {
    const auto& c = log_f[i];
    check(logspace<T>(c.start, c.end, c.steps, c.base), key<T>("logspace", i));
  }
  check(logspace<T, 5>(0, 2), key<T>("logspace", 0));
  check(logspace<T, 11>(0, 10, 2.0), key<T>("logspace", 2));
}

TEST_CASE("creation golden: logspace, int64") {
  for (std::size_t i = 0; i < log_i.size(); ++i) {
    const auto& c = log_i[i];
    check(logspace<std::int64_t>(c.start, c.end, c.steps, c.base), key<std::int64_t>("logspace", i));
  }
}
