// Elementwise ops on int32/int64 tensors against PyTorch 1.13: the dtype each op returns (compile time)
// and its values (exact), including wrap-around at the type's limits and PyTorch's scalar promotion.
#include "golden.hpp"

#include <cstdint>

using namespace ctorch;
using namespace ctorch::test::pw;

namespace {
template <class E>
using vt = typename E::value_type;

template <class I>
struct IntCase {
  Tensor<I, Shape<Dyn>> i = input<I>("i_" + dt<I>());
  template <class E>
  void check(const std::string& name, const E& e) {
    using R = typename E::value_type;
    Tensor<R, Shape<Dyn>> r = e;
    check_close(values(r), want(name + "_" + dt<I>()), 0, 0, name + " " + dt<I>());
  }
};
}  // namespace

TEST_CASE_TEMPLATE("pointwise: integer tensors keep or promote their dtype as PyTorch", I, std::int32_t, std::int64_t) {
  IntCase<I> c;
  const auto& i = c.i;
  using Ti = Tensor<I, Shape<Dyn>>&;
  // dtypes: torch.abs(int) is int, torch.sqrt(int) is float32, int op 2.5 is float32, int op 2 stays.
  static_assert(std::is_same_v<vt<decltype(abs(std::declval<Ti>()))>, I>);
  static_assert(std::is_same_v<vt<decltype(ceil(std::declval<Ti>()))>, I>);
  static_assert(std::is_same_v<vt<decltype(square(std::declval<Ti>()))>, I>);
  static_assert(std::is_same_v<vt<decltype(sqrt(std::declval<Ti>()))>, float>);
  static_assert(std::is_same_v<vt<decltype(exp(std::declval<Ti>()))>, float>);
  static_assert(std::is_same_v<vt<decltype(reciprocal(std::declval<Ti>()))>, float>);
  static_assert(std::is_same_v<vt<decltype(atan2(std::declval<Ti>(), std::declval<Ti>()))>, float>);
  static_assert(std::is_same_v<vt<decltype(fmod(std::declval<Ti>(), 3))>, I>);
  static_assert(std::is_same_v<vt<decltype(fmod(std::declval<Ti>(), 2.5))>, float>);
  static_assert(std::is_same_v<vt<decltype(pow(std::declval<Ti>(), 2))>, I>);
  static_assert(std::is_same_v<vt<decltype(pow(std::declval<Ti>(), 0.5))>, float>);
  static_assert(std::is_same_v<vt<decltype(pow(2, std::declval<Ti>()))>, I>);
  static_assert(std::is_same_v<vt<decltype(pow(2.5, std::declval<Ti>()))>, float>);
  static_assert(std::is_same_v<vt<decltype(clamp(std::declval<Ti>(), -2, 5))>, I>);
  static_assert(std::is_same_v<vt<decltype(clamp(std::declval<Ti>(), 0.5, 2.5))>, float>);
  static_assert(std::is_same_v<vt<decltype(where(std::declval<Ti>() > 0, std::declval<Ti>(), 0.5))>, float>);
  static_assert(std::is_same_v<vt<decltype(where(std::declval<Ti>() > 0, std::declval<Ti>(), 2))>, I>);
  static_assert(std::is_same_v<vt<decltype(std::declval<Ti>() == 2.5)>, bool>);
  static_assert(packet_path<decltype(abs(std::declval<Ti>()))>());  // xsimd integer batches
  static_assert(packet_path<decltype(clamp(std::declval<Ti>(), I(-2), I(5)))>());

  c.check("abs", abs(i));
  c.check("neg", -i);
  c.check("sign", sign(i));
  c.check("square", square(i));
  c.check("ceil", ceil(i));
  c.check("round", round(i));
  c.check("sqrt", sqrt(i));
  c.check("exp", exp(i));
  c.check("reciprocal", reciprocal(i));
  c.check("fmod", fmod(i, 3));
  c.check("remainder", remainder(i, -3));
  c.check("fmod_f", fmod(i, 2.5));
  c.check("pow_2", pow(i, 2));
  c.check("pow_3", pow(i, 3));
  c.check("pow_f", pow(i, 0.5));
  c.check("rpow", pow(2, i));
  Tensor<I, Shape<Dyn>> e{2, -1, -2, -3, 0, -1, 3, 2, 2, 1, 2, 1, 2, 2};
  c.check("pow_t", pow(i, e));
  c.check("clamp", clamp(i, -2, 5));
  c.check("clamp_f", clamp(i, 0.5, 2.5));
  Tensor<float, Shape<1>> half{1.5f};  // broadcast, promotes to float32
  c.check("maximum", maximum(i, half));
  c.check("eq_f", i == 2.5);
  c.check("lt", i < 2);
  c.check("isnan", isnan(i));
  c.check("isfinite", isfinite(i));
  c.check("where_f", where(i > 0, i, 0.5));
  c.check("logical_not", logical_not(i));
  CHECK_THROWS_WITH_AS(pow(i, -1), "ctorch: pow: integers to negative integer powers are not allowed", value_error);
}

TEST_CASE("pointwise: integer edge cases are defined (no UB) and documented") {
  Tensor<std::int32_t, Shape<4>> m{INT32_MIN, 7, -7, 0};
  Tensor<std::int32_t, Shape<4>> a = abs(m), n = -m;
  CHECK(a(0) == INT32_MIN);  // wraps, as PyTorch
  CHECK(n(0) == INT32_MIN);
  Tensor<std::int32_t, Shape<4>> z{0, 0, -1, 0};
  Tensor<std::int32_t, Shape<4>> f = fmod(m, z), r = remainder(m, z);
  CHECK(f(0) == 0);  // PyTorch raises ZeroDivisionError; an element function cannot, so 0
  CHECK(f(2) == 0);  // -7 % -1 (and INT32_MIN % -1, which would overflow in C++)
  CHECK(r(1) == 0);
  Tensor<std::int64_t, Shape<3>> b{3, -1, 1};
  Tensor<std::int64_t, Shape<3>> p = pow(b, Tensor<std::int64_t, Shape<3>>{39, -3, -5});
  CHECK(p(0) == 4052555153018976267LL);  // 3^39, exact in int64
  CHECK(p(1) == -1);
  CHECK(p(2) == 1);
}
