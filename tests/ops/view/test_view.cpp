// Tests of ctorch/ops/view beyond the golden values: Dyn extents, run-time errors (shape_error,
// index_error, with PyTorch's messages), the overload set (const views from const tensors, no view of
// a temporary), contiguous, and writes through views.
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>
#include <ctorch/ops/view.hpp>

#include <type_traits>
#include <utility>

using namespace ctorch;

namespace {
using X = Tensor<float, Shape<2, 3, 4>>;
X iota() {
  X x;
  for (int i = 0; i < 24; ++i) x.data()[i] = float(i);
  return x;
}
template <class V, class S>
constexpr bool shape_is = std::is_same_v<typename V::shape_type, S>;

// Whether a view op accepts a T (used with a Tensor rvalue: it must not).
template <class T>
concept permutable = requires(T&& t) {
  permute<1, 0>(std::forward<T>(t));
};
template <class T>
concept viewable = requires(T&& t) {
  view<Shape<Infer>>(std::forward<T>(t));
};
template <class T>
concept selectable = requires(T&& t) {
  select<0>(std::forward<T>(t), 0);
};
}  // namespace

TEST_CASE("view ops: constness follows the source; no view of a temporary") {
  X x = iota();
  const X& cx = x;
  static_assert(std::is_same_v<decltype(permute<1, 0, 2>(x)), TensorView<float, Shape<3, 2, 4>>>);
  static_assert(std::is_same_v<decltype(permute<1, 0, 2>(cx)), TensorView<const float, Shape<3, 2, 4>>>);
  static_assert(std::is_same_v<decltype(select<0>(narrow<1, 2>(cx, 0), 1)), TensorView<const float, Shape<2, 4>>>);
  using M = Tensor<float, Shape<2, 3>>;
  static_assert(permutable<M&> && permutable<const M&> && !permutable<M&&> && !permutable<M>);
  static_assert(viewable<M&> && !viewable<M&&>);
  static_assert(selectable<M&> && !selectable<M&&>);
  CHECK(permute<1, 0, 2>(cx).data() == x.data());
}

TEST_CASE("view ops: view/reshape with Dyn extents and their errors") {
  Tensor<float, Shape<Dyn, 4>> y(6);
  for (int i = 0; i < 24; ++i) y.data()[i] = float(i);
  auto a = view<Shape<Infer, 2>>(y);  // inferred at run time
  static_assert(shape_is<decltype(a), Shape<Dyn, 2>>);
  CHECK(a.size(0) == 12);
  auto b = view<Shape<Dyn, Dyn>>(y, 3, -1);  // run-time extents, one inferred
  CHECK(b.size(1) == 8);
  CHECK(b.at(2, 7) == 23.0f);
  auto c = reshape<Shape<4, 6>>(y);  // static result from a Dyn source
  static_assert(shape_is<decltype(c), Shape<4, 6>>);
  CHECK(c.at(3, 5) == 23.0f);
  CHECK_THROWS_WITH_AS((view<Shape<5, 5>>(y)), "ctorch: view: shape '[5, 5]' is invalid for input of size 24",
                       shape_error);
  CHECK_THROWS_WITH_AS((view<Shape<Dyn, 5>>(y)), "ctorch: view: shape '[-1, 5]' is invalid for input of size 24",
                       shape_error);
  CHECK_THROWS_WITH_AS((view<Shape<Dyn, Dyn>>(y, -1, -1)), "ctorch: view: only one dimension can be inferred",
                       shape_error);
  // Non-contiguous sources: view throws like PyTorch; reshape never copies, so it throws too.
  X x = iota();
  CHECK_THROWS_WITH_AS((view<24>(transpose<0, 1>(x))), doctest::Contains("view size is not compatible"), shape_error);
  CHECK_THROWS_WITH_AS((reshape<-1>(permute<2, 0, 1>(x))), doctest::Contains("ctorch: reshape:"), shape_error);
  CHECK_THROWS_AS((flatten(transpose<1, 2>(x))), shape_error);
  auto cp = contiguous(permute<2, 0, 1>(x));  // a Tensor: reshape of it is a view again
  Tensor<float, Shape<24>> flat = reshape<-1>(cp);
  CHECK(flat(1) == 4.0f);  // permuted order: x[0, 1, 0]
  auto f = flatten(y);
  static_assert(shape_is<decltype(f), Shape<Dyn>>);
  CHECK(f.size(0) == 24);
}

TEST_CASE("view ops: squeeze keeps Dyn dims; unsqueeze and flatten of Dyn") {
  Tensor<float, Shape<Dyn, 1, 3>> z(1);
  auto s = squeeze(z);
  static_assert(shape_is<decltype(s), Shape<Dyn, 3>>);
  CHECK(s.size(0) == 1);
  auto u = unsqueeze<0>(s);
  static_assert(shape_is<decltype(u), Shape<1, Dyn, 3>>);
  CHECK(u.stride(0) == 3);
  auto fl = flatten<1, 2>(u);
  static_assert(shape_is<decltype(fl), Shape<1, Dyn>>);
  CHECK(fl.size(1) == 3);
}

TEST_CASE("view ops: narrow and select check bounds") {
  X x = iota();
  CHECK(narrow<2, 0>(x, 4).numel() == 0);
  CHECK(narrow<2>(x, -4, 4).at(1, 2, 3) == 23.0f);
  CHECK_THROWS_WITH_AS((narrow<2, 2>(x, 3)), "ctorch: narrow: start (3) + length (2) exceeds dimension size (4)",
                       index_error);
  CHECK_THROWS_AS((narrow<2>(x, 5, 0)), index_error);
  CHECK_THROWS_AS((narrow<2>(x, -5, 1)), index_error);
  CHECK_THROWS_AS((narrow<2>(x, 0, -1)), index_error);
  CHECK(select<1>(x, -3).at(1, 0) == 12.0f);
  CHECK_THROWS_WITH_AS((select<1>(x, 3)),
                       "ctorch: select: index 3 out of range for tensor of size [2, 3, 4] at dimension 1", index_error);
  CHECK_THROWS_AS((select<1>(x, -4)), index_error);
  Tensor<float, Shape<Dyn>> v(3);
  auto s0 = select<0>(v, 2);
  static_assert(shape_is<decltype(s0), Shape<>>);
  s0 = 7.0f;
  CHECK(v.at(2) == 7.0f);
}

TEST_CASE("view ops: expand with Dyn extents, expand_as, and their errors") {
  Tensor<float, Shape<Dyn, 1>> c{{1}, {2}, {3}};
  auto e = expand<Shape<2, Dyn, 4>>(c);  // Dyn keeps c's extent
  static_assert(shape_is<decltype(e), Shape<2, Dyn, 4>>);
  CHECK(e.size(1) == 3);
  CHECK(e.strides() == std::array<index_t, 3>{0, 1, 0});
  CHECK(e.at(1, 2, 3) == 3.0f);
  auto r = expand<Shape<Dyn, Dyn>>(c, -1, 5);  // run-time extents
  CHECK(r.size(1) == 5);
  CHECK_THROWS_WITH_AS((expand<Shape<Dyn, Dyn>>(c, 4, 5)),
                       "ctorch: expand: the expanded size of the tensor (4) must match the existing size (3) at "
                       "non-singleton dimension 0.  Target sizes: [4, 5].  Tensor sizes: [3, 1]",
                       shape_error);
  CHECK_THROWS_AS((expand<Shape<Dyn, Dyn, 2>>(c, -1, -1)), shape_error);  // -1 in a new leading dim
  Tensor<float, Shape<Dyn, 6>> big(3);
  auto ea = expand_as(c, big);
  static_assert(shape_is<decltype(ea), Shape<Dyn, 6>>);
  CHECK(ea.at(2, 5) == 3.0f);
  Tensor<float, Shape<Dyn, 6>> wrong(4);
  CHECK_THROWS_AS((expand_as(c, wrong)), shape_error);
  ea.fill_(9.0f);  // writes through the expanded view land in c
  CHECK(c.at(0, 0) == 9.0f);
  CHECK(c.at(2, 0) == 9.0f);
}

TEST_CASE("view ops: unfold and diagonal with Dyn extents") {
  Tensor<float, Shape<Dyn>> v(5);
  for (int i = 0; i < 5; ++i) v.data()[i] = float(i);
  auto u = unfold<0, 2, 2>(v);
  static_assert(shape_is<decltype(u), Shape<Dyn, 2>>);
  CHECK(u.size(0) == 2);
  CHECK(u.at(1, 1) == 3.0f);
  CHECK_THROWS_WITH_AS((unfold<0, 6, 1>(v)),
                       "ctorch: unfold: maximum size for tensor at dimension 0 is 5 but size is 6", shape_error);
  Tensor<float, Shape<Dyn, 3>> m(4);
  for (int i = 0; i < 12; ++i) m.data()[i] = float(i);
  auto d = diagonal<-1>(m);
  static_assert(shape_is<decltype(d), Shape<Dyn>>);
  CHECK(d.size(0) == 3);
  CHECK(d.at(2) == 11.0f);  // m[3, 2]
}

TEST_CASE("view ops: contiguous copies a view, aliases a tensor lvalue, moves a tensor rvalue") {
  X x = iota();
  auto p = permute<2, 0, 1>(x);
  auto c = contiguous(p);
  static_assert(std::is_same_v<decltype(c), Tensor<float, Shape<4, 2, 3>>>);
  CHECK(c.data() != x.data());
  CHECK(c(0, 1, 0) == 12.0f);
  c(0, 1, 0) = -5.0f;
  CHECK(x(1, 0, 0) == 12.0f);  // a copy
  auto self = contiguous(x);
  static_assert(std::is_same_v<decltype(self), TensorView<float, Shape<2, 3, 4>>>);
  CHECK(self.data() == x.data());
  const float* before = x.data();
  X moved = contiguous(std::move(x));
  CHECK(moved.data() == before);
}

TEST_CASE("view ops: assigning an expression through a view writes the base") {
  X x = iota();
  select<2>(x, 0) = select<2>(x, 1) * 10.0f;  // x[:, :, 0] = x[:, :, 1] * 10
  CHECK(x(1, 2, 0) == 210.0f);
  CHECK(x(1, 2, 1) == 21.0f);
  diagonal<0, 1, 2>(x) = 0.0f;
  CHECK(x(1, 2, 2) == 0.0f);
  CHECK(x(1, 2, 3) == 23.0f);
  movedim<0, 2>(x) = movedim<0, 2>(x) + 1.0f;  // same layout on both sides: in place
  CHECK(x(0, 0, 3) == 4.0f);
}
