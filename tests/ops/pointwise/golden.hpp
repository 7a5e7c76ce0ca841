// tests/ops/pointwise/golden.hpp: runs an elementwise op on the fixture inputs of tests/fixtures/pointwise.txt
// (written by tests/golden/gen_pointwise.py) through the evaluator's three paths and compares with PyTorch.
#pragma once
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>

#include <string>
#include <type_traits>
#include <vector>

#include "support/fixture.hpp"

namespace ctorch::test::pw {

inline const Fixture& fixture() {
  static const Fixture f("pointwise.txt");
  return f;
}

template <class T>
std::string dt() {
  return std::string(dtype_name<T>().substr(6));  // "float32", ...
}

// The golden entry, with float32 values rounded to float32 (the file stores 9 significant digits).
inline Golden want(const std::string& name) {
  Golden g = fixture()[name];
  if (g.dtype == "float32")
    for (auto& v : g.values) v = static_cast<double>(static_cast<float>(v));
  return g;
}

template <class T>
Tensor<T, Shape<Dyn>> input(const std::string& name) {
  const Golden& g = fixture()[name];
  Tensor<T, Shape<Dyn>> t(static_cast<index_t>(g.values.size()));
  load(t, g);
  return t;
}

// The same 50 values as a 5 x 10 matrix, to be read through transpose<0, 1> (strides 1 and 10).
template <class T>
Tensor<T, Shape<5, 10>> matrix(const Tensor<T, Shape<Dyn>>& v) {
  REQUIRE(v.numel() == 50);
  Tensor<T, Shape<5, 10>> m;
  for (index_t i = 0; i < 50; ++i) m.data()[i] = v.data()[i];
  return m;
}

// Reads a [10, 5] result of an op on transposed inputs back in the order of the [5, 10] originals.
template <class R>
std::vector<double> untranspose(const Tensor<R, Shape<10, 5>>& r) {
  std::vector<double> out(50);
  for (index_t i = 0; i < 5; ++i)
    for (index_t j = 0; j < 10; ++j) out[std::size_t(i * 10 + j)] = r(j, i);
  return out;
}

// A contiguous tensor's elements as doubles (Tensor<bool>::tolist() cannot fill a std::vector<bool>).
template <class Tn>
std::vector<double> values(const Tn& t) {
  std::vector<double> v(std::size_t(t.numel()));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(t.data()[i]);
  return v;
}

// Whether the CPU evaluator runs this expression on xsimd packets.
template <class E>
constexpr bool packet_path() {
  return cpu::vectorizable<decltype(make_evaluator<1>(std::declval<const E&>(),
                                                      std::declval<std::array<index_t, 1>>()))>;
}

// f(x) on the 50 fixture values x_<dtype>: contiguous (packets plus a scalar tail of 2) and through a
// transposed view (the scalar strided path), both against `golden`_<dtype>.
template <class T, class F>
void unary(const std::string& golden, F&& f, double rtol, double atol = 0.0) {
  const auto x = input<T>("x_" + dt<T>());
  const Golden g = want(golden + "_" + dt<T>());
  using E = decltype(f(x));
  using R = typename E::value_type;
  Tensor<R, Shape<Dyn>> r = f(x);
  check_close(values(r), g, rtol, atol, golden + " contiguous " + dt<T>());
  const auto m = matrix(x);
  Tensor<R, Shape<10, 5>> rt = f(transpose<0, 1>(m));
  check_close(untranspose(rt), g, rtol, atol, golden + " strided " + dt<T>());
}

// f(x, y) on the paired fixture values (contiguous and transposed), and f(x as [5, 10], y[:10]) against
// `golden`_bc_<dtype> where the fixture has it (the row path: y broadcast along the rows).
template <class T, class F>
void binary(const std::string& golden, F&& f, double rtol, double atol = 0.0) {
  const auto x = input<T>("x_" + dt<T>()), y = input<T>("y_" + dt<T>());
  const Golden g = want(golden + "_" + dt<T>());
  using R = typename decltype(f(x, y))::value_type;
  Tensor<R, Shape<Dyn>> r = f(x, y);
  check_close(values(r), g, rtol, atol, golden + " contiguous " + dt<T>());
  const auto mx = matrix(x), my = matrix(y);
  Tensor<R, Shape<10, 5>> rt = f(transpose<0, 1>(mx), transpose<0, 1>(my));
  check_close(untranspose(rt), g, rtol, atol, golden + " strided " + dt<T>());
  if (fixture().contains(golden + "_bc_" + dt<T>())) {
    Tensor<T, Shape<10>> yrow;
    for (index_t j = 0; j < 10; ++j) yrow(j) = y(j);
    Tensor<R, Shape<5, 10>> rb = f(mx, yrow);
    check_close(values(rb), want(golden + "_bc_" + dt<T>()), rtol, atol, golden + " broadcast " + dt<T>());
  }
}

}  // namespace ctorch::test::pw
