// Golden tests of ctorch/ops/comparison (eq ... ge and their operators, isnan/isinf/isfinite, logical
// ops) and of where, on float32 and float64 fixture values with nan, +-inf and signed zeros, against
// PyTorch 1.13. Bool results are exact.
#include "../pointwise/golden.hpp"

using namespace ctorch;
using namespace ctorch::test::pw;

#define BINARY_CASE(fn) \
  binary<T>(            \
      #fn, [](const auto& a, const auto& b) { return fn(a, b); }, 0)

TEST_CASE_TEMPLATE("comparison: functions and operators match PyTorch, with broadcasting and strides", T, float,
                   double) {
  BINARY_CASE(eq);
  BINARY_CASE(ne);
  BINARY_CASE(lt);
  BINARY_CASE(le);
  BINARY_CASE(gt);
  BINARY_CASE(ge);
  binary<T>(
      "eq", [](const auto& a, const auto& b) { return a == b; }, 0);
  binary<T>(
      "ne", [](const auto& a, const auto& b) { return a != b; }, 0);
  binary<T>(
      "lt", [](const auto& a, const auto& b) { return a < b; }, 0);
  binary<T>(
      "le", [](const auto& a, const auto& b) { return a <= b; }, 0);
  binary<T>(
      "gt", [](const auto& a, const auto& b) { return a > b; }, 0);
  binary<T>(
      "ge", [](const auto& a, const auto& b) { return a >= b; }, 0);
  BINARY_CASE(logical_and);
  BINARY_CASE(logical_or);
  BINARY_CASE(logical_xor);
  binary<T>(
      "where", [](const auto& a, const auto& b) { return where(a > b, a, b); }, 0);
  unary<T>(
      "eq_s", [](const auto& v) { return v == 2.5; }, 0);
  unary<T>(
      "lt_s", [](const auto& v) { return lt(v, 0.5f); }, 0);
  unary<T>(
      "ge_s", [](const auto& v) { return -1 <= v; }, 0);  // scalar on the left
  unary<T>(
      "isnan", [](const auto& v) { return isnan(v); }, 0);
  unary<T>(
      "isinf", [](const auto& v) { return isinf(v); }, 0);
  unary<T>(
      "isfinite", [](const auto& v) { return isfinite(v); }, 0);
  unary<T>(
      "logical_not", [](const auto& v) { return logical_not(v); }, 0);
  unary<T>(
      "where_s", [](const auto& v) { return where(v > 0, v, -1.5); }, 0);
  using X = Tensor<T, Shape<Dyn>>&;
  static_assert(std::is_same_v<typename decltype(std::declval<X>() < 1)::value_type, bool>);
  static_assert(std::is_same_v<typename decltype(logical_and(std::declval<X>(), 1))::value_type, bool>);
  // Two number branches: PyTorch's default dtype (float32), whatever the condition was computed from.
  static_assert(std::is_same_v<typename decltype(where(std::declval<X>() < 1, 1.0, 0.0))::value_type, float>);
}

TEST_CASE("comparison: expressions compose lazily and broadcast all three operands of where") {
  Tensor<float, Shape<Dyn, 1>> a{{1.0f}, {-2.0f}, {3.0f}};
  Tensor<float, Shape<4>> b{0.0f, 1.5f, -3.0f, 2.5f};
  Tensor<bool, Shape<1, 4>> mask{{true, false, true, false}};
  // where(cond [3, 4], a [3, 1], b [4]) and where(mask [1, 4], a, 0): the result is [3, 4].
  Tensor<float, Shape<Dyn, 4>> w = where(logical_and(a > b, mask), a * 2, b);
  const float want[3][4] = {{2, 1.5f, 2, 2.5f}, {0, 1.5f, -4, 2.5f}, {6, 1.5f, 6, 2.5f}};
  for (index_t i = 0; i < 3; ++i)
    for (index_t j = 0; j < 4; ++j) CHECK(w(i, j) == want[i][j]);
  Tensor<float, Shape<Dyn, 4>> s = where(mask, a, 0);  // a scalar branch
  CHECK(s(1, 0) == -2.0f);
  CHECK(s(1, 1) == 0.0f);
  Tensor<bool, Shape<Dyn, 4>> x = logical_xor(a >= 1, b != b);  // b != b: isnan
  CHECK(x(0, 0));
  CHECK_FALSE(x(1, 3));
  Tensor<float, Shape<Dyn>> d(2);
  CHECK_THROWS_WITH_AS((void)(b > d).dims(), "ctorch: gt: shapes [4] and [2] are not broadcastable", shape_error);
}
