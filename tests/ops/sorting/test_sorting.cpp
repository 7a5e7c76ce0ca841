// Sorting, selection and comparison ops of ctorch/ops/sorting (sort, argsort, topk, kthvalue, median,
// nanmedian, mode, unique, equal, isclose, allclose, cross, histc, renorm, dist, clone) against PyTorch
// 1.13 (tests/golden/gen_joining_sorting.py): values, positions, static shapes, NaN handling, and errors.
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>
#include <ctorch/ops/sorting.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "support/fixture.hpp"
#include "support/golden_tensor.hpp"

using namespace ctorch;
using ctorch::test::check_close;
using ctorch::test::Fixture;

namespace {

const Fixture& fx() {
  static const Fixture f("joining_sorting.txt");
  return f;
}

template <class T, class S>
Tensor<T, S> from_fx(const std::string& key) {
  return test::tensor_from<T, S>(fx()[key]);
}
template <class Tn>
void expect(const std::string& key, const Tn& t, double rtol = 0) {
  test::expect_golden(key, fx()[key], t, rtol);
}
using test::dtype_is;
using test::error_of;
using test::shape_is;

using S26 = Tensor<float, Shape<2, 6>>;
using D35 = Tensor<float, Shape<3, 5>>;
S26 ts() {
  return from_fx<float, Shape<2, 6>>("s");
}
D35 td() {
  return from_fx<float, Shape<3, 5>>("d");
}
Tensor<float, Shape<2, 3, 4>> tx() {
  Tensor<float, Shape<2, 3, 4>> t;
  for (index_t i = 0; i < 24; ++i) t.data()[i] = float(i);
  return t;
}

}  // namespace

TEST_CASE("sort and argsort against PyTorch (stable, NaN last ascending, first descending)") {
  const S26 s = ts();
  auto [v, i] = sort<1>(s);
  static_assert(shape_is<decltype(v), Shape<2, 6>> && dtype_is<decltype(v), float>);
  static_assert(shape_is<decltype(i), Shape<2, 6>> && dtype_is<decltype(i), int64_t>);
  expect("sort.v", v);
  expect("sort.i", i);
  auto r = sort(s, /*descending=*/true, /*stable=*/true);  // the last dim by default
  expect("sort.dv", r.values);
  expect("sort.di", r.indices);
  const auto x = tx();
  auto rx = sort<0>(x, true);
  expect("sort.x0v", rx.values);
  expect("sort.x0i", rx.indices);
  expect("argsort.s", argsort<-1>(s, true));
  static_assert(dtype_is<decltype(argsort(s)), int64_t>);
  // Strided and lazy inputs, Dyn extents, empty and size-1 dims.
  const auto st = sort<0>(transpose<0, 1>(s)).values;
  expect("sort.v", transpose<0, 1>(st));
  expect("sort.dv", sort<1>(s * 1.0f, true).values);
  Tensor<float, Shape<Dyn, Dyn>> sd = s;
  expect("sort.v", sort<1>(sd).values);
  Tensor<float, Shape<3, 0>> e;
  CHECK(sort(e).values.numel() == 0);
  Tensor<int32_t, Shape<1, 3>> one{{3, 1, 2}};
  CHECK(sort<0>(one).values.tolist() == std::vector<int32_t>{3, 1, 2});
  CHECK(sort<0>(one).indices.tolist() == std::vector<int64_t>{0, 0, 0});
  CHECK(sort<1>(one).values.tolist() == std::vector<int32_t>{1, 2, 3});
}

TEST_CASE("topk against PyTorch") {
  const D35 d = td();
  auto [v, i] = topk<2>(d);
  static_assert(shape_is<decltype(v), Shape<3, 2>>);
  expect("topk.v", v);
  expect("topk.i", i);
  auto r = topk<3, 0>(d, /*largest=*/false);
  static_assert(shape_is<decltype(r.values), Shape<3, 5>>);
  expect("topk.sv", r.values);
  expect("topk.si", r.indices);
  const S26 s = ts();
  auto rn = topk<2, 1>(s);  // NaN counts as the largest
  expect("topk.nanv", rn.values);
  expect("topk.nani", rn.indices);
  auto rd = topk<Dyn, 1>(d, 2);
  static_assert(shape_is<decltype(rd.values), Shape<3, Dyn>>);
  expect("topk.v", rd.values);
  CHECK(topk<0>(d).values.numel() == 0);
  CHECK(topk<5>(d).values.tolist() == sort(d, true).values.tolist());
  CHECK_THROWS_AS(topk<Dyn>(d, 6), index_error);
  CHECK(error_of([&] { (void)topk<Dyn>(d, 6); }) == "ctorch: topk: k (6) is out of range for dimension 1 of size 5");
  CHECK_THROWS_AS(topk<Dyn>(d, -1), index_error);
  Tensor<float, Shape<Dyn, Dyn>> dd = d;
  CHECK_THROWS_AS(topk<6>(dd), index_error);
}

TEST_CASE("kthvalue against PyTorch") {
  const D35 d = td();
  auto [v, i] = kthvalue(d, 2);
  static_assert(shape_is<decltype(v), Shape<3>> && dtype_is<decltype(i), int64_t>);
  expect("kth.v", v);
  expect("kth.i", i);
  auto r = kthvalue<0, true>(d, 3);
  static_assert(shape_is<decltype(r.values), Shape<1, 5>>);
  expect("kth.kv", r.values);
  expect("kth.ki", r.indices);
  CHECK(error_of([&] { (void)kthvalue(d, 6); }) == "ctorch: kthvalue: k (6) is out of range for dimension 1 of size 5");
  CHECK_THROWS_AS(kthvalue(d, 0), index_error);
  Tensor<float, Shape<2, 0>> e;
  CHECK_THROWS_AS(kthvalue(e, 1), index_error);
  Tensor<float, Shape<3, 1>> col{{2}, {1}, {3}};
  CHECK(kthvalue(col, 1).values.tolist() == std::vector<float>{2, 1, 3});
}

TEST_CASE("median and nanmedian against PyTorch") {
  const D35 d = td();
  const S26 s = ts();
  auto m = median(d);
  static_assert(shape_is<decltype(m), Shape<>>);
  expect("median.d", m);
  expect("median.s", median(s));
  auto [v, i] = median<1>(d);
  static_assert(shape_is<decltype(v), Shape<3>>);
  expect("median.dv", v);
  expect("median.di", i);
  auto r0 = median<0, true>(d);
  static_assert(shape_is<decltype(r0.values), Shape<1, 5>>);
  expect("median.d0v", r0.values);
  expect("median.d0i", r0.indices);
  auto rs = median<-1>(s);  // row 1 holds NaN: NaN and its position
  expect("median.sv", rs.values);
  expect("median.si", rs.indices);
  expect("nanmedian.s", nanmedian(s));
  auto rn = nanmedian<1>(s);
  expect("nanmedian.sv", rn.values);
  expect("nanmedian.si", rn.indices);
  // Empty input: NaN for the full median, value_error along an empty dim.
  Tensor<float, Shape<2, 0>> e;
  CHECK(std::isnan(median(e).item()));
  CHECK_THROWS_AS(median<1>(e), value_error);
  CHECK(error_of([&] { (void)median<1>(e); }) == "ctorch: median: Expected reduction dim 1 to have non-zero size.");
  Tensor<float, Shape<3>> nans{NAN, NAN, NAN};
  CHECK(std::isnan(nanmedian(nans).item()));
  CHECK(std::isnan(nanmedian<0>(nans).values.item()));
  Tensor<int64_t, Shape<4>> ints{4, 1, 3, 2};
  CHECK(median(ints).item() == 2);  // the lower median
}

TEST_CASE("mode against PyTorch") {
  const auto m = from_fx<int64_t, Shape<3, 8>>("m");
  auto [v, i] = mode(m);
  static_assert(shape_is<decltype(v), Shape<3>> && dtype_is<decltype(v), int64_t>);
  expect("mode.v", v);
  expect("mode.i", i);
  Tensor<float, Shape<3, 8>> mf = cast<float>(m);
  auto r = mode<0>(mf);
  expect("mode.0v", r.values);
  expect("mode.0i", r.indices);
  auto rk = mode<1, true>(m);
  static_assert(shape_is<decltype(rk.values), Shape<3, 1>>);
  CHECK(rk.values.tolist() == v.tolist());
  CHECK_THROWS_AS(mode(Tensor<float, Shape<2, 0>>{}), value_error);
}

TEST_CASE("unique against PyTorch") {
  const auto m = from_fx<int64_t, Shape<3, 8>>("m");
  auto u = unique(m);
  static_assert(shape_is<decltype(u), Shape<Dyn>> && dtype_is<decltype(u), int64_t>);
  expect("unique.v", u);
  auto [v, inv, cnt] = unique<true, true>(m);
  static_assert(shape_is<decltype(inv), Shape<3, 8>> && shape_is<decltype(cnt), Shape<Dyn>>);
  expect("unique.v", v);
  expect("unique.inv", inv);
  expect("unique.cnt", cnt);
  auto [v2, inv2] = unique<true>(m);
  expect("unique.inv", inv2);
  (void)v2;
  auto [v3, cnt3] = unique<false, true>(m);
  expect("unique.cnt", cnt3);
  (void)v3;
  const S26 s = ts();
  expect("unique.s", unique(select<0>(s, 0)));
  CHECK(unique(Tensor<float, Shape<0>>{}).numel() == 0);
  // Each NaN is its own value, after every number.
  Tensor<float, Shape<4>> nn{NAN, 1, NAN, 1};
  const auto un = unique(nn).tolist();
  REQUIRE(un.size() == 3);
  CHECK(un[0] == 1.0f);
  CHECK((std::isnan(un[1]) && std::isnan(un[2])));
}

TEST_CASE("equal, isclose and allclose against PyTorch") {
  const auto p = from_fx<float, Shape<8>>("p");
  const auto q = from_fx<float, Shape<8>>("q");
  auto c = isclose(p, q);
  static_assert(dtype_is<decltype(c), bool> && shape_is<decltype(c), Shape<8>>);
  expect("isclose.pq", c);
  expect("isclose.nan", isclose(p, q, 1e-5, 1e-8, true));
  expect("isclose.tol", isclose(p, q, 0.2, 0.0));
  const auto want = from_fx<bool, Shape<4>>("allclose").tolist();
  CHECK(allclose(narrow<0, 2>(p, 0), narrow<0, 2>(q, 0)) == want[0]);
  CHECK(allclose(narrow<0, 1>(p, 0), narrow<0, 1>(q, 0)) == want[1]);
  CHECK(allclose(narrow<0, 1>(p, 4), narrow<0, 1>(q, 4), 1e-5, 1e-8, true) == want[2]);
  CHECK(allclose(p, q) == want[3]);
  CHECK(allclose(tx() + 1.0f, tx() * 1.0f + 1.000001f));  // lazy operands
  CHECK_FALSE(allclose(tx() + 1.0f, tx() + 1.001f));
  // Broadcasting, integers.
  Tensor<float, Shape<2, 2>> m{{1, 2}, {1, 3}};
  Tensor<float, Shape<2>> row{1, 2};
  CHECK(Tensor<bool, Shape<2, 2>>(isclose(m, row)).tolist() == std::vector<bool>{true, true, true, false});
  Tensor<int64_t, Shape<3>> ia{1, 100, 5}, ib{1, 101, 7};
  CHECK(Tensor<bool, Shape<3>>(isclose(ia, ib, 0.01, 0.0)).tolist() == std::vector<bool>{true, true, false});
  CHECK_THROWS_AS(isclose(p, q, -1.0), value_error);
  Tensor<float, Shape<Dyn>> pd(3);
  CHECK_THROWS_AS(allclose(p, pd), shape_error);

  const auto x = tx();
  CHECK(equal(x, tx()));
  CHECK(equal(x, x * 1.0f));
  CHECK_FALSE(equal(x, x + 1.0f));
  CHECK_FALSE(equal(x, Tensor<float, Shape<2, 3, 5>>{}));  // another static shape: false, no compile error
  CHECK_FALSE(equal(x, Tensor<float, Shape<24>>{}));
  Tensor<float, Shape<Dyn, 3, 4>> xd = x;
  CHECK(equal(xd, x));
  Tensor<float, Shape<Dyn, 3, 4>> x3(3);
  CHECK_FALSE(equal(x3, x));
  CHECK_FALSE(equal(p, p));  // NaN is unequal to itself
  CHECK(equal(Tensor<float, Shape<0>>{}, Tensor<float, Shape<0>>{}));
}

TEST_CASE("cross against PyTorch") {
  const auto c1 = from_fx<float, Shape<4, 3>>("c1");
  const auto c2 = from_fx<float, Shape<4, 3>>("c2");
  auto r = cross(c1, c2);
  static_assert(shape_is<decltype(r), Shape<4, 3>>);
  expect("cross.1", r);
  expect("cross.0", cross<0>(transpose<0, 1>(c1), transpose<0, 1>(c2)));
  Tensor<double, Shape<4, 3>> c2d = cast<double>(c2);
  auto rp = cross<1>(c1, c2d);
  static_assert(dtype_is<decltype(rp), double>);
  expect("cross.1", rp);
  Tensor<float, Shape<Dyn, Dyn>> d1 = c1, d2 = c2;
  expect("cross.1", cross(d1, d2));
  CHECK_THROWS_AS(cross<0>(d1, d2), shape_error);  // dim 0 has 4 entries
  Tensor<float, Shape<Dyn, Dyn>> d3(3, 3);
  CHECK_THROWS_AS(cross(d1, d3), shape_error);
}

TEST_CASE("histc against PyTorch") {
  const auto h = from_fx<float, Shape<9>>("h");
  auto r = histc<4>(h, 0, 4);
  static_assert(shape_is<decltype(r), Shape<4>> && dtype_is<decltype(r), float>);
  expect("histc.4", r);
  expect("histc.auto", histc<5>(h));
  Tensor<float, Shape<2>> two{2, 2};
  expect("histc.one", histc<3>(two));
  CHECK(histc(h).numel() == 100);
  CHECK(histc<2>(Tensor<float, Shape<0>>{}).tolist() == std::vector<float>{0, 0});
  CHECK_THROWS_AS(histc<4>(h, 3, 1), value_error);
  Tensor<float, Shape<2>> bad{1, NAN};
  CHECK_THROWS_AS(histc<4>(bad), value_error);
  Tensor<float, Shape<2>> nan_ignored{1, NAN};
  CHECK(histc<2>(nan_ignored, 0, 2).tolist() == std::vector<float>{0, 1});
}

TEST_CASE("renorm, dist and clone against PyTorch") {
  const auto x = tx();
  auto r = renorm<0>(x, 2, 20);
  static_assert(shape_is<decltype(r), Shape<2, 3, 4>>);
  expect("renorm.0", r, 1e-6);
  expect("renorm.2", renorm<-1>(x, 1, 30), 1e-6);
  CHECK_THROWS_AS(renorm<0>(x, 0, 1), value_error);
  CHECK_THROWS_AS(renorm<0>(x, 2, -1), value_error);

  const auto c1 = from_fx<float, Shape<4, 3>>("c1");
  const auto c2 = from_fx<float, Shape<4, 3>>("c2");
  const auto want = fx()["dist"].values;
  auto d = dist(c1, c2);
  static_assert(shape_is<decltype(d), Shape<>>);
  CHECK(d.item() == doctest::Approx(want[0]).epsilon(1e-6));
  CHECK(dist(c1, c2, 1).item() == doctest::Approx(want[1]).epsilon(1e-6));
  CHECK(dist(c1, c2, INFINITY).item() == doctest::Approx(want[2]).epsilon(1e-6));
  CHECK(dist(c1, c2, 0).item() == doctest::Approx(want[3]).epsilon(1e-6));
  CHECK(dist(c1, c2, 3).item() == doctest::Approx(want[4]).epsilon(1e-6));
  CHECK(dist(c1, select<0>(c2, 0)).item() == doctest::Approx(want[5]).epsilon(1e-6));

  auto cl = clone(transpose<0, 1>(c1));
  static_assert(shape_is<decltype(cl), Shape<3, 4>>);
  CHECK(cl(2, 1) == c1(1, 2));
  cl(0, 0) = 100.0f;
  CHECK(c1(0, 0) == 1.0f);  // no aliasing
  auto cl2 = clone(c1 + 1.0f);
  CHECK(cl2(0, 0) == 2.0f);
}
