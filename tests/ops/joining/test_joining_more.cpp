// The second batch of joining and indexing ops (split, chunk, unbind, roll, rot90, repeat, tile, take,
// put, index_add, index_copy, index_fill, masked_scatter, masked_select, nonzero, diag, diag_embed,
// unflatten, as_strided) against PyTorch 1.13 (tests/golden/gen_joining_sorting.py): values, static
// shapes, views aliasing their input, and the errors for bad indices, sizes and dims.
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>
#include <ctorch/ops/joining.hpp>
#include <ctorch/ops/view.hpp>

#include <cstdint>
#include <string>
#include <tuple>
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

template <class Tn>
void fill_range(Tn& t, double start, double step = 1) {
  for (index_t i = 0; i < t.numel(); ++i) t.data()[i] = static_cast<typename Tn::value_type>(start + step * double(i));
}

using A = Tensor<float, Shape<2, 3>>;
using X = Tensor<float, Shape<2, 3, 4>>;
A ta() {
  A t;
  fill_range(t, 0);
  return t;
}
X tx() {
  X t;
  fill_range(t, 0);
  return t;
}

template <class T, class S>
Tensor<T, S> from_fx(const std::string& key) {
  return test::tensor_from<T, S>(fx()[key]);
}
template <class Tn>
void expect(const std::string& key, const Tn& t) {
  test::expect_golden(key, fx()[key], t);
}
using test::dtype_is;
using test::error_of;
using test::shape_is;

}  // namespace

TEST_CASE("split by a static size: std::array of views aliasing the input") {
  X x = tx();
  auto p = split<1, 2>(x);  // 3 entries in pieces of 2: the last one shorter, so a Dyn extent
  static_assert(std::is_same_v<decltype(p), std::array<TensorView<float, Shape<2, Dyn, 4>>, 2>>);
  expect("split.d1.0", p[0]);
  expect("split.d1.1", p[1]);
  auto q = split<-1, 2>(x);  // 4 in pieces of 2: static extents
  static_assert(std::is_same_v<decltype(q), std::array<TensorView<float, Shape<2, 3, 2>>, 2>>);
  expect("split.last.0", q[0]);
  expect("split.last.1", q[1]);
  // Views: a write through a piece is seen by x.
  auto [q0, q1] = q;
  q1(1, 2, 1) = -7.0f;
  CHECK(x(1, 2, 3) == -7.0f);
  q0.fill_(5.0f);
  CHECK(x(0, 0, 0) == 5.0f);
  CHECK(x(0, 0, 2) == 2.0f);
  // A const tensor gives const views.
  const X cx = tx();
  auto cq = split<2, 4>(cx);
  static_assert(std::is_same_v<decltype(cq), std::array<TensorView<const float, Shape<2, 3, 4>>, 1>>);
  CHECK(cq[0].data() == cx.data());
  // An empty dim gives one empty piece, as PyTorch.
  Tensor<float, Shape<2, 0>> e;
  auto pe = split<1, 3>(e);
  CHECK(pe.size() == 1);
  CHECK(pe[0].numel() == 0);
  auto pz = split<1, 0>(e);  // size 0 is allowed on an empty dim
  CHECK(pz.size() == 1);
}

TEST_CASE("split with run-time sizes and Dyn extents: std::vector of views") {
  X x = tx();
  auto p = split<1>(x, 2);
  static_assert(std::is_same_v<decltype(p), std::vector<TensorView<float, Shape<2, Dyn, 4>>>>);
  REQUIRE(p.size() == 2);
  expect("split.d1.0", p[0]);
  expect("split.d1.1", p[1]);
  Tensor<float, Shape<2, 3, Dyn>> xd = x;
  auto q = split<2, 2>(xd);  // static size, Dyn extent: a vector
  static_assert(std::is_same_v<decltype(q), std::vector<TensorView<float, Shape<2, 3, Dyn>>>>);
  REQUIRE(q.size() == 2);
  expect("split.last.1", q[1]);
  q[0](0, 0, 0) = 99.0f;
  CHECK(xd(0, 0, 0) == 99.0f);
  // Size 1 on a size-1 dim, size larger than the dim.
  Tensor<float, Shape<1, 3>> one{{1, 2, 3}};
  CHECK(split<0>(one, 1).size() == 1);
  CHECK(split<1>(one, 10).size() == 1);
  CHECK(split<1>(one, 10)[0].numel() == 3);
  // Bad sizes.
  CHECK_THROWS_AS(split<1>(x, -1), value_error);
  CHECK(error_of([&] { (void)split<1>(x, -1); }) ==
        "ctorch: split: split expects split_size be non-negative, but got split_size=-1");
  CHECK(error_of([&] { (void)split<1>(x, 0); }) ==
        "ctorch: split: split_size can only be 0 if dimension size is 0, but got dimension size of 3");
}

TEST_CASE("split_with_sizes: std::tuple of static views, or a vector") {
  X x = tx();
  auto [s0, s1, s2] = split_with_sizes<-1, 1, 0, 3>(x);
  static_assert(shape_is<decltype(s0), Shape<2, 3, 1>> && shape_is<decltype(s1), Shape<2, 3, 0>> &&
                shape_is<decltype(s2), Shape<2, 3, 3>>);
  expect("split.sizes.0", s0);
  expect("split.sizes.1", s1);
  expect("split.sizes.2", s2);
  s2(0, 0, 0) = 42.0f;
  CHECK(x(0, 0, 1) == 42.0f);
  x = tx();
  auto v = split<2>(x, {1, 0, 3});
  REQUIRE(v.size() == 3);
  expect("split.sizes.2", v[2]);
  auto v2 = split_with_sizes<-1>(x.view(), {1, 0, 3});
  expect("split.sizes.0", v2[0]);
  CHECK_THROWS_AS(split<2>(x, {1, 2}), shape_error);
  CHECK(error_of([&] {
          (void)split<2>(x, {1, 2});
        }) ==
        "ctorch: split_with_sizes: split_with_sizes expects split_sizes to sum exactly to 4 (input tensor's size at "
        "dimension 2), but got split_sizes=[1, 2]");
  CHECK_THROWS_AS(split<2>(x, {5, -1}), value_error);
  // A Dyn extent: checked at run time.
  Tensor<float, Shape<2, 3, Dyn>> xd = x;
  auto [d0, d1] = split_with_sizes<2, 3, 1>(xd);
  static_assert(shape_is<decltype(d0), Shape<2, 3, 3>> && shape_is<decltype(d1), Shape<2, 3, 1>>);
  CHECK(d1(1, 2, 0) == 23.0f);
  CHECK_THROWS_AS((split_with_sizes<2, 3, 2>(xd)), shape_error);
}

TEST_CASE("chunk against PyTorch") {
  X x = tx();
  auto c = chunk<-1, 3>(x);  // 4 entries in 3 chunks: pieces of 2, only two of them (as PyTorch)
  static_assert(std::is_same_v<decltype(c), std::array<TensorView<float, Shape<2, 3, 2>>, 2>>);
  expect("chunk.last3.0", c[0]);
  expect("chunk.last3.1", c[1]);
  auto c1 = chunk<1, 2>(x);
  static_assert(c1.size() == 2);
  expect("chunk.d1_2.0", c1[0]);
  expect("chunk.d1_2.1", c1[1]);
  c1[1](0, 0, 0) = -1.0f;
  CHECK(x(0, 2, 0) == -1.0f);
  x = tx();
  auto cv = chunk<-1>(x, 3);
  REQUIRE(cv.size() == 2);
  expect("chunk.last3.1", cv[1]);
  // An empty dim gives Chunks empty pieces, as PyTorch.
  Tensor<float, Shape<0>> e;
  auto ce = chunk<0, 3>(e);
  static_assert(ce.size() == 3);
  CHECK(ce[2].numel() == 0);
  Tensor<float, Shape<Dyn>> ed(0);
  CHECK(chunk<0>(ed, 3).size() == 3);
  Tensor<float, Shape<Dyn>> five(5);
  const auto c5 = chunk<0>(five, 3);
  REQUIRE(c5.size() == 3);
  CHECK(c5[2].numel() == 1);
  CHECK(error_of([&] { (void)chunk<0>(five, 0); }) ==
        "ctorch: chunk: chunk expects `chunks` to be greater than 0, got: 0");
}

TEST_CASE("unbind against PyTorch") {
  X x = tx();
  auto u = unbind<1>(x);
  static_assert(std::is_same_v<decltype(u), std::array<TensorView<float, Shape<2, 4>>, 3>>);
  for (int i = 0; i < 3; ++i) expect("unbind.d1." + std::to_string(i), u[std::size_t(i)]);
  auto [u0, u1, u2] = unbind<-2>(x);
  u2(1, 3) = 0.5f;
  CHECK(x(1, 2, 3) == 0.5f);
  (void)u0;
  (void)u1;
  Tensor<float, Shape<Dyn, 4>> d(3);
  auto ud = unbind(d);
  static_assert(std::is_same_v<decltype(ud), std::vector<TensorView<float, Shape<4>>>>);
  CHECK(ud.size() == 3);
  Tensor<float, Shape<0, 2>> e;
  CHECK(unbind(e).size() == 0);
}

TEST_CASE("roll against PyTorch") {
  const X x = tx();
  auto r = roll<2>(x, 1);
  static_assert(shape_is<decltype(r), Shape<2, 3, 4>>);
  expect("roll.d2", r);
  expect("roll.two", roll<0, 2>(x, -1, 5));
  expect("roll.flat", roll(x, 7));
  expect("roll.same", roll<2, 2>(x, 1, 2));
  expect("roll.neg", roll<-2>(x, -4));
  expect("roll.d2", roll<2>(x * 1.0f, 1));  // a lazy operand
  expect("roll.two", roll<0, 2>(transpose<0, 1>(transpose<0, 1>(x)), -1, 5));
  Tensor<float, Shape<Dyn, 3, 4>> xd = x;
  expect("roll.flat", roll(xd, 7 + 24));
  Tensor<float, Shape<0, 3>> e;
  CHECK(roll<0>(e, 2).numel() == 0);
  CHECK(roll(e, 2).numel() == 0);
}

TEST_CASE("rot90 against PyTorch") {
  const A a = ta();
  const X x = tx();
  auto r1 = rot90(a);
  static_assert(shape_is<decltype(r1), Shape<3, 2>>);
  expect("rot90.1", r1);
  auto r2 = rot90<2>(a);
  static_assert(shape_is<decltype(r2), Shape<2, 3>>);
  expect("rot90.2", r2);
  expect("rot90.3", rot90<3>(a));
  expect("rot90.5", rot90<5>(a));
  auto r4 = rot90<-1, 1, 2>(x);
  static_assert(shape_is<decltype(r4), Shape<2, 4, 3>>);
  expect("rot90.m1_12", r4);
  auto r5 = rot90<1, 2, 0>(x);
  static_assert(shape_is<decltype(r5), Shape<4, 3, 2>>);
  expect("rot90.1_20", r5);
  CHECK(rot90<4>(a).tolist() == a.tolist());
  Tensor<float, Shape<Dyn, 3>> ad = a;
  auto rd = rot90(ad);
  static_assert(shape_is<decltype(rd), Shape<3, Dyn>>);
  expect("rot90.1", rd);
  Tensor<float, Shape<0, 3>> e;
  CHECK(rot90(e).sizes() == std::array<index_t, 2>{3, 0});
}

TEST_CASE("repeat and tile against PyTorch") {
  const A a = ta();
  const X x = tx();
  auto r = repeat<2, 1, 2>(a);
  static_assert(shape_is<decltype(r), Shape<2, 2, 6>>);
  expect("repeat.212", r);
  auto r0 = repeat<1, 0>(a);
  static_assert(shape_is<decltype(r0), Shape<2, 0>>);
  expect("repeat.10", r0);
  expect("repeat.x", repeat<1, 2, 1>(x));
  auto t = tile<2>(a);
  static_assert(shape_is<decltype(t), Shape<2, 6>>);
  expect("tile.2", t);
  auto t4 = tile<2, 1, 1, 1>(x);
  static_assert(shape_is<decltype(t4), Shape<2, 2, 3, 4>>);
  expect("tile.2111", t4);
  Tensor<float, Shape<Dyn, 3>> ad = a;
  auto rd = repeat<2, 1, 2>(ad);
  static_assert(shape_is<decltype(rd), Shape<2, Dyn, 6>>);
  expect("repeat.212", rd);
  expect("tile.2", tile<2>(transpose<0, 1>(transpose<0, 1>(a))));
}

TEST_CASE("take and put against PyTorch") {
  const X x = tx();
  const auto ti = from_fx<int64_t, Shape<2, 2>>("ti");
  auto t = take(x, ti);
  static_assert(shape_is<decltype(t), Shape<2, 2>> && dtype_is<decltype(t), float>);
  expect("take.x", t);
  expect("take.x", take(x, ti * int64_t(1)));  // a lazy index
  Tensor<int64_t, Shape<4>> i4{0, 1, 2, -1};
  const A a4 = ta();
  CHECK(take(transpose<0, 1>(a4), i4).tolist() == std::vector<float>{0, 3, 1, 5});  // a strided input
  Tensor<int64_t, Shape<1>> bad{24}, neg{-25};
  CHECK_THROWS_AS(take(x, bad), index_error);
  CHECK(error_of([&] { (void)take(x, bad); }) == "ctorch: take: index 24 is out of bounds for size 24");
  CHECK(error_of([&] { (void)take(x, neg); }) == "ctorch: take: index -25 is out of bounds for size 24");
  Tensor<float, Shape<0>> e;
  Tensor<int64_t, Shape<1>> zero{0};
  CHECK_THROWS_AS(take(e, zero), index_error);
  CHECK(take(e, Tensor<int64_t, Shape<0>>{}).numel() == 0);

  const A a = ta();
  Tensor<int64_t, Shape<3>> pi{1, -1, 3};
  Tensor<float, Shape<3>> src{10, 20, 30};
  auto p = put(a, pi, src);
  static_assert(shape_is<decltype(p), Shape<2, 3>>);
  expect("put.a", p);
  A ac = a;
  put_(ac, from_fx<int64_t, Shape<4>>("pi"), Tensor<float, Shape<2, 2>>{{10, 20}, {30, 40}}, true);
  expect("put.acc", ac);
  // put_ on a view (a transposed one: flat indices follow the view's row-major order).
  A at = a;
  put_(transpose<0, 1>(at), Tensor<int64_t, Shape<1>>{1}, Tensor<float, Shape<1>>{-9});
  CHECK(at(1, 0) == -9.0f);
  CHECK_THROWS_AS(put(a, pi, Tensor<float, Shape<2>>{1, 2}), shape_error);
  CHECK(error_of([&] { (void)put(a, Tensor<int64_t, Shape<1>>{6}, Tensor<float, Shape<1>>{1}); }) ==
        "ctorch: put: index 6 is out of bounds for size 6");
  CHECK(a.tolist() == ta().tolist());
}

TEST_CASE("index_add, index_copy and index_fill against PyTorch") {
  const X x = tx();
  const auto ii = from_fx<int64_t, Shape<3>>("ii");
  X src;
  fill_range(src, 0, 10);
  Tensor<float, Shape<2, 3, 4>> s3 = src;
  auto r = index_add<1>(x, ii, s3);
  static_assert(shape_is<decltype(r), Shape<2, 3, 4>>);
  expect("index_add.1", r);
  expect("index_add.alpha", index_add<-2>(x, ii, s3, -2));
  X xi = x;
  index_add_<1>(xi, ii, s3);
  expect("index_add.1", xi);
  Tensor<int32_t, Shape<3>> ii32 = cast<int32_t>(ii);
  expect("index_add.1", index_add<1>(x, ii32, src * 1.0f));
  // index_copy: source slices -x[:, :, :2] go to columns 3 and 0.
  Tensor<int64_t, Shape<2>> ci{3, 0};
  auto srcc = -narrow<2, 2>(x, 0);
  expect("index_copy.2", index_copy<2>(x, ci, srcc));
  X xc = x;
  index_copy_<-1>(xc, ci, srcc);
  expect("index_copy.2", xc);
  // index_fill, negative indices allowed.
  Tensor<int64_t, Shape<2>> fi{-1, 0};
  expect("index_fill.1", index_fill<1>(x, fi, -3.0));
  X xf = x;
  index_fill_<1>(xf, fi, -3);
  expect("index_fill.1", xf);
  expect("index_fill.empty", index_fill<0>(x, Tensor<int64_t, Shape<0>>{}, 1.0));
  // Errors: bad index values, and a source of the wrong shape (Dyn here; static is a compile error).
  Tensor<int64_t, Shape<1>> big{3}, neg{-1};
  CHECK(error_of([&] { (void)index_add<1>(x, big, Tensor<float, Shape<2, 1, 4>>{}); }) ==
        "ctorch: index_add: index 3 is out of bounds for dimension 1 with size 3");
  CHECK_THROWS_AS(index_add<1>(x, neg, Tensor<float, Shape<2, 1, 4>>{}), index_error);
  CHECK_THROWS_AS(index_copy<1>(x, neg, Tensor<float, Shape<2, 1, 4>>{}), index_error);
  CHECK_THROWS_AS(index_fill<1>(x, Tensor<int64_t, Shape<1>>{-4}, 0.0), index_error);
  Tensor<float, Shape<Dyn, 1, 4>> wrong(3);
  CHECK_THROWS_AS(index_add<1>(x, big, wrong), shape_error);
  CHECK(error_of([&] { (void)index_copy<1>(x, Tensor<int64_t, Shape<1>>{0}, wrong); }) ==
        "ctorch: index_copy: source [3, 1, 4] must have self's shape [2, 3, 4] with dimension 1 of the index's "
        "length 1, that is [2, 1, 4]");
  // The in-place forms on mutable views write through to the base.
  X xv = tx();
  index_fill_<0>(select<0>(xv, 1), Tensor<int64_t, Shape<1>>{2}, -1.0);
  CHECK(xv(1, 2, 3) == -1.0f);
  CHECK(xv(1, 1, 3) == 19.0f);
  index_add_<1>(select<0>(xv, 0), Tensor<int64_t, Shape<1>>{0}, Tensor<float, Shape<3, 1>>{{1}, {2}, {3}}, 2);
  CHECK(xv(0, 2, 0) == 8.0f + 6.0f);
  index_copy_<0>(select<2>(xv, 1), Tensor<int64_t, Shape<1>>{1}, Tensor<float, Shape<1, 3>>{{7, 8, 9}});
  CHECK(xv(1, 2, 1) == 9.0f);
  CHECK(x.tolist() == tx().tolist());
}

TEST_CASE("masked_scatter, masked_select and nonzero against PyTorch") {
  const X x = tx();
  const auto mask = from_fx<bool, Shape<3, 4>>("mask");
  Tensor<float, Shape<24>> src;
  fill_range(src, 100);
  auto r = masked_scatter(x, mask, src);
  static_assert(shape_is<decltype(r), Shape<2, 3, 4>>);
  expect("masked_scatter.x", r);
  X xs = x;
  masked_scatter_(xs, mask, src);
  expect("masked_scatter.x", xs);
  X xm = x;
  masked_scatter_(select<0>(xm, 0), mask, src);  // on a view: only x[0] changes
  CHECK(std::vector<float>(xm.data(), xm.data() + 12) == std::vector<float>(r.data(), r.data() + 12));
  CHECK(xm(1, 0, 1) == 13.0f);
  Tensor<float, Shape<2>> small;
  CHECK_THROWS_AS(masked_scatter(x, mask, small), value_error);
  Tensor<bool, Shape<Dyn>> md(3);
  CHECK_THROWS_AS(masked_scatter(x, md, src), shape_error);

  auto s = masked_select(x, mask);
  static_assert(shape_is<decltype(s), Shape<Dyn>> && dtype_is<decltype(s), float>);
  expect("masked_select.x", s);
  Tensor<float, Shape<3>> row{1, 2, 3};
  Tensor<bool, Shape<2, 3>> m2{{true, false, true}, {false, false, true}};
  expect("masked_select.bcast", masked_select(row, m2));  // x broadcast to the mask's shape
  CHECK(masked_select(x, Tensor<bool, Shape<4>>{}).numel() == 0);
  CHECK_THROWS_AS(masked_select(x, md), shape_error);

  const auto nzi = from_fx<float, Shape<2, 3>>("nz.in");
  auto nz = nonzero(nzi);
  static_assert(shape_is<decltype(nz), Shape<Dyn, 2>> && dtype_is<decltype(nz), int64_t>);
  expect("nonzero.2d", nz);
  expect("nonzero.x", nonzero(remainder(x, 5.0f) == 0.0f));
  auto [rows, cols] = nonzero_tuple(nzi);
  CHECK(rows.tolist() == std::vector<int64_t>{0, 1, 1});
  CHECK(cols.tolist() == std::vector<int64_t>{1, 0, 2});
  CHECK(nonzero(Tensor<float, Shape<2, 2>>{}).sizes() == std::array<index_t, 2>{0, 2});
}

TEST_CASE("diag and diag_embed against PyTorch") {
  Tensor<float, Shape<3>> v{1, 2, 3};
  auto d0 = diag(v);
  static_assert(shape_is<decltype(d0), Shape<3, 3>>);
  expect("diag.v0", d0);
  auto d1 = diag<1>(v);
  static_assert(shape_is<decltype(d1), Shape<4, 4>>);
  expect("diag.v1", d1);
  expect("diag.vm2", diag<-2>(v));
  const A a = ta();
  auto m0 = diag(a);
  static_assert(shape_is<decltype(m0), Shape<2>>);
  expect("diag.m0", m0);
  expect("diag.m1", diag<1>(a));
  expect("diag.mm1", diag<-1>(a));
  auto m5 = diag<5>(a);
  static_assert(shape_is<decltype(m5), Shape<0>>);
  Tensor<float, Shape<Dyn>> vd = v;
  auto dd = diag<1>(vd);
  static_assert(shape_is<decltype(dd), Shape<Dyn, Dyn>>);
  expect("diag.v1", dd);
  CHECK(diag(Tensor<float, Shape<0>>{}).numel() == 0);

  auto e0 = diag_embed(a);
  static_assert(shape_is<decltype(e0), Shape<2, 3, 3>>);
  expect("diag_embed.0", e0);
  auto e1 = diag_embed<1, 0, 2>(a);
  static_assert(shape_is<decltype(e1), Shape<4, 2, 4>>);
  expect("diag_embed.1_02", e1);
  expect("diag_embed.m1_m10", diag_embed<-1, -1, 0>(a));
  Tensor<float, Shape<Dyn, 3>> ad = a;
  expect("diag_embed.0", diag_embed(ad));
}

TEST_CASE("unflatten: a view") {
  X x = tx();
  auto u = unflatten<2, 2, 2>(x);
  static_assert(shape_is<decltype(u), Shape<2, 3, 2, 2>>);
  expect("unflatten.2", u);
  auto ui = unflatten<1, Infer, 1>(x);
  static_assert(shape_is<decltype(ui), Shape<2, 3, 1, 4>>);
  expect("unflatten.infer", ui);
  u(1, 2, 1, 0) = -1.0f;
  CHECK(x(1, 2, 2) == -1.0f);
  // On a transposed (non-contiguous) view: still a view.
  auto t = transpose<0, 2>(x);  // [4, 3, 2]
  auto ut = unflatten<0, 2, 2>(t);
  static_assert(shape_is<decltype(ut), Shape<2, 2, 3, 2>>);
  CHECK(&ut(1, 1, 2, 1) == &x(1, 2, 3));
  // Dyn extent: inferred and checked at run time.
  Tensor<float, Shape<2, 3, Dyn>> xd = tx();
  auto ud = unflatten<2, 2, Infer>(xd);
  static_assert(shape_is<decltype(ud), Shape<2, 3, 2, Dyn>>);
  expect("unflatten.2", ud);
  CHECK_THROWS_AS((unflatten<2, 3, Infer>(xd)), shape_error);
  CHECK_THROWS_AS((unflatten<2, 3, 1>(xd)), shape_error);
}

TEST_CASE("as_strided: a bounds-checked view") {
  A a = ta();
  auto s = as_strided<Shape<2, 2>>(a, {1, 2}, 1);
  static_assert(shape_is<decltype(s), Shape<2, 2>>);
  expect("as_strided.a", s);
  s(1, 1) = 50.0f;  // element 1 + 1 + 2 = 4
  CHECK(a(1, 1) == 50.0f);
  const X x = tx();
  expect("as_strided.x", as_strided<Shape<3, 2>>(x, {8, 1}, 4));
  expect("as_strided.x", as_strided<Shape<Dyn, 2>>(x, {3, 2}, {8, 1}, 4));
  // The last element reachable is 23: one more is out of bounds.
  CHECK_NOTHROW((as_strided<Shape<3, 2>>(x, {8, 1}, 6)));
  CHECK_THROWS_AS((as_strided<Shape<3, 2>>(x, {8, 1}, 7)), shape_error);
  CHECK(error_of([&] {
          (void)as_strided<Shape<3, 2>>(x, {8, 1}, 7);
        }) ==
        "ctorch: as_strided: a view of size [3, 2] with strides [8, 1] and offset 7 reaches elements [7, 24], "
        "outside the input's elements [0, 23]");
  CHECK_THROWS_AS((as_strided<Shape<2>>(x, {-1}, 5)), value_error);
  CHECK_THROWS_AS((as_strided<Shape<2>>(x, {1}, -1)), shape_error);
  CHECK_THROWS_AS((as_strided<Shape<Dyn>>(x, {2}, {1}, 23)), shape_error);
  CHECK_NOTHROW((as_strided<Shape<Dyn>>(x, {0}, {1}, 24)));  // an empty view at the end
  // On a view: the memory it spans (here x[1], elements 12 .. 23, relative offsets 0 .. 11).
  auto x1 = select<0>(x, 1);
  auto s1 = as_strided<Shape<4>>(x1, {3}, 0);
  CHECK(Tensor<float, Shape<4>>(s1).tolist() == std::vector<float>{12, 15, 18, 21});
  CHECK_THROWS_AS((as_strided<Shape<5>>(x1, {3}, 0)), shape_error);
}
