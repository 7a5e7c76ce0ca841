// ctorch/nn/functional/conv2d.hpp: conv2d_forward and conv2d_backward against PyTorch 1.13 golden values
// (tests/golden/gen_conv_pool.py: forward, grad_input, grad_weight, grad_bias for a random grad_out) over
// strides 1 and 2, paddings 0..3, dilation 2, groups 2, bias or none, batch 1 and 3, non-square inputs and
// kernels, float and double; each case with a Dyn and a static batch, and through both kernels (the direct
// stride-1 path and im2col + gemm). Also: the direct path against im2col + gemm on the LeNet-5 layer shapes
// at 1 and 2 threads, a finite-difference check in double, and the run-time errors.
#include <doctest/doctest.h>
#include <ctorch/nn/functional/conv2d.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "support/fixture.hpp"
#include "support/threads.hpp"

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
void fill_random(Tns& t, std::uint64_t seed) {
  std::uint64_t s = seed * 6364136223846793005ull + 1442695040888963407ull;
  for (index_t i = 0; i < t.numel(); ++i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    t.data()[i] = typename Tns::value_type(double(s >> 11) / double(1ull << 53) * 2.0 - 1.0);
  }
}

template <class Tns>
std::vector<typename Tns::value_type> vec(const Tns& t) {
  return std::vector<typename Tns::value_type>(t.data(), t.data() + t.numel());
}

// One golden case: x [NB, C, H, W] (batch Dyn when DynBatch), w [O, CG, KH, KW], options Opt.
template <class T, index_t NB, index_t C, index_t H, index_t W, index_t O, index_t CG, index_t KH, index_t KW,
          Conv2dOptions Opt, bool Bias, bool DynBatch, ConvPath Path>
void golden_case(const std::string& name) {
  const Fixture& f = fx();
  using SX = Shape<(DynBatch ? Dyn : NB), C, H, W>;
  using SW = Shape<O, CG, KH, KW>;
  const double tol = std::is_same_v<T, float> ? 2e-5 : 1e-12;
  const std::string what =
      name + (DynBatch ? " (Dyn batch" : " (static batch") + (Path == ConvPath::im2col ? ", im2col)" : ", auto)");
  auto x = [&] {
    if constexpr (DynBatch)
      return Tensor<T, SX>(NB);
    else
      return Tensor<T, SX>();
  }();
  Tensor<T, SW> w;
  Tensor<T, Shape<O>> b;
  load(x, f[name + "_x"]);
  load(w, f[name + "_w"]);
  if constexpr (Bias) load(b, f[name + "_b"]);
  auto y = [&] {
    if constexpr (Bias)
      return conv2d_forward<Opt, Path>(x, w, b);
    else
      return conv2d_forward<Opt, Path>(x, w);
  }();
  static_assert(decltype(y)::shape_type::static_extents[0] == (DynBatch ? Dyn : NB));
  check_close(vec(y), f[name + "_y"], tol, tol, what + " y");
  auto gy = y;
  load(gy, f[name + "_gy"]);
  auto g = conv2d_backward<Opt, Path>(gy, x, w);
  REQUIRE(g.grad_input.has_value());
  check_close(vec(*g.grad_input), f[name + "_gx"], tol, tol, what + " grad_input");
  check_close(vec(g.grad_weight), f[name + "_gw"], tol, tol, what + " grad_weight");
  if constexpr (Bias) check_close(vec(g.grad_bias), f[name + "_gb"], tol, tol, what + " grad_bias");
  // without grad_input: the same weight and bias gradients
  auto g2 = conv2d_backward<Opt, Path>(gy, x, w, false);
  CHECK_FALSE(g2.grad_input.has_value());
  check_close(vec(g2.grad_weight), f[name + "_gw"], tol, tol, what + " grad_weight (no grad_input)");
}

template <class T, index_t NB, index_t C, index_t H, index_t W, index_t O, index_t CG, index_t KH, index_t KW,
          Conv2dOptions Opt, bool Bias>
void golden(const std::string& name) {
  golden_case<T, NB, C, H, W, O, CG, KH, KW, Opt, Bias, true, ConvPath::automatic>(name);
  golden_case<T, NB, C, H, W, O, CG, KH, KW, Opt, Bias, false, ConvPath::automatic>(name);
  golden_case<T, NB, C, H, W, O, CG, KH, KW, Opt, Bias, true, ConvPath::im2col>(name);
}

}  // namespace

TEST_CASE("conv2d: golden values from PyTorch (forward, grad_input, grad_weight, grad_bias)") {
  golden<float, 1, 2, 7, 9, 3, 2, 3, 3, Conv2dOptions{}, true>("c1");
  golden<float, 3, 2, 7, 6, 4, 2, 3, 3, Conv2dOptions{.stride = 2, .padding = 1}, true>("c2");
  golden<float, 1, 2, 9, 7, 3, 2, 5, 5, Conv2dOptions{.padding = 2}, false>("c3");
  golden<float, 2, 2, 7, 6, 2, 2, 3, 3, Conv2dOptions{.padding = 1, .dilation = 2}, true>("c4");
  golden<float, 3, 4, 5, 4, 6, 2, 3, 3, Conv2dOptions{.padding = 1, .groups = 2}, true>("c5");
  golden<float, 1, 4, 9, 8, 4, 2, 3, 2, Conv2dOptions{.stride = 2, .padding = 2, .dilation = 2, .groups = 2}, true>(
      "c6");
  golden<float, 2, 1, 4, 3, 2, 1, 3, 3, Conv2dOptions{.padding = 3}, true>("c7");
  golden<double, 1, 2, 6, 5, 3, 2, 3, 2, Conv2dOptions{.padding = 1}, true>("c8");
  golden<float, 1, 2, 4, 5, 13, 2, 3, 3, Conv2dOptions{.padding = 1}, true>("c9");
}

TEST_CASE("conv2d: output shapes are computed at compile time") {
  using Y1 = decltype(conv2d_forward<Conv2dOptions{.padding = 2}>(std::declval<Tensor<float, Shape<Dyn, 1, 28, 28>>>(),
                                                                  std::declval<Tensor<float, Shape<6, 1, 5, 5>>>()));
  static_assert(std::is_same_v<Y1, Tensor<float, Shape<Dyn, 6, 28, 28>>>);
  using Y2 = decltype(conv2d_forward<Conv2dOptions{.stride = 2, .padding = 1, .dilation = 2, .groups = 2}>(
      std::declval<Tensor<double, Shape<4, 4, 11, 9>>>(), std::declval<Tensor<double, Shape<6, 2, 3, 2>>>()));
  static_assert(std::is_same_v<Y2, Tensor<double, Shape<4, 6, 5, 5>>>);
  static_assert(conv_out_extent(28, 5, 1, 2, 1) == 28 && conv_out_extent(14, 5, 1, 0, 1) == 10);
}

// The LeNet-5 layers (and a stride-2 variant), direct path vs im2col + gemm, 1 and 2 threads.
template <class T, index_t C, index_t H, index_t O, index_t K, Conv2dOptions Opt>
void lenet_layer(index_t n, int threads) {
  Threads th(threads);
  Tensor<T, Shape<Dyn, C, H, H>> x(n);
  Tensor<T, Shape<O, C / Opt.groups, K, K>> w;
  Tensor<T, Shape<O>> b;
  fill_random(x, 1);
  fill_random(w, 2);
  fill_random(b, 3);
  const auto y = conv2d_forward<Opt>(x, w, b);
  const auto yr = conv2d_forward<Opt, ConvPath::im2col>(x, w, b);
  const double tol = std::is_same_v<T, float> ? 1e-4 : 1e-11;
  auto gy = y;
  fill_random(gy, 4);
  const auto g = conv2d_backward<Opt>(gy, x, w);
  const auto gr = conv2d_backward<Opt, ConvPath::im2col>(gy, x, w);
  auto close = [&](const auto& a, const auto& r, const char* what) {
    int bad = 0;
    for (index_t i = 0; i < a.numel(); ++i)
      if (!(std::fabs(double(a.data()[i]) - double(r.data()[i])) <= tol * (1 + std::fabs(double(r.data()[i]))))) ++bad;
    CHECK_MESSAGE(bad == 0, std::string(what)
                                << ": " << bad << " mismatches (threads " << threads << ", batch " << n << ")");
  };
  close(y, yr, "forward");
  close(*g.grad_input, *gr.grad_input, "grad_input");
  close(g.grad_weight, gr.grad_weight, "grad_weight");
  close(g.grad_bias, gr.grad_bias, "grad_bias");
}

// Batches of 1, 5 and 19 samples: the backward takes them in blocks of up to 8 per thread. The forward and
// grad_weight have two kernels each, chosen by whether a group's output channels fill whole packets (16 and
// 8 per group here: two packets, one, or neither, depending on the dtype and the vector width).
TEST_CASE("conv2d: direct path against im2col + gemm on the LeNet-5 shapes") {
  for (int t : {1, 2})
    for (index_t n : {1, 5, 19}) {
      lenet_layer<float, 1, 28, 6, 5, Conv2dOptions{.padding = 2}>(n, t);
      lenet_layer<float, 6, 14, 16, 5, Conv2dOptions{}>(n, t);
      lenet_layer<double, 6, 14, 16, 5, Conv2dOptions{}>(n, t);
      lenet_layer<float, 4, 13, 10, 3, Conv2dOptions{.padding = 1, .dilation = 2, .groups = 2}>(n, t);
      lenet_layer<float, 4, 11, 16, 3, Conv2dOptions{.padding = 1, .dilation = 2, .groups = 2}>(n, t);
      lenet_layer<double, 4, 11, 16, 3, Conv2dOptions{.padding = 1, .dilation = 2, .groups = 2}>(n, t);
    }
  lenet_layer<float, 6, 14, 16, 5, Conv2dOptions{}>(0, 1);  // an empty batch
}

// Central differences of L = sum(conv2d(x, w, b) * gy) in double against the analytic gradients.
template <Conv2dOptions Opt>
void finite_difference() {
  Tensor<double, Shape<Dyn, 2, 5, 4>> x(2);
  Tensor<double, Shape<3, 2, 3, 2>> w;
  Tensor<double, Shape<3>> b;
  fill_random(x, 11);
  fill_random(w, 12);
  fill_random(b, 13);
  auto gy = conv2d_forward<Opt>(x, w, b);
  fill_random(gy, 14);
  auto loss = [&] {
    const auto y = conv2d_forward<Opt>(x, w, b);
    double s = 0;
    for (index_t i = 0; i < y.numel(); ++i) s += y.data()[i] * gy.data()[i];
    return s;
  };
  const auto g = conv2d_backward<Opt>(gy, x, w);
  const double h = 1e-6;
  auto check = [&](auto& t, const auto& grad, const char* what) {
    for (index_t i = 0; i < t.numel(); ++i) {
      const double v = t.data()[i];
      t.data()[i] = v + h;
      const double lp = loss();
      t.data()[i] = v - h;
      const double lm = loss();
      t.data()[i] = v;
      const double fd = (lp - lm) / (2 * h);
      CHECK_MESSAGE(std::fabs(fd - grad.data()[i]) <= 1e-6 * (1 + std::fabs(fd)),
                    what << "[" << i << "]: finite difference " << fd << ", backward " << grad.data()[i]);
    }
  };
  check(x, *g.grad_input, "grad_input");
  check(w, g.grad_weight, "grad_weight");
  check(b, g.grad_bias, "grad_bias");
}

TEST_CASE("conv2d: backward against finite differences (double)") {
  finite_difference<Conv2dOptions{.padding = 1}>();
  finite_difference<Conv2dOptions{.stride = 2, .padding = 1, .dilation = 1}>();
}

TEST_CASE("conv2d: a Dyn batch mismatch throws shape_error naming the op and both shapes") {
  Tensor<float, Shape<Dyn, 2, 6, 6>> x(3);
  Tensor<float, Shape<4, 2, 3, 3>> w;
  Tensor<float, Shape<Dyn, 4, 4, 4>> gy(2);
  try {
    (void)conv2d_backward(gy, x, w);
    FAIL("no exception");
  } catch (const shape_error& e) {
    CHECK(std::string(e.what()) ==
          "ctorch: conv2d_backward: the batch sizes differ (shapes [2, 4, 4, 4] and [3, 2, 6, 6])");
  }
}
