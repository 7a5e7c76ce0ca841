// ctorch/nn/functional/max_pool2d.hpp and avg_pool2d.hpp: forward (values, int64 indices) and backward
// against PyTorch 1.13 golden values (tests/golden/gen_conv_pool.py): kernel 2 and 3, stride = kernel and
// != kernel, padding, dilation 2 (max), ceil_mode, count_include_pad true and false (avg), float and
// double, Dyn and static batch. Also: ties (the first maximum wins), NaN, and the run-time errors.
#include <doctest/doctest.h>
#include <ctorch/nn/functional/avg_pool2d.hpp>
#include <ctorch/nn/functional/max_pool2d.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "support/fixture.hpp"
#include "support/golden_tensor.hpp"

using namespace ctorch;
using namespace ctorch::nn::functional;
using ctorch::test::check_close;
using ctorch::test::Fixture;
using ctorch::test::load;

namespace {

const Fixture& fx() {
  static const Fixture f("conv_pool.txt");
  return f;
}

template <class Tns>
std::vector<typename Tns::value_type> vec(const Tns& t) {
  return std::vector<typename Tns::value_type>(t.data(), t.data() + t.numel());
}

template <class S, index_t NB>
auto make_x() {
  if constexpr (S::static_extents[0] == Dyn)
    return Tensor<double, S>(NB);
  else
    return Tensor<double, S>();
}

template <class T, index_t NB, index_t C, index_t H, index_t W, Pool2dOptions Opt, bool Max, bool DynBatch>
void golden_case(const std::string& name) {
  const Fixture& f = fx();
  using SX = Shape<(DynBatch ? Dyn : NB), C, H, W>;
  const double tol = std::is_same_v<T, float> ? 1e-6 : 1e-14;
  const std::string what = name + (DynBatch ? " (Dyn batch)" : " (static batch)");
  auto x = [&] {
    if constexpr (DynBatch)
      return Tensor<T, SX>(NB);
    else
      return Tensor<T, SX>();
  }();
  load(x, f[name + "_x"]);
  if constexpr (Max) {
    auto [y, idx] = max_pool2d_forward<Opt>(x);
    check_close(vec(y), f[name + "_y"], tol, tol, what + " y");
    check_close(vec(idx), f[name + "_idx"], 0, 0, what + " indices");
    auto gy = y;
    load(gy, f[name + "_gy"]);
    const auto gx = max_pool2d_backward<SX>(gy, idx);
    check_close(vec(gx), f[name + "_gx"], tol, tol, what + " grad_input");
  } else {
    auto y = avg_pool2d_forward<Opt>(x);
    check_close(vec(y), f[name + "_y"], tol, tol, what + " y");
    auto gy = y;
    load(gy, f[name + "_gy"]);
    const auto gx = avg_pool2d_backward<Opt, SX>(gy);
    check_close(vec(gx), f[name + "_gx"], tol, tol, what + " grad_input");
  }
}

template <class T, index_t NB, index_t C, index_t H, index_t W, Pool2dOptions Opt, bool Max>
void golden(const std::string& name) {
  golden_case<T, NB, C, H, W, Opt, Max, true>(name);
  golden_case<T, NB, C, H, W, Opt, Max, false>(name);
}

}  // namespace

TEST_CASE("max_pool2d: golden values from PyTorch (values, indices, grad_input)") {
  golden<float, 2, 2, 4, 6, Pool2dOptions{.kernel = 2}, true>("p1");
  golden<float, 1, 2, 7, 9, Pool2dOptions{.kernel = 3, .stride = 2, .padding = 1}, true>("p2");
  golden<float, 2, 1, 8, 7, Pool2dOptions{.kernel = 3, .stride = 1, .padding = 1, .dilation = 2}, true>("p3");
  golden<double, 1, 1, 8, 8, Pool2dOptions{.kernel = 3, .stride = 2, .ceil_mode = true}, true>("p4");
}

TEST_CASE("avg_pool2d: golden values from PyTorch (values, grad_input)") {
  golden<float, 2, 2, 4, 6, Pool2dOptions{.kernel = 2}, false>("p5");
  golden<float, 1, 2, 7, 9, Pool2dOptions{.kernel = 3, .stride = 2, .padding = 1}, false>("p6");
  golden<float, 1, 2, 7, 9, Pool2dOptions{.kernel = 3, .stride = 2, .padding = 1, .count_include_pad = false}, false>(
      "p7");
  golden<double, 1, 1, 8, 8, Pool2dOptions{.kernel = 3, .stride = 2, .padding = 1, .ceil_mode = true}, false>("p8");
}

TEST_CASE("pool2d: output shapes are computed at compile time") {
  using X = Tensor<float, Shape<Dyn, 6, 28, 28>>;
  using Y = decltype(avg_pool2d_forward<Pool2dOptions{.kernel = 2}>(std::declval<X>()));
  static_assert(std::is_same_v<Y, Tensor<float, Shape<Dyn, 6, 14, 14>>>);
  using R = decltype(max_pool2d_forward<Pool2dOptions{.kernel = 3, .stride = 2, .ceil_mode = true}>(
      std::declval<Tensor<double, Shape<2, 3, 8, 8>>>()));
  static_assert(std::is_same_v<decltype(R::output), Tensor<double, Shape<2, 3, 4, 4>>>);
  static_assert(std::is_same_v<decltype(R::indices), Tensor<std::int64_t, Shape<2, 3, 4, 4>>>);
}

TEST_CASE("max_pool2d: ties pick the first maximum, NaN propagates, -inf windows keep an index") {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  Tensor<float, Shape<1, 1, 2, 4>> x{{{{1, 1, -inf, -inf}, {1, 1, -inf, -inf}}}};
  auto [y, idx] = max_pool2d_forward<Pool2dOptions{.kernel = 2}>(x);
  CHECK(y(0, 0, 0, 0) == 1);
  CHECK(idx(0, 0, 0, 0) == 0);
  CHECK(y(0, 0, 0, 1) == -inf);
  CHECK(idx(0, 0, 0, 1) == 2);
  x(0, 0, 1, 0) = nan;
  auto [y2, idx2] = max_pool2d_forward<Pool2dOptions{.kernel = 2}>(x);
  CHECK(std::isnan(y2(0, 0, 0, 0)));
  CHECK(idx2(0, 0, 0, 0) == 4);
}

namespace {
// The max_pool2d rule, one window at a time: taps in row-major order, a larger value or a NaN takes over.
template <class T, Pool2dOptions Opt, index_t W>
void check_rows_against_reference() {
  constexpr index_t H = 7, C = 2;
  using SX = Shape<Dyn, C, H, W>;
  Tensor<T, SX> x(2);
  unsigned r = 12345;
  for (index_t i = 0; i < x.numel(); ++i) {
    r = r * 1103515245u + 12345u;
    const unsigned k = (r >> 16) % 23;
    x.data()[i] = k == 0   ? std::numeric_limits<T>::quiet_NaN()
                  : k == 1 ? -std::numeric_limits<T>::infinity()
                           : T(int(k % 5) - 2);  // few distinct values: many ties
  }
  auto [y, idx] = max_pool2d_forward<Opt>(x);
  constexpr index_t K = Opt.kernel, S = Opt.stride ? Opt.stride : Opt.kernel, D = Opt.dilation;
  const index_t Ho = y.size(2), Wo = y.size(3);
  for (index_t p = 0; p < 2 * C; ++p)
    for (index_t oh = 0; oh < Ho; ++oh)
      for (index_t ow = 0; ow < Wo; ++ow) {
        T m = -std::numeric_limits<T>::infinity();
        index_t b = oh * S * W + ow * S;
        for (index_t kh = 0; kh < K; ++kh)
          for (index_t kw = 0; kw < K; ++kw) {
            const index_t i = (oh * S + kh * D) * W + ow * S + kw * D;
            const T v = x.data()[p * H * W + i];
            if (v > m || std::isnan(v)) m = v, b = i;
          }
        const index_t o = (p * Ho + oh) * Wo + ow;
        CAPTURE(W);
        CAPTURE(o);
        CHECK((std::isnan(m) ? std::isnan(y.data()[o]) : y.data()[o] == m));
        CHECK(idx.data()[o] == b);
      }
}
template <class T, Pool2dOptions Opt, index_t... W>
void check_widths() {
  (check_rows_against_reference<T, Opt, W>(), ...);
}
}  // namespace

TEST_CASE_TEMPLATE("max_pool2d: every output row width (batched and partial) matches the one-window rule", T, float,
                   double) {
  // Row widths from 1 output to a few batches of 4 (double), 8 and 16 (float) lanes, plus partial batches and
  // rows narrower than a batch (the half-width batches of the 2 x 2 kernel, the masked AVX-512 one: LeNet's
  // 28 and 10 columns, and odd widths whose last column is in no window).
  check_widths<T, Pool2dOptions{.kernel = 2}, 2, 5, 9, 10, 13, 16, 17, 18, 28, 31, 33, 35, 64, 66>();
  check_widths<T, Pool2dOptions{.kernel = 3, .stride = 1}, 3, 7, 11, 12, 20>();
  check_widths<T, Pool2dOptions{.kernel = 2, .stride = 3}, 5, 26, 29>();
  check_widths<T, Pool2dOptions{.kernel = 3, .stride = 2, .dilation = 2}, 6, 21, 24>();
}

TEST_CASE("pool2d: run-time errors") {
  Tensor<float, Shape<Dyn, 1, 2, 2>> gy(2);
  Tensor<std::int64_t, Shape<Dyn, 1, 2, 2>> idx(3);
  CHECK_THROWS_AS((max_pool2d_backward<Shape<Dyn, 1, 4, 4>>(gy, idx)), shape_error);
  Tensor<std::int64_t, Shape<Dyn, 1, 2, 2>> bad(2);
  const auto backward = [&] { (void)max_pool2d_backward<Shape<Dyn, 1, 4, 4>>(gy, bad); };
  bad.data()[3] = 16;
  CHECK_THROWS_AS(backward(), index_error);
  CHECK(test::error_of(backward) ==
        "ctorch: max_pool2d_backward: index 16 is out of range for an input plane of 16 elements");
  bad.data()[3] = 15;
  bad.data()[6] = -1;
  CHECK_THROWS_AS(backward(), index_error);
  CHECK(test::error_of(backward) ==
        "ctorch: max_pool2d_backward: index -1 is out of range for an input plane of 16 elements");
  bad.data()[6] = 0;
  CHECK_NOTHROW((void)max_pool2d_backward<Shape<Dyn, 1, 4, 4>>(gy, bad));
}
