// Every view op of ctorch/ops/view against PyTorch 1.13 (tests/golden/gen_view.py): the values, the
// shape, the storage offset and the strides of each view of x = arange(24).reshape(2, 3, 4), and the base
// after the view is filled with -1 (a write through the view is seen by the base, exactly where
// PyTorch's is). Then expressions over views (fused: views are expression leaves).
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>
#include <ctorch/ops/view.hpp>

#include <string>
#include <vector>

#include "support/fixture.hpp"

using namespace ctorch;
using ctorch::test::check_close;
using ctorch::test::Fixture;

namespace {

const Fixture& fx() {
  static const Fixture f("view.txt");
  return f;
}

using X = Tensor<float, Shape<2, 3, 4>>;

X base() {
  X x;
  for (int i = 0; i < 24; ++i) x.data()[i] = float(i);
  return x;
}

// Checks f(x) against the entries key, key.meta and key.write.
template <class F>
void check_case(const std::string& key, F&& f) {
  INFO(key);
  X x = base();
  auto v = f(x);
  const auto& g = fx()[key];
  const auto sizes = v.sizes();
  REQUIRE(sizes.size() == g.shape.size());
  for (std::size_t i = 0; i < sizes.size(); ++i) CHECK(sizes[i] == g.shape[i]);
  check_close(contiguous(v).tolist(), g, 0, 0, key);
  const auto& meta = fx()[key + ".meta"];
  REQUIRE(meta.values.size() == sizes.size() + 1);
  CHECK(v.data() - x.data() == index_t(meta.values[0]));
  for (std::size_t i = 0; i < sizes.size(); ++i) CHECK(v.strides()[i] == index_t(meta.values[i + 1]));
  v.fill_(-1.0f);
  check_close(x.tolist(), fx()[key + ".write"], 0, 0, key + ".write");
}

template <class V, class S>
constexpr bool shape_is = std::is_same_v<typename V::shape_type, S>;

}  // namespace

TEST_CASE("view ops: view and reshape against PyTorch") {
  check_case("view.infer", [](X& x) {
    auto v = view<Shape<Infer, 4>>(x);
    static_assert(shape_is<decltype(v), Shape<6, 4>>);
    return v;
  });
  check_case("view.static", [](X& x) { return view<2, 12>(x); });
  check_case("view.strided", [](X& x) { return view<3, 2, 2, 2>(transpose<0, 1>(x)); });
  check_case("view.flat", [](X& x) { return view<Shape<24>>(x); });
  check_case("reshape.infer", [](X& x) {
    auto v = reshape<4, -1>(x);
    static_assert(shape_is<decltype(v), Shape<4, 6>>);
    return v;
  });
}

TEST_CASE("view ops: flatten, squeeze, unsqueeze against PyTorch") {
  check_case("flatten.all", [](X& x) {
    auto v = flatten(x);
    static_assert(shape_is<decltype(v), Shape<24>>);
    return v;
  });
  check_case("flatten.1", [](X& x) { return flatten<1>(x); });
  check_case("flatten.01", [](X& x) {
    auto v = flatten<0, 1>(x);
    static_assert(shape_is<decltype(v), Shape<6, 4>>);
    return v;
  });
  check_case("squeeze.dim", [](X& x) {
    auto v = squeeze<1>(view<2, 1, 3, 4>(x));
    static_assert(shape_is<decltype(v), Shape<2, 3, 4>>);
    return v;
  });
  check_case("squeeze.all", [](X& x) {
    auto v = squeeze(view<1, 2, 1, 3, 4>(x));
    static_assert(shape_is<decltype(v), Shape<2, 3, 4>>);
    return v;
  });
  check_case("unsqueeze.0", [](X& x) { return unsqueeze<0>(x); });
  check_case("unsqueeze.neg", [](X& x) {
    auto v = unsqueeze<-1>(x);
    static_assert(shape_is<decltype(v), Shape<2, 3, 4, 1>>);
    return v;
  });
  check_case("unsqueeze.t", [](X& x) { return unsqueeze<1>(transpose<0, 2>(x)); });
}

TEST_CASE("view ops: permute, movedim, expand against PyTorch") {
  check_case("permute.201", [](X& x) {
    auto v = permute<2, 0, 1>(x);
    static_assert(shape_is<decltype(v), Shape<4, 2, 3>>);
    return v;
  });
  check_case("permute.neg", [](X& x) { return permute<-1, 0, 1>(x); });
  check_case("movedim.0to-1", [](X& x) {
    auto v = movedim<0, -1>(x);
    static_assert(shape_is<decltype(v), Shape<3, 4, 2>>);
    return v;
  });
  check_case("movedim.2to0", [](X& x) { return movedim<2, 0>(x); });
  check_case("movedim.1to2", [](X& x) { return movedim<1, 2>(x); });
  check_case("expand.new", [](X& x) {
    auto v = expand<Shape<5, 2, 3, 4>>(x);
    static_assert(shape_is<decltype(v), Shape<5, 2, 3, 4>>);
    return v;
  });
  check_case("expand.keep", [](X& x) {
    auto v = expand<-1, -1, 4>(narrow<2, 1>(x, 1));
    static_assert(shape_is<decltype(v), Shape<2, 3, 4>>);
    return v;
  });
}

TEST_CASE("view ops: narrow, select against PyTorch") {
  check_case("narrow.1", [](X& x) {
    auto v = narrow<1, 2>(x, 1);
    static_assert(shape_is<decltype(v), Shape<2, 2, 4>>);
    return v;
  });
  check_case("narrow.neg", [](X& x) {
    auto v = narrow<2>(x, -3, 2);  // run-time length
    static_assert(shape_is<decltype(v), Shape<2, 3, Dyn>>);
    return v;
  });
  check_case("select.0", [](X& x) {
    auto v = select<0>(x, 1);
    static_assert(shape_is<decltype(v), Shape<3, 4>>);
    return v;
  });
  check_case("select.neg", [](X& x) { return select<1>(x, -1); });
  check_case("select.2", [](X& x) { return select<-1>(x, 0); });
}

TEST_CASE("view ops: diagonal, unfold, a chain against PyTorch") {
  check_case("diagonal.main", [](X& x) {
    auto v = diagonal(x);
    static_assert(shape_is<decltype(v), Shape<4, 2>>);
    return v;
  });
  check_case("diagonal.up", [](X& x) {
    auto v = diagonal<1, 1, 2>(x);
    static_assert(shape_is<decltype(v), Shape<2, 3>>);
    return v;
  });
  check_case("diagonal.down", [](X& x) {
    auto v = diagonal<-1, 1, 2>(x);
    static_assert(shape_is<decltype(v), Shape<2, 2>>);
    return v;
  });
  check_case("diagonal.mixed", [](X& x) {
    auto v = diagonal<2, -1, 0>(x);
    static_assert(shape_is<decltype(v), Shape<3, 0>>);
    return v;
  });
  check_case("diagonal.empty", [](X& x) { return diagonal<5, 1, 2>(x); });
  check_case("unfold.2", [](X& x) {
    auto v = unfold<2, 2, 1>(x);
    static_assert(shape_is<decltype(v), Shape<2, 3, 3, 2>>);
    return v;
  });
  check_case("unfold.step", [](X& x) {
    auto v = unfold<1, 2, 2>(x);
    static_assert(shape_is<decltype(v), Shape<2, 1, 4, 2>>);
    return v;
  });
  check_case("unfold.0", [](X& x) { return unfold<0, 2, 1>(x); });
  check_case("chain", [](X& x) {
    auto v = unsqueeze<0>(select<2>(narrow<0, 2>(permute<2, 0, 1>(x), 1), -1));
    static_assert(shape_is<decltype(v), Shape<1, 2, 2>>);
    return v;
  });
}

TEST_CASE("view ops: expressions over views fuse and match PyTorch") {
  const X x = base();
  Tensor<float, Shape<3, 1>> y{{0}, {1}, {2}};
  Tensor<float, Shape<4, 2, 3>> e1 = permute<2, 0, 1>(x) * 0.5f + expand<Shape<4, 2, 3>>(squeeze<1>(y));
  check_close(e1.tolist(), fx()["expr.perm_expand"], 1e-6, 0, "expr.perm_expand");
  Tensor<float, Shape<2, 3>> e2 = diagonal<0, 1, 2>(x) * select<2>(x, 0) - 1.0f;
  check_close(e2.tolist(), fx()["expr.diag_select"], 1e-6, 0, "expr.diag_select");
  Tensor<float, Shape<2, 3, 4>> e3 = tanh(x / 10.0f) - expand_as(y, x);
  check_close(e3.tolist(), fx()["expr.expand_as"], 1e-6, 1e-7, "expr.expand_as");
  const auto e4 = sum<-1>(unfold<2, 2, 1>(x));
  static_assert(shape_is<decltype(e4), Shape<2, 3, 3>>);
  check_close(e4.tolist(), fx()["expr.unfold_sum"], 1e-6, 0, "expr.unfold_sum");
}
