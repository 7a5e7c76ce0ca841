// Joining and indexing ops of ctorch/ops/joining against PyTorch 1.13 (tests/golden/gen_joining.py):
// values, shapes (static where known), dtypes, and the errors PyTorch raises.
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>
#include <ctorch/ops/joining.hpp>

#include <cstdint>
#include <string>
#include <type_traits>

#include "support/fixture.hpp"
#include "support/golden_tensor.hpp"

using namespace ctorch;
using ctorch::test::check_close;
using ctorch::test::Fixture;

namespace {

const Fixture& fx() {
  static const Fixture f("joining.txt");
  return f;
}

template <class Tn>
void fill_range(Tn& t, double start) {
  for (index_t i = 0; i < t.numel(); ++i) t.data()[i] = static_cast<typename Tn::value_type>(start + double(i));
}

using A = Tensor<float, Shape<2, 3>>;
using B = Tensor<float, Shape<3, 3>>;
using C = Tensor<float, Shape<2, 4>>;
using X = Tensor<float, Shape<2, 3, 4>>;

A ta() { A t; fill_range(t, 0); return t; }
B tb() { B t; fill_range(t, 6); return t; }
C tc() { C t; fill_range(t, 100); return t; }
X tx() { X t; fill_range(t, 0); return t; }

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

TEST_CASE("cat against PyTorch") {
  const A a = ta();
  const B b = tb();
  const C c = tc();
  auto r0 = cat<0>(a, b);
  static_assert(shape_is<decltype(r0), Shape<5, 3>> && dtype_is<decltype(r0), float>);
  expect("cat.0", r0);
  auto r1 = cat<1>(a, c);
  static_assert(shape_is<decltype(r1), Shape<2, 7>>);
  expect("cat.1", r1);
  auto rn = cat<-1>(a, c.view(), a);
  static_assert(shape_is<decltype(rn), Shape<2, 10>>);
  expect("cat.neg", rn);
  Tensor<float, Shape<2, 0>> e;
  expect("cat.empty", cat<1>(a, e, a));
  expect("cat.one", cat<0>(a));
  // A lazy operand and int dtype.
  Tensor<int32_t, Shape<2, 3>> ai = cast<int32_t>(a);
  auto ri = cat<0>(ai, ai * 2);
  static_assert(dtype_is<decltype(ri), int32_t>);
  expect("cat.int", ri);
  Tensor<double, Shape<2, 3>> ad = cast<double>(a);
  auto rp = cat<0>(ai, ad + 0.5);
  static_assert(dtype_is<decltype(rp), double>);
  expect("cat.promote", rp);
  // Views as operands (narrow of a bigger tensor, transposed).
  const X x = tx();
  auto rv = cat<0>(select<0>(x, 0), select<0>(x, 1));
  static_assert(shape_is<decltype(rv), Shape<6, 4>>);
  CHECK(rv.tolist() == x.tolist());
}

TEST_CASE("cat with Dyn extents") {
  const A a = ta();
  const C c = tc();
  Tensor<float, Shape<Dyn, Dyn>> d = c;
  auto r = cat<1>(a, d);
  static_assert(shape_is<decltype(r), Shape<2, Dyn>>);
  expect("cat.1", r);
  Tensor<float, Shape<Dyn, 3>> bd = tb();
  auto r0 = cat<0>(a, bd);
  static_assert(shape_is<decltype(r0), Shape<Dyn, 3>>);
  expect("cat.0", r0);
  // Other dims must match: shape_error naming the op and both shapes.
  CHECK_THROWS_AS(cat<0>(a, d), shape_error);
  CHECK(error_of([&] { (void)cat<0>(a, d); }) ==
        "ctorch: cat: sizes of tensors must match except in dimension 0: expected size 3 but got size 4 for "
        "tensor number 1 in the list (shapes [2, 3] and [2, 4])");
  Tensor<float, Shape<Dyn, 0>> e(2);
  expect("cat.empty", cat<1>(a, e, a));
}

TEST_CASE("stack against PyTorch") {
  const A a = ta();
  auto s0 = stack<0>(a, a + 10.0f);
  static_assert(shape_is<decltype(s0), Shape<2, 2, 3>>);
  expect("stack.0", s0);
  auto s1 = stack<1>(a, a + 10.0f, a + 20.0f);
  static_assert(shape_is<decltype(s1), Shape<2, 3, 3>>);
  expect("stack.1", s1);
  auto sn = stack<-1>(a, a + 10.0f);
  static_assert(shape_is<decltype(sn), Shape<2, 3, 2>>);
  expect("stack.neg", sn);
  const X x = tx();
  auto s3 = stack<2>(x, -x);
  static_assert(shape_is<decltype(s3), Shape<2, 3, 2, 4>>);
  expect("stack.3d", s3);
  Tensor<float, Shape<Dyn, 3>> bd = tb();
  Tensor<float, Shape<Dyn, 3>> ad = a;
  auto sd = stack<0>(ad, a + 10.0f);
  static_assert(shape_is<decltype(sd), Shape<2, 2, 3>>);
  expect("stack.0", sd);
  CHECK_THROWS_AS(stack<0>(a, bd), shape_error);
  CHECK(error_of([&] { (void)stack<0>(a, bd); }) ==
        "ctorch: stack: stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [3, 3] at entry 1");
}

TEST_CASE("index_select against PyTorch") {
  const B b = tb();
  const X x = tx();
  const auto idx = from_fx<int64_t, Shape<4>>("idx");
  auto r0 = index_select<0>(b, idx);
  static_assert(shape_is<decltype(r0), Shape<4, 3>>);
  expect("index_select.0", r0);
  auto r1 = index_select<1>(x, idx);
  static_assert(shape_is<decltype(r1), Shape<2, 4, 4>>);
  expect("index_select.1", r1);
  Tensor<int64_t, Shape<2>> i2{3, 0};
  expect("index_select.neg", index_select<-1>(x, i2));
  Tensor<int64_t, Shape<Dyn>> ie(0);
  auto re = index_select<2>(x, ie);
  static_assert(shape_is<decltype(re), Shape<2, 3, Dyn>>);
  expect("index_select.empty", re);
  Tensor<float, Shape<5>> v{0, 1, 2, 3, 4};
  expect("index_select.1d", index_select<0>(v, idx));
  Tensor<int32_t, Shape<4>> idx32 = cast<int32_t>(idx);
  expect("index_select.0", index_select<0>(b * 1.0f, idx32));  // a lazy x, an int32 index
  // Out of range and negative indices: index_error naming the op, the index and the size.
  Tensor<int64_t, Shape<1>> i3{3}, im{-1};
  CHECK_THROWS_AS(index_select<0>(b, i3), index_error);
  CHECK(error_of([&] { (void)index_select<0>(b, i3); }) ==
        "ctorch: index_select: index 3 is out of bounds for dim 0 with size 3");
  CHECK(error_of([&] { (void)index_select<0>(b, im); }) ==
        "ctorch: index_select: index -1 is out of bounds for dim 0 with size 3");
}

TEST_CASE("gather against PyTorch") {
  const X x = tx();
  const auto gi = from_fx<int64_t, Shape<2, 2, 4>>("gi");
  auto g1 = gather<1>(x, gi);
  static_assert(shape_is<decltype(g1), Shape<2, 2, 4>>);
  expect("gather.1", g1);
  expect("gather.0", gather<0>(x, from_fx<int64_t, Shape<1, 2, 2>>("gi0")));
  const auto gi2 = from_fx<int64_t, Shape<Dyn, Dyn, Dyn>>("gi2");
  auto gn = gather<-1>(x, gi2);
  static_assert(shape_is<decltype(gn), Shape<Dyn, Dyn, Dyn>>);
  expect("gather.neg", gn);
  Tensor<int64_t, Shape<1, 1, 1>> i3{{{3}}}, im{{{-1}}};
  CHECK(error_of([&] { (void)gather<1>(x, i3); }) == "ctorch: gather: index 3 is out of bounds for dimension 1 with size 3");
  CHECK_THROWS_AS(gather<1>(x, im), index_error);
  Tensor<int64_t, Shape<Dyn, Dyn, Dyn>> big(1, 4, 1);
  CHECK_THROWS_AS(gather<0>(x, big), shape_error);
}

TEST_CASE("scatter and scatter_add against PyTorch") {
  const B b = tb();
  const auto si = from_fx<int64_t, Shape<2, 3>>("si");
  A src = ta();
  for (auto& v : std::span(src.data(), 6)) v = (v + 1) * 10;
  auto s0 = scatter<0>(B{}, si, src);
  static_assert(shape_is<decltype(s0), Shape<3, 3>>);
  expect("scatter.0", s0);
  expect("scatter.1", scatter<1>(b, si, src));
  Tensor<int64_t, Shape<1, 3>> si0 = narrow<0, 1>(si, 0);
  expect("scatter.value", scatter<0>(b, si0, -1.0));
  const auto ai = from_fx<int64_t, Shape<3, 3>>("ai");
  B srca;
  fill_range(srca, 1);
  expect("scatter_add.0", scatter_add<0>(b, ai, srca));
  expect("scatter_add.neg", scatter_add<-1>(b, ai, srca));
  Tensor<int64_t, Shape<2, 2>> ismall{{3, 0}, {3, 3}};
  expect("scatter_add.small", scatter_add<0>(Tensor<float, Shape<4, 3>>{}, ismall, srca));
  // In place, on the tensor itself; the input is untouched by the out-of-place forms.
  B bi = b;
  scatter_add_<0>(bi, ai, srca);
  expect("scatter_add.0", bi);
  B bs = b;
  scatter_<1>(bs, si, src);
  expect("scatter.1", bs);
  CHECK(b.tolist() == tb().tolist());
  // Errors.
  B z;
  Tensor<int64_t, Shape<1, 1>> i3{{3}};
  CHECK(error_of([&] { (void)scatter_add<0>(z, i3, srca); }) ==
        "ctorch: scatter_add: index 3 is out of bounds for dimension 0 with size 3");
  Tensor<int64_t, Shape<Dyn, Dyn>> tall(4, 1);
  CHECK_THROWS_AS(scatter<1>(z, tall, srca), shape_error);
  Tensor<int64_t, Shape<Dyn, Dyn>> wide(1, 4);
  Tensor<float, Shape<3, 5>> wsrc;
  CHECK_THROWS_AS(scatter<0>(Tensor<float, Shape<3, 5>>{}, wide, A{}), shape_error);  // src too small
  CHECK_NOTHROW(scatter<0>(Tensor<float, Shape<3, 5>>{}, wide, wsrc));
}

TEST_CASE("masked_fill against PyTorch") {
  const X x = tx();
  const auto m = from_fx<bool, Shape<3, 4>>("mask");
  auto r = masked_fill(x, m, -5.0);
  static_assert(shape_is<decltype(r), Shape<2, 3, 4>> && dtype_is<decltype(r), float>);
  expect("masked_fill.bcast", r);
  Tensor<bool, Shape<4>> mr{false, true, true, false};
  expect("masked_fill.row", masked_fill(x, mr, 7.5));
  Tensor<int32_t, Shape<2, 3, 4>> xi = cast<int32_t>(x);
  auto ri = masked_fill(xi, mr, 2.7);
  static_assert(dtype_is<decltype(ri), int32_t>);
  expect("masked_fill.int", ri);
  X xc = x;
  masked_fill_(xc, m, -5.0f);
  expect("masked_fill.bcast", xc);
  Tensor<bool, Shape<Dyn>> md(3);
  CHECK_THROWS_AS(masked_fill(x, md, 1.0), shape_error);
}

TEST_CASE("flip against PyTorch") {
  const X x = tx();
  auto f0 = flip<0>(x);
  static_assert(shape_is<decltype(f0), Shape<2, 3, 4>>);
  expect("flip.0", f0);
  expect("flip.neg", flip<-1>(x));
  expect("flip.02", flip<0, 2>(x));
  expect("flip.all", flip<2, 1, 0>(x));
  expect("flip.t", flip<1>(transpose<0, 2>(x)));
  expect("flip.neg", flip<-1>(x * 1.0f));  // a lazy operand
  Tensor<float, Shape<Dyn, 3, 4>> xd = x;
  expect("flip.02", flip<0, 2>(xd));
  Tensor<float, Shape<0, 3>> e;
  CHECK(flip<0>(e).numel() == 0);
}

TEST_CASE("tril and triu against PyTorch") {
  const B b = tb();
  const X x = tx();
  const C c = tc();
  expect("tril.0", tril(b));
  expect("tril.1", tril<1>(x));
  expect("tril.m1", tril<-1>(c));
  expect("triu.0", triu(b));
  expect("triu.2", triu<2>(x));
  expect("triu.m1", triu<-1>(c));
}
