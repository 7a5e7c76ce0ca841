// Every reduction of ctorch/ops/reduction against PyTorch 1.13 (tests/golden/gen_reduction.py):
// full and along each dim, with and without keepdim, on float32 (ties, nan, +-inf, -0.0), float64,
// int32 and bool inputs, on [7, 300] inputs that take the packet paths, and on expressions.
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>

#include <limits>
#include <string>
#include <utility>

#include "support/fixture.hpp"

using namespace ctorch;
using ctorch::test::check_close;
using ctorch::test::Fixture;

namespace {

const Fixture& fx() {
  static const Fixture f("reduction.txt");
  return f;
}

// Calls f.template operator()<D>() for D = 0 .. N-1.
template <int N, class F>
void for_dims(F&& f) {
  [&]<int... D>(std::integer_sequence<int, D...>) {
    (f.template operator()<D>(), ...);
  }
  (std::make_integer_sequence<int, N>{});
}

// The elements of a contiguous CPU tensor (Tensor<bool>::tolist() cannot use std::vector<bool>).
template <class Tns>
auto values(const Tns& t) {
  using T = typename Tns::value_type;
  using V = std::conditional_t<std::is_same_v<T, bool>, int, T>;
  return std::vector<V>(t.data(), t.data() + t.numel());
}

struct Tol {
  double rtol, atol;
};

// Compares a result tensor with a golden entry: values, dtype and shape.
template <class Tns>
void check(const Tns& got, const std::string& key, Tol tol) {
  INFO(key);
  const auto& g = fx()[key];
  using T = typename Tns::value_type;
  CHECK(g.dtype == std::string(dtype_name<T>()).substr(6));  // "torch.float32" -> "float32"
  const auto sizes = got.sizes();
  REQUIRE(sizes.size() == g.shape.size());
  for (std::size_t i = 0; i < sizes.size(); ++i) CHECK(sizes[i] == g.shape[i]);
  check_close(values(got), g, tol.rtol, tol.atol, key);
}

// keepdim: the shape has a static 1 at dim D and the values equal the plain result's.
template <int D, class Keep, class Plain>
void check_keepdim(const Keep& k, const Plain& p) {
  static_assert(Keep::shape_type::static_extents[D] == 1);
  static_assert(Keep::rank == Plain::rank + 1);
  CHECK(k.size(D) == 1);
  const auto kv = values(k), pv = values(p);
  REQUIRE(kv.size() == pv.size());
  for (std::size_t i = 0; i < kv.size(); ++i) {
    const bool same = kv[i] == pv[i] || (kv[i] != kv[i] && pv[i] != pv[i]);
    CHECK_MESSAGE(same, "keepdim differs at " << i);
  }
}

// All float reductions of x (rank R) against the entries "<name>.<op>.all" / "<name>.<op>.d<D>".
// With big, only sum and argmax are checked along dim 0 (the fixture stays small).
template <class X>
void check_float(const X& x, const std::string& name, Tol tol, bool big) {
  constexpr int R = int(X::rank);
  using T = typename X::value_type;
  const Tol exact{0, 0};
  auto key = [&](const char* op, int d) { return name + "." + op + (d < 0 ? ".all" : ".d" + std::to_string(d)); };

  check(sum(x), key("sum", -1), tol);
  check(mean(x), key("mean", -1), tol);
  if (!big) check(prod(x), key("prod", -1), tol);
  check(amax(x), key("amax", -1), exact);
  check(amin(x), key("amin", -1), exact);
  check(max(x), key("max.values", -1), exact);
  check(min(x), key("min.values", -1), exact);
  check(argmax(x), key("argmax", -1), exact);
  check(argmin(x), key("argmin", -1), exact);
  check(var(x), key("var", -1), tol);
  check(var(x, false), key("var0", -1), tol);
  check(ctorch::std(x), key("std", -1), tol);
  check(ctorch::std(x, false), key("std0", -1), tol);
  check(norm(x), key("norm2", -1), tol);
  check(norm(x, 1), key("norm1", -1), tol);
  check(norm(x, std::numeric_limits<double>::infinity()), key("norminf", -1), tol);
  check(norm(x, -std::numeric_limits<double>::infinity()), key("normninf", -1), tol);
  check(norm(x, 0), key("norm0", -1), tol);
  check(norm(x, 3), key("norm3", -1), tol);
  check(norm(x, 0.5), key("norm0.5", -1), tol);
  check(all(x), key("all", -1), exact);
  check(any(x), key("any", -1), exact);

  for_dims<R>([&]<int D>() {
    constexpr int N = D - R;  // the same dim, counted from the end
    check(sum<D>(x), key("sum", D), tol);
    check(argmax<D>(x), key("argmax", D), exact);
    check_keepdim<D>(sum<N, true>(x), sum<D>(x));
    check_keepdim<D>(argmax<D, true>(x), argmax<N>(x));
    if (big && D == 0) return;
    check(mean<D>(x), key("mean", D), tol);
    check_keepdim<D>(mean<N, true>(x), mean<D>(x));
    if (!big) check(prod<D>(x), key("prod", D), tol);
    if (!big) check_keepdim<D>(prod<D, true>(x), prod<N>(x));
    check(amax<D>(x), key("amax", D), exact);
    check(amin<N>(x), key("amin", D), exact);
    check_keepdim<D>(amax<D, true>(x), amax<N>(x));
    check(argmin<N>(x), key("argmin", D), exact);
    const auto mx = max<D>(x);
    static_assert(std::is_same_v<typename std::remove_cvref_t<decltype(mx.indices)>::value_type, std::int64_t>);
    check(mx.values, key("max.values", D), exact);
    check(mx.indices, key("max.indices", D), exact);
    const auto [mk, ik] = max<N, true>(x);
    check_keepdim<D>(mk, mx.values);
    check_keepdim<D>(ik, mx.indices);
    const auto mn = min<N>(x);
    check(mn.values, key("min.values", D), exact);
    check(mn.indices, key("min.indices", D), exact);
    check(var<D>(x), key("var", D), tol);
    check(var<N>(x, false), key("var0", D), tol);
    check_keepdim<D>(var<D, true>(x), var<N>(x));
    check(ctorch::std<D>(x), key("std", D), tol);
    check(ctorch::std<D>(x, false), key("std0", D), tol);
    check_keepdim<D>(ctorch::std<D, true>(x, false), ctorch::std<N>(x, false));
    check(norm<D>(x), key("norm2", D), tol);
    check(norm<D>(x, 1), key("norm1", D), tol);
    check(norm<N>(x, std::numeric_limits<double>::infinity()), key("norminf", D), tol);
    check(norm<D>(x, -std::numeric_limits<double>::infinity()), key("normninf", D), tol);
    check(norm<D>(x, 0), key("norm0", D), tol);
    check(norm<D>(x, 3), key("norm3", D), tol);
    check(norm<D>(x, 0.5), key("norm0.5", D), tol);
    check_keepdim<D>(norm<D, true>(x, 3), norm<N>(x, 3));
    check(logsumexp<D>(x), key("logsumexp", D), tol);
    check_keepdim<D>(logsumexp<N, true>(x), logsumexp<D>(x));
    check(all<D>(x), key("all", D), exact);
    check(any<N>(x), key("any", D), exact);
    check_keepdim<D>(any<D, true>(x), any<D>(x));
    if (!big) {
      check(cumsum<D>(x), key("cumsum", D), tol);
      static_assert(std::is_same_v<decltype(cumsum<N>(x)), Tensor<T, typename X::shape_type>>);
      if constexpr (std::is_same_v<T, float>) check(cumprod<N>(x), key("cumprod", D), tol);
    }
  });
}

// [7, 300] from the formula the generator uses: ((i * mul + add) % 2001 - 1000) / 1000.
template <class T, class S>
Tensor<T, S> formula(index_t mul = 7919, index_t add = 13) {
  Tensor<T, S> t;
  for (index_t i = 0; i < t.numel(); ++i) t.data()[i] = T(((i * mul + add) % 2001) - 1000) / T(1000);
  return t;
}

}  // namespace

// float32 tolerances: the sums here have at most 2100 terms of magnitude <= 2, so PyTorch's and our
// summation orders differ by a few float32 roundings of partial sums (|sum| <= ~1000, eps 6e-8).
TEST_CASE("reduction golden: float32 [3, 4, 5] with ties, nan, +-inf and -0.0") {
  Tensor<float, Shape<3, 4, 5>> x;
  ctorch::test::load(x, fx()["f32"]);
  check_float(x, "f32", {2e-6, 1e-6}, false);
}

TEST_CASE("reduction golden: float64 [3, 4, 5]") {
  Tensor<double, Shape<3, 4, 5>> x;
  ctorch::test::load(x, fx()["f64"]);
  check_float(x, "f64", {1e-13, 1e-14}, false);
}

TEST_CASE("reduction golden: [7, 300] takes the packet paths") {
  check_float(formula<float, Shape<7, 300>>(), "big32", {2e-6, 2e-5}, true);
  check_float(formula<double, Shape<7, 300>>(), "big64", {1e-13, 1e-12}, true);
  // The same values with a Dyn batch extent.
  const auto s = formula<float, Shape<7, 300>>();
  Tensor<float, Shape<Dyn, 300>> d(7);
  d.view() = s;
  check(sum<1>(d), "big32.sum.d1", {2e-6, 2e-5});
  check(var(d), "big32.var.all", {2e-6, 2e-5});
  check(argmax<0>(d), "big32.argmax.d0", {0, 0});
}

TEST_CASE("reduction golden: reductions of expressions and views") {
  Tensor<float, Shape<3, 4, 5>> a, y;
  ctorch::test::load(a, fx()["a32"]);
  ctorch::test::load(y, fx()["y32"]);
  const Tol tol{2e-6, 1e-6}, exact{0, 0};
  const auto t = transpose<0, 2>(y);  // [5, 4, 3], strided
  check(sum(a * y), "mul.sum.all", tol);
  check(sum(t), "t02.sum.all", tol);
  check(argmax(t), "t02.argmax.all", exact);  // positions in t's (transposed) row-major order
  check(var(t), "t02.var.all", tol);
  check(cumsum<0>(t), "t02.cumsum.all", tol);
  check(max<0>(t).indices, "t02.max.indices.all", exact);
  check(logsumexp<0>(a * y), "mul.logsumexp.all", tol);
  for_dims<3>([&]<int D>() {
    const std::string d = ".d" + std::to_string(D);
    check(sum<D>(a * y), "mul.sum" + d, tol);
    check(sum<D>(t), "t02.sum" + d, tol);
    check(argmax<D>(t), "t02.argmax" + d, exact);
    check(var<D>(t), "t02.var" + d, tol);
    check(cumsum<D>(t), "t02.cumsum" + d, tol);
    check(max<D>(t).indices, "t02.max.indices" + d, exact);
    check(logsumexp<D>(a * y), "mul.logsumexp" + d, tol);
  });

  const auto big = formula<float, Shape<7, 300>>();
  const auto w = formula<float, Shape<300>>(104729, 7);
  const Tol btol{2e-6, 2e-5};
  check(sum<1>(big * w), "bigrow.sum.d1", btol);  // w broadcast along rows: the row packet path
  check(sum<0>(big * w), "bigrow.sum.d0", btol);
  check(sum(big * w), "bigrow.sum.all", btol);
  check(norm<-1>(big * w), "bigrow.norm2.d1", btol);
  const auto bt = transpose<0, 1>(big);  // [300, 7], strided
  check(sum<1>(bt), "bigT.sum.d1", btol);
  check(amax(bt), "bigT.amax.all", exact);
  check(ctorch::std(bt), "bigT.std.all", btol);
}

TEST_CASE("reduction golden: int32 and bool inputs follow PyTorch's dtype rules") {
  Tensor<std::int32_t, Shape<3, 4, 5>> i;
  Tensor<bool, Shape<3, 4, 5>> b;
  ctorch::test::load(i, fx()["i32"]);
  ctorch::test::load(b, fx()["b8"]);
  const Tol exact{0, 0}, ftol{2e-6, 1e-6};
  auto run = [&](const auto& x, const std::string& name) {
    using T = typename std::remove_cvref_t<decltype(x)>::value_type;
    static_assert(std::is_same_v<typename decltype(sum(x))::value_type, std::int64_t>);
    static_assert(std::is_same_v<typename decltype(prod(x))::value_type, std::int64_t>);
    static_assert(std::is_same_v<typename decltype(amax(x))::value_type, T>);
    static_assert(std::is_same_v<typename decltype(all(x))::value_type, bool>);
    static_assert(std::is_same_v<typename decltype(cumsum<0>(x))::value_type, std::int64_t>);
    static_assert(std::is_same_v<typename decltype(logsumexp<0>(x))::value_type, float>);
    check(sum(x), name + ".sum.all", exact);
    check(prod(x), name + ".prod.all", exact);
    check(amax(x), name + ".amax.all", exact);
    check(amin(x), name + ".amin.all", exact);
    check(all(x), name + ".all.all", exact);
    check(any(x), name + ".any.all", exact);
    if constexpr (!std::is_same_v<T, bool>) {
      check(argmax(x), name + ".argmax.all", exact);
      check(argmin(x), name + ".argmin.all", exact);
    }
    for_dims<3>([&]<int D>() {
      const std::string d = ".d" + std::to_string(D);
      check(sum<D>(x), name + ".sum" + d, exact);
      check(prod<D>(x), name + ".prod" + d, exact);
      check(amax<D>(x), name + ".amax" + d, exact);
      check(amin<D>(x), name + ".amin" + d, exact);
      check(all<D>(x), name + ".all" + d, exact);
      check(any<D>(x), name + ".any" + d, exact);
      check(cumsum<D>(x), name + ".cumsum" + d, exact);
      check(cumprod<D>(x), name + ".cumprod" + d, exact);
      check(logsumexp<D>(x), name + ".logsumexp" + d, ftol);
      const auto m = max<D>(x);
      check(m.values, name + ".max.values" + d, exact);
      check(m.indices, name + ".max.indices" + d, exact);
      if constexpr (!std::is_same_v<T, bool>) {
        check(argmax<D>(x), name + ".argmax" + d, exact);
        check(argmin<D>(x), name + ".argmin" + d, exact);
      }
    });
  };
  run(i, "i32");
  run(b, "b8");
}
