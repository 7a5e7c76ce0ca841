// ctorch/ops/creation beyond the values: result types (dtype, static/Dyn shape, device), run-time extents,
// the *_like ops, the Dims spellings, and the errors (value_error, shape_error) with their messages.
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

using namespace ctorch;

namespace {
// The message of the exception E that f throws ("" if none).
template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("creation: result types") {
  static_assert(std::is_same_v<decltype(zeros<float, Shape<2, 3>>()), Tensor<float, Shape<2, 3>, Cpu>>);
  static_assert(std::is_same_v<decltype(zeros<float, Shape<Dyn, 3>>(4)), Tensor<float, Shape<Dyn, 3>, Cpu>>);
  static_assert(std::is_same_v<decltype(full<double, Shape<4>>(2.5)), Tensor<double, Shape<4>, Cpu>>);
  static_assert(std::is_same_v<decltype(eye<float, 3>()), Tensor<float, Shape<3, 3>, Cpu>>);
  static_assert(std::is_same_v<decltype(eye<float, Dyn>(3)), Tensor<float, Shape<Dyn, Dyn>, Cpu>>);
  static_assert(std::is_same_v<decltype(eye<float, 3, Dyn>(2)), Tensor<float, Shape<3, Dyn>, Cpu>>);
  static_assert(std::is_same_v<decltype(arange<std::int64_t>(5)), Tensor<std::int64_t, Shape<Dyn>, Cpu>>);
  static_assert(std::is_same_v<decltype(linspace<float, 5>(0, 1)), Tensor<float, Shape<5>, Cpu>>);
  static_assert(std::is_same_v<decltype(linspace<float>(0, 1, 5)), Tensor<float, Shape<Dyn>, Cpu>>);
  static_assert(std::is_same_v<decltype(logspace<double, 3>(0, 1)), Tensor<double, Shape<3>, Cpu>>);
  static_assert(std::is_same_v<decltype(logspace<double>(0, 1, 3)), Tensor<double, Shape<Dyn>, Cpu>>);
  CHECK(true);
}

TEST_CASE("creation: zeros, ones, full, empty with run-time extents") {
  auto z = zeros<float, Shape<Dyn, 3>>(4);
  CHECK(z.size(0) == 4);
  CHECK(z.size(1) == 3);
  for (float v : z.tolist()) CHECK(v == 0.0f);

  auto o = ones<std::int32_t, Shape<2, Dyn, Dyn>>(3, 5);
  CHECK(o.numel() == 30);
  for (auto v : o.tolist()) CHECK(v == 1);

  auto f = full<float, Shape<Dyn, 2>>(3, 1.5);
  CHECK(f.size(0) == 3);
  for (float v : f.tolist()) CHECK(v == 1.5f);
  auto fi = full<std::int64_t, Shape<2>>(2.9);  // converted to the dtype
  CHECK(fi(0) == 2);
  auto fb = full<bool, Shape<3>>(true);
  CHECK(fb(2));

  auto e = empty<double, Shape<Dyn>>(7);
  CHECK(e.numel() == 7);
  for (double v : e.tolist()) CHECK(v == 0.0);  // ctorch's empty is zero-filled

  auto none = zeros<float, Shape<Dyn, 4>>(0);
  CHECK(none.numel() == 0);

  // The Dims spelling.
  auto d = zeros<float, Shape<Dyn, 3>>(Dims<Shape<Dyn, 3>>(2));
  CHECK(d.size(0) == 2);
  auto fd = full<float, Shape<Dyn>>(Dims<Shape<Dyn>>(3), 4.0f);
  CHECK(fd(2) == 4.0f);
}

TEST_CASE("creation: negative extents throw") {
  CHECK(message_of<shape_error>([] { (void)zeros<float, Shape<Dyn, 3>>(-1); }) ==
        "ctorch: zeros: a dynamic extent must be non-negative, got -1");
  CHECK(message_of<shape_error>([] { (void)full<float, Shape<Dyn>>(-2, 1.0); }) ==
        "ctorch: full: a dynamic extent must be non-negative, got -2");
  CHECK(message_of<value_error>([] { (void)eye<float, Dyn>(-3); }) == "ctorch: eye: n and m must be >= 0, got -3");
  CHECK(message_of<value_error>([] { (void)eye<float, 2, Dyn>(-1); }) == "ctorch: eye: n and m must be >= 0, got -1");
}

TEST_CASE("creation: *_like") {
  Tensor<float, Shape<Dyn, 3>> x(2);
  x.fill_(5.0f);
  auto z = zeros_like(x);
  static_assert(std::is_same_v<decltype(z), Tensor<float, Shape<Dyn, 3>, Cpu>>);
  CHECK(z.size(0) == 2);
  for (float v : z.tolist()) CHECK(v == 0.0f);

  auto o = ones_like<std::int64_t>(x);
  static_assert(std::is_same_v<decltype(o), Tensor<std::int64_t, Shape<Dyn, 3>, Cpu>>);
  CHECK(o.numel() == 6);
  for (auto v : o.tolist()) CHECK(v == 1);

  auto f = full_like(x.view(), -2.5);
  CHECK(f.size(0) == 2);
  for (float v : f.tolist()) CHECK(v == -2.5f);

  // Of an expression: its broadcast shape.
  Tensor<float, Shape<3>> b{1, 2, 3};
  auto fe = full_like<double>(x * b, 1.0);
  static_assert(std::is_same_v<decltype(fe), Tensor<double, Shape<Dyn, 3>, Cpu>>);
  CHECK(fe.size(0) == 2);

  auto e = empty_like(transpose<0, 1>(x));
  static_assert(std::is_same_v<decltype(e), Tensor<float, Shape<3, Dyn>, Cpu>>);
  CHECK(e.size(1) == 2);
  CHECK(x(1, 2) == 5.0f);  // the source is untouched
}

TEST_CASE("creation: eye layout") {
  auto a = eye<double, Dyn, Dyn>(2, 3);
  CHECK(a.size(0) == 2);
  CHECK(a.size(1) == 3);
  CHECK(a(0, 0) == 1.0);
  CHECK(a(1, 1) == 1.0);
  CHECK(a(0, 1) == 0.0);
  CHECK(a(1, 2) == 0.0);
  auto b = eye<bool, 2>();
  CHECK(b(0, 0));
  CHECK(!b(0, 1));
}

TEST_CASE("creation: arange errors and lengths") {
  CHECK(message_of<value_error>([] { (void)arange<float>(0, 1, 0); }) == "ctorch: arange: step must be nonzero");
  CHECK(message_of<value_error>([] { (void)arange<std::int64_t>(0, 5, 0.5); }) ==
        "ctorch: arange: step must be nonzero");  // the step is converted to int64 first, as in PyTorch
  CHECK(message_of<value_error>([] {
          (void)arange<float>(0, 5, -1);
        }).starts_with("ctorch: arange: upper bound and lower bound inconsistent with step sign"));
  CHECK(message_of<value_error>([] {
          (void)arange<std::int64_t>(5, 0);
        }).starts_with("ctorch: arange: upper bound and lower bound inconsistent with step sign"));
  CHECK(message_of<value_error>([] {
          (void)arange<double>(0, std::numeric_limits<double>::infinity());
        }).starts_with("ctorch: arange: unsupported range"));
  CHECK(message_of<value_error>([] {
          (void)arange<double>(-5);
        }).starts_with("ctorch: arange: upper bound and lower bound inconsistent"));
  CHECK(arange<double>(0, 1, 0.3).numel() == 4);  // ceil(1 / 0.3)
  CHECK(arange<float>(2.5).numel() == 3);
  CHECK(arange<std::int32_t>(-3, 3, 2).tolist() == std::vector<std::int32_t>{-3, -1, 1});
  CHECK(arange<float>(1, 1).numel() == 0);
}

TEST_CASE("creation: linspace and logspace edge cases") {
  CHECK(message_of<value_error>([] { (void)linspace<float>(0, 1, -1); }) ==
        "ctorch: linspace: number of steps must be non-negative, got -1");
  CHECK(message_of<value_error>([] { (void)logspace<float>(0, 1, -4); }) ==
        "ctorch: logspace: number of steps must be non-negative, got -4");
  CHECK(linspace<float>(0, 1, 0).numel() == 0);
  CHECK(linspace<double>(4, 9, 1).tolist() == std::vector<double>{4});
  auto l = linspace<double, 3>(1, 0);  // decreasing
  CHECK(l.tolist() == std::vector<double>{1, 0.5, 0});
  CHECK(logspace<double>(2, 3, 1).tolist() == std::vector<double>{100});
  CHECK(logspace<double, 3>(0, 2, 2.0).tolist() == std::vector<double>{1, 2, 4});
}

TEST_CASE("creation: results are ordinary tensors in expressions") {
  auto y = linspace<float, 4>(0, 3) * ones<float, Shape<2, 1>>() + arange<float>(4);
  Tensor<float, Shape<2, 4>> r = y;
  CHECK(r.tolist() == std::vector<float>{0, 2, 4, 6, 0, 2, 4, 6});
}
