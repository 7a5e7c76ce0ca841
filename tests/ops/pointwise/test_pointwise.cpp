// Golden tests of the elementwise ops in ctorch/ops/pointwise on float32 and float64 against PyTorch 1.13.
//
// Tolerances, per family (relative unless stated):
//   exact (0): abs, neg, sign, ceil, floor, round, trunc, frac, square, sqrt, reciprocal, rsqrt, clamp,
//     maximum, minimum, fmod, remainder, pow with the exponents PyTorch special-cases, addcmul/addcdiv
//     (same operations in the same order as PyTorch). Any difference there is a bug.
//   transcendental: float32 5e-7 and float64 7e-16 (4 and 3 ulp): xsimd's functions measure within 2-3 ulp
//     over random inputs (float sinh/cosh 3, double 2), PyTorch's Sleef ones within 1, so the two may be
//     that far apart (on these fixture values they agree within 1 ulp); plus an atol of one subnormal
//     step (denorm_min), since below the normal range precision is absolute (tan(1e-310)).
//   erf float64 2e-14: xsimd 8.1's double erf is off by up to ~70 ulp around |x| = 2.2 (measured).
//   erfinv float64 1e-15: Giles' double-precision polynomials are within 3 ulp (6e-16, measured against a
//     long double Newton refinement); PyTorch's Newton-refined result is within 1.
//   lerp: rtol as transcendental plus an atol of one ulp of the operands' scale, because PyTorch's scalar
//     path and ctorch's fma may round the cancelling difference differently.
#include "golden.hpp"

#include <cmath>
#include <limits>

using namespace ctorch;
using namespace ctorch::test::pw;

namespace {
template <class T>
constexpr double trans_tol = std::is_same_v<T, float> ? 5e-7 : 7e-16;
}  // namespace

#define UNARY_CASE(fn, tol) \
  unary<T>(                 \
      #fn, [](const auto& v) { return fn(v); }, tol)
#define UNARY_TRANS(fn, tol) \
  unary<T>(                  \
      #fn, [](const auto& v) { return fn(v); }, tol, sub)

TEST_CASE_TEMPLATE("pointwise: exact unary ops match PyTorch bit for bit", T, float, double) {
  UNARY_CASE(abs, 0);
  UNARY_CASE(neg, 0);
  unary<T>(
      "neg", [](const auto& v) { return -v; }, 0);
  UNARY_CASE(sign, 0);
  UNARY_CASE(ceil, 0);
  UNARY_CASE(floor, 0);
  UNARY_CASE(round, 0);
  UNARY_CASE(trunc, 0);
  UNARY_CASE(frac, 0);
  UNARY_CASE(square, 0);
  UNARY_CASE(sqrt, 0);
  UNARY_CASE(reciprocal, 0);
  UNARY_CASE(rsqrt, 0);
  unary<T>(
      "clamp", [](const auto& v) { return clamp(v, -2.0, 3.5); }, 0);
  unary<T>(
      "clamp_min", [](const auto& v) { return clamp_min(v, -0.5); }, 0);
  unary<T>(
      "clamp_min", [](const auto& v) { return clamp(v, -0.5, std::nullopt); }, 0);
  unary<T>(
      "clamp_max", [](const auto& v) { return clamp_max(v, 0.5f); }, 0);
  unary<T>(
      "clamp_max", [](const auto& v) { return clamp(v, std::nullopt, 0.5); }, 0);
  for (const char* e : {"2", "3", "0.5", "-0.5", "-1", "-2", "0", "1"})
    unary<T>(
        std::string("pow_") + e, [e](const auto& v) { return pow(v, std::stod(e)); }, 0);
  static_assert(packet_path<decltype(abs(std::declval<Tensor<T, Shape<Dyn>>&>()))>());
  static_assert(packet_path<decltype(round(std::declval<Tensor<T, Shape<Dyn>>&>()))>());
  static_assert(packet_path<decltype(clamp(std::declval<Tensor<T, Shape<Dyn>>&>(), T(0), T(1)))>());
}

TEST_CASE_TEMPLATE("pointwise: transcendental unary ops match PyTorch", T, float, double) {
  const double tol = trans_tol<T>, sub = std::numeric_limits<T>::denorm_min();
  UNARY_TRANS(acos, tol);
  UNARY_TRANS(asin, tol);
  UNARY_TRANS(atan, tol);
  UNARY_TRANS(cos, tol);
  UNARY_TRANS(cosh, tol);
  UNARY_TRANS(erf, (std::is_same_v<T, float> ? tol : 2e-14));
  UNARY_TRANS(erfinv, (std::is_same_v<T, float> ? tol : 1e-15));
  UNARY_TRANS(exp, tol);
  UNARY_TRANS(expm1, tol);
  UNARY_TRANS(log, tol);
  UNARY_TRANS(log1p, tol);
  UNARY_TRANS(log2, tol);
  UNARY_TRANS(log10, tol);
  UNARY_TRANS(sin, tol);
  UNARY_TRANS(sinh, tol);
  UNARY_TRANS(tan, tol);
  for (const char* e : {"2.7", "-1.3", "4"})
    unary<T>(
        std::string("pow_") + e, [e](const auto& v) { return pow(v, std::stod(e)); }, tol, sub);
  unary<T>(
      "rpow_2.5", [](const auto& v) { return pow(2.5, v); }, tol, sub);
  unary<T>(
      "rpow_-2", [](const auto& v) { return pow(-2.0f, v); }, tol, sub);
  using X = Tensor<T, Shape<Dyn>>&;
  static_assert(packet_path<decltype(erfinv(std::declval<X>()))>());
  static_assert(packet_path<decltype(exp(std::declval<X>()))>());
  static_assert(packet_path<decltype(pow(std::declval<X>(), T(2.7)))>());
  static_assert(packet_path<decltype(log10(sin(std::declval<X>())))>());
}

TEST_CASE_TEMPLATE("pointwise: binary ops match PyTorch, with broadcasting and strides", T, float, double) {
  const double tol = trans_tol<T>, sub = std::numeric_limits<T>::denorm_min();
  binary<T>(
      "atan2", [](const auto& a, const auto& b) { return atan2(a, b); }, tol, sub);
  binary<T>(
      "fmod", [](const auto& a, const auto& b) { return fmod(a, b); }, 0);
  binary<T>(
      "remainder", [](const auto& a, const auto& b) { return remainder(a, b); }, 0);
  binary<T>(
      "pow", [](const auto& a, const auto& b) { return pow(a, b); }, tol, sub);
  binary<T>(
      "maximum", [](const auto& a, const auto& b) { return maximum(a, b); }, 0);
  binary<T>(
      "minimum", [](const auto& a, const auto& b) { return minimum(a, b); }, 0);
  using X = Tensor<T, Shape<Dyn>>&;
  static_assert(packet_path<decltype(fmod(std::declval<X>(), std::declval<X>()))>());
  static_assert(packet_path<decltype(remainder(std::declval<X>(), std::declval<X>()))>());
  static_assert(packet_path<decltype(maximum(std::declval<X>(), std::declval<X>()))>());
}

TEST_CASE_TEMPLATE("pointwise: clamp with tensor bounds, lerp, addcmul, addcdiv match PyTorch", T, float, double) {
  const auto x = input<T>("x_" + dt<T>()), y = input<T>("y_" + dt<T>()), z = input<T>("z_" + dt<T>());
  const double tol = trans_tol<T>;
  Tensor<T, Shape<Dyn>> c = clamp(x, z - 3, z);
  check_close(c.tolist(), want("clamp_t_" + dt<T>()), 0, 0, "clamp tensor bounds");
  Tensor<T, Shape<Dyn>> m = addcmul(x, y, z, 0.5);
  check_close(m.tolist(), want("addcmul_" + dt<T>()), 0, 0, "addcmul");
  Tensor<T, Shape<Dyn>> d = addcdiv(x, y, z, -1.5);
  check_close(d.tolist(), want("addcdiv_" + dt<T>()), 0, 0, "addcdiv");
  // lerp on the first 30 pairs (scalar weights) and on (z, y, z - 1.5) (tensor weights).
  Tensor<T, Shape<Dyn>> x30(30), y30(30);
  for (index_t i = 0; i < 30; ++i) x30(i) = x(i), y30(i) = y(i);
  const double ulp = std::is_same_v<T, float> ? 6e-8 : 1.2e-16;
  Tensor<T, Shape<Dyn>> l1 = lerp(x30, y30, 0.3);
  check_close(l1.tolist(), want("lerp_s_" + dt<T>()), tol, 0, "lerp weight 0.3");
  Tensor<T, Shape<Dyn>> l2 = lerp(x30, y30, 0.8);
  check_close(l2.tolist(), want("lerp_s2_" + dt<T>()), tol, 0, "lerp weight 0.8");
  Tensor<T, Shape<Dyn>> l3 = lerp(z, y, z - 1.5);
  check_close(l3.tolist(), want("lerp_t_" + dt<T>()), tol, 8 * ulp, "lerp tensor weight");
}

TEST_CASE("pointwise: erfinv is accurate where PyTorch's float32 is not, and exact at the ends") {
  Tensor<float, Shape<4>> x{1.0f, -1.0f, 1.5f, 0.9999999f};
  Tensor<float, Shape<4>> r = erfinv(x);
  CHECK(r(0) == std::numeric_limits<float>::infinity());
  CHECK(r(1) == -std::numeric_limits<float>::infinity());
  CHECK(std::isnan(r(2)));
  CHECK(r(3) == doctest::Approx(3.743921162821959).epsilon(1e-6));  // PyTorch float64; its float32 gives 3.7439468
}
