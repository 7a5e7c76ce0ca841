// ctorch/ops/inplace.hpp: every in-place twin gives what its out-of-place op gives, written into the
// target (a Tensor, a strided view of one, a Dyn tensor), returns the target, and refuses a result of
// another shape.
#include <doctest/doctest.h>

#include <ctorch/ops/inplace.hpp>
#include <ctorch/ops/view.hpp>
#include <string>
#include <vector>

using namespace ctorch;

namespace {
using S = Shape<3, 4>;

Tensor<double, S> values(double lo, double hi) {
  Tensor<double, S> t;
  for (index_t i = 0; i < t.numel(); ++i) t.data()[i] = lo + (hi - lo) * double((i * 7) % 12) / 11.0;
  return t;
}

// In place on a copy of x against f applied out of place; also through a transposed view of a copy.
template <class In, class Out>
void same(const std::string& name, const Tensor<double, S>& x, In in_place, Out out_of_place) {
  CAPTURE(name);
  const Tensor<double, S> want = out_of_place(x);
  Tensor<double, S> a = x;
  auto& r = in_place(a);
  CHECK(&r == &a);
  for (index_t i = 0; i < a.numel(); ++i) CHECK(a.data()[i] == doctest::Approx(want.data()[i]).epsilon(1e-15));
  // The same through a strided view (the transpose of a [4, 3] tensor holding x's transpose).
  Tensor<double, Shape<4, 3>> xt = transpose<0, 1>(x);
  auto v = transpose<0, 1>(xt);
  in_place(v);
  for (index_t i = 0; i < 3; ++i)
    for (index_t j = 0; j < 4; ++j) CHECK(xt(j, i) == doctest::Approx(want(i, j)).epsilon(1e-15));
}
}  // namespace

TEST_CASE("inplace: unary twins") {
  const auto x = values(0.1, 0.9), s = values(-2, 2), w = values(1.5, 4);
#define U(f, in)                                                     \
  same(                                                              \
      #f "_", in, [](auto& t) -> decltype(auto) { return f##_(t); }, \
      [](const auto& t) { return Tensor<double, S>(f(t)); })
  U(abs, s);
  U(acos, x);
  U(asin, x);
  U(atan, s);
  U(ceil, s);
  U(cos, s);
  U(cosh, s);
  U(erf, s);
  U(erfinv, x);
  U(exp, s);
  U(expm1, s);
  U(floor, s);
  U(frac, s);
  U(log, w);
  U(log10, w);
  U(log1p, x);
  U(log2, w);
  U(neg, s);
  U(reciprocal, w);
  U(relu, s);
  U(round, s);
  U(rsqrt, w);
  U(sigmoid, s);
  U(sign, s);
  U(sin, s);
  U(sinh, s);
  U(sqrt, w);
  U(square, s);
  U(tan, x);
  U(tanh, s);
  U(trunc, s);
#undef U
}

TEST_CASE("inplace: binary, ternary and comparison twins") {
  const auto s = values(-2, 2), w = values(1.5, 4);
  const Tensor<double, Shape<4>> row{0.5, -1.0, 2.0, 1.5};  // broadcasts over the rows
#define B(f, in, ...)                                                              \
  same(                                                                            \
      #f "_", in, [&](auto& t) -> decltype(auto) { return f##_(t, __VA_ARGS__); }, \
      [&](const auto& t) { return Tensor<double, S>(f(t, __VA_ARGS__)); })
  B(add, s, row);
  B(add, s, row, 2.5);
  B(add, s, 3.0);
  B(sub, s, row, 0.5);
  B(mul, s, row);
  B(div, s, w);
  B(pow, w, 1.5);
  B(fmod, s, 0.7);
  B(remainder, s, 0.7);
  B(atan2, s, w);
  B(lerp, s, w, 0.25);
  B(clamp, s, -0.5, 0.75);
  B(clamp_min, s, 0.2);
  B(clamp_max, s, row);
  B(addcmul, s, w, row, 0.5);
  B(addcdiv, s, row, w, 2.0);
#undef B
  // Comparisons store 1 or 0 in x's dtype; chained, each reads the previous one's result.
  Tensor<double, S> x = s;
  CHECK(&eq_(x, s) == &x);
  for (index_t i = 0; i < x.numel(); ++i) CHECK(x.data()[i] == 1.0);
  Tensor<double, S> y = s;
  ge_(ne_(lt_(gt_(le_(y, 0.0), 0.5), 1.0), 0.0), 1.0);  // (s <= 0) -> (> .5) -> (< 1) -> (!= 0) -> (>= 1): s > 0
  for (index_t i = 0; i < y.numel(); ++i) CHECK(y.data()[i] == (s.data()[i] > 0.0 ? 1.0 : 0.0));
}

TEST_CASE("inplace: the result must keep the target's shape") {
  Tensor<float, Shape<Dyn, 4>> x(3);
  x.fill_(1.f);
  add_(x, Tensor<float, Shape<Dyn, 4>>(3));  // same shape: fine
  CHECK_THROWS_AS(add_(x, Tensor<float, Shape<Dyn, 4>>(2)), shape_error);
  Tensor<float, Shape<1, 4>> narrow_target;
  CHECK_THROWS_AS(add_(narrow_target, Tensor<float, Shape<Dyn, 4>>(3)), shape_error);  // would grow the target
  int rows = 0;
  for (index_t i = 0; i < x.numel(); ++i) rows += x.data()[i] == 1.f;
  CHECK(rows == 12);
}
