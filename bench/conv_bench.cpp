// bench/conv_bench.cpp: conv2d forward + backward on the LeNet-5 layer shapes at batch 64, ctorch
// (ctorch/nn/functional/conv2d.hpp) beside LibTorch 1.13 in one Google Benchmark run, 1 thread each.
//
// Cases, named "<case>/<impl>" (bench/ratios.py pairs them; this program also prints torch / ctorch):
//   conv1_*: x [64, 1, 28, 28], w [6, 1, 5, 5], bias, padding 2 (the first layer: no grad_input)
//   conv2_*: x [64, 6, 14, 14], w [16, 6, 5, 5], bias, no padding (grad_input too)
//   *_fwd: forward only; *_bwd: backward only (LibTorch: at::convolution_backward);
//   *_fwdbwd: forward then backward (LibTorch: torch::conv2d with autograd, torch::autograd::grad).
// Run: OPENBLAS_CORETYPE=SkylakeX conv_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <ctorch/nn/functional/conv2d.hpp>

#include "ratio_reporter.hpp"
#include "torch_threads.hpp"

#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace cf = ctorch::nn::functional;
using ctorch::Dyn;
using ctorch::Shape;
using ctorch::Tensor;

namespace {

constexpr std::int64_t kBatch = 64;

template <class Tns>
void fill(Tns& t, unsigned seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  for (ctorch::index_t i = 0; i < t.numel(); ++i) t.data()[i] = d(g);
}

template <class Tns>
torch::Tensor to_torch(const Tns& t) {
  const auto s = t.sizes();
  auto r = torch::empty(std::vector<std::int64_t>(s.begin(), s.end()), torch::kFloat32);
  std::memcpy(r.data_ptr<float>(), t.data(), std::size_t(t.numel()) * sizeof(float));
  return r;
}

// One LeNet layer: C -> O channels, KxK kernel, HxH input, padding P.
template <int C, int H, int O, int K, int P>
struct Layer {
  static constexpr cf::Conv2dOptions opt{.padding = P};
  static constexpr bool input_grad = C > 1;  // the first layer's input needs no gradient
  Tensor<float, Shape<Dyn, C, H, H>> x{kBatch};
  Tensor<float, Shape<O, C, K, K>> w;
  Tensor<float, Shape<O>> b;
  Tensor<float, Shape<Dyn, O, H + 2 * P - K + 1, H + 2 * P - K + 1>> gy{kBatch};
  Layer() {
    fill(x, 1);
    fill(w, 2);
    fill(b, 3);
    fill(gy, 4);
  }

  void ctorch_fwd(benchmark::State& st) {
    ctorch::set_num_threads(1);
    for (auto _ : st) {
      auto y = cf::conv2d_forward<opt>(x, w, b);
      benchmark::DoNotOptimize(y.data());
    }
  }
  void ctorch_bwd(benchmark::State& st) {
    ctorch::set_num_threads(1);
    for (auto _ : st) {
      auto g = cf::conv2d_backward<opt>(gy, x, w, input_grad);
      benchmark::DoNotOptimize(g.grad_weight.data());
    }
  }
  void ctorch_fwdbwd(benchmark::State& st) {
    ctorch::set_num_threads(1);
    for (auto _ : st) {
      auto y = cf::conv2d_forward<opt>(x, w, b);
      benchmark::DoNotOptimize(y.data());
      auto g = cf::conv2d_backward<opt>(gy, x, w, input_grad);
      benchmark::DoNotOptimize(g.grad_weight.data());
    }
  }

  void torch_fwd(benchmark::State& st) {
    bench::torch_threads(1);
    torch::NoGradGuard ng;
    const auto tx = to_torch(x), tw = to_torch(w), tb = to_torch(b);
    for (auto _ : st) {
      auto y = torch::conv2d(tx, tw, tb, at::IntArrayRef{1, 1}, at::IntArrayRef{P, P});
      benchmark::DoNotOptimize(y.data_ptr());
    }
  }
  void torch_bwd(benchmark::State& st) {
    bench::torch_threads(1);
    torch::NoGradGuard ng;
    const auto tx = to_torch(x), tw = to_torch(w), tgy = to_torch(gy);
    for (auto _ : st) {
      auto r = at::convolution_backward(tgy, tx, tw, at::IntArrayRef{O}, {1, 1}, {P, P}, {1, 1}, false, {0, 0}, 1,
                                        {input_grad, true, true});
      benchmark::DoNotOptimize(std::get<1>(r).data_ptr());
    }
  }
  void torch_fwdbwd(benchmark::State& st) {
    bench::torch_threads(1);
    const auto tx = to_torch(x).requires_grad_(input_grad), tw = to_torch(w).requires_grad_(),
               tb = to_torch(b).requires_grad_(), tgy = to_torch(gy);
    for (auto _ : st) {
      auto y = torch::conv2d(tx, tw, tb, at::IntArrayRef{1, 1}, at::IntArrayRef{P, P});
      const std::vector<torch::Tensor> ins =
          input_grad ? std::vector<torch::Tensor>{tx, tw, tb} : std::vector<torch::Tensor>{tw, tb};
      auto g = torch::autograd::grad({y}, ins, {tgy});
      benchmark::DoNotOptimize(g[0].data_ptr());
    }
  }
};

template <class F>
void reg(const std::string& name, F fn) {
  benchmark::RegisterBenchmark(name.c_str(), fn)->UseRealTime()->Unit(benchmark::kMicrosecond);
}

}  // namespace

int main(int argc, char** argv) {
  static Layer<1, 28, 6, 5, 2> conv1;
  static Layer<6, 14, 16, 5, 0> conv2;
  auto add = [](const std::string& c, auto& layer) {
    reg(c + "_fwd/ctorch", [&layer](benchmark::State& st) { layer.ctorch_fwd(st); });
    reg(c + "_fwd/torch", [&layer](benchmark::State& st) { layer.torch_fwd(st); });
    reg(c + "_bwd/ctorch", [&layer](benchmark::State& st) { layer.ctorch_bwd(st); });
    reg(c + "_bwd/torch", [&layer](benchmark::State& st) { layer.torch_bwd(st); });
    reg(c + "_fwdbwd/ctorch", [&layer](benchmark::State& st) { layer.ctorch_fwdbwd(st); });
    reg(c + "_fwdbwd/torch", [&layer](benchmark::State& st) { layer.torch_fwdbwd(st); });
  };
  add("conv1", conv1);
  add("conv2", conv2);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  ctorch_bench::RatioReporter rep;
  benchmark::RunSpecifiedBenchmarks(&rep);
  const auto [sc, st] = rep.print_ratios("torch", "us", "fwdbwd");
  if (sc > 0) std::printf("%-22s %12.2f %12.2f %7.2fx\n", "both_fwdbwd", sc, st, st / sc);
  benchmark::Shutdown();
  return 0;
}
