// bench/nn_bench.cpp: the issue-5 models, ctorch beside LibTorch 1.13 in one Google Benchmark run, same
// architecture, same data, same optimizer (Adam, lr 1e-3), on 1 and on 2 threads.
//
// Cases, named "<case>_<threads>t/<impl>" (this program prints torch / ctorch for each):
//   mlp_step:   MLP 784-128-64-10 train step at batch 64 (zero_grad, forward, cross entropy, backward, step)
//   mlp_infer1: the MLP's forward at batch 1 under no_grad
//   lenet_step: LeNet-5 train step at batch 64
// Run: OPENBLAS_NUM_THREADS=1 nn_bench --benchmark_min_time=0.3
// (on an AVX-512 Intel CPU add OPENBLAS_CORETYPE=SkylakeX for LibTorch's tuned kernels.)
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <ctorch/autograd.hpp>
#include <ctorch/nn.hpp>
#include <ctorch/optim.hpp>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include "ratio_reporter.hpp"
#include "torch_threads.hpp"

namespace nn = ctorch::nn;
using ctorch::Dyn;
using ctorch::Shape;
using ctorch::Tensor;

namespace {

constexpr std::int64_t kBatch = 64;

using LeNet5 = nn::Sequential<nn::Conv2d<1, 6, 5, nn::Conv2dOptions{.padding = 2}>, nn::ReLU,
                              nn::MaxPool2d<nn::Pool2dOptions{.kernel = 2}>, nn::Conv2d<6, 16, 5>, nn::ReLU,
                              nn::MaxPool2d<nn::Pool2dOptions{.kernel = 2}>, nn::Flatten, nn::Linear<400, 120>,
                              nn::ReLU, nn::Linear<120, 84>, nn::ReLU, nn::Linear<84, 10>>;
using MLP =
    nn::Sequential<nn::Flatten, nn::Linear<784, 128>, nn::ReLU, nn::Linear<128, 64>, nn::ReLU, nn::Linear<64, 10>>;

torch::nn::Sequential torch_mlp() {
  return torch::nn::Sequential(torch::nn::Flatten(), torch::nn::Linear(784, 128), torch::nn::ReLU(),
                               torch::nn::Linear(128, 64), torch::nn::ReLU(), torch::nn::Linear(64, 10));
}
torch::nn::Sequential torch_lenet() {
  namespace tn = torch::nn;
  return tn::Sequential(tn::Conv2d(tn::Conv2dOptions(1, 6, 5).padding(2)), tn::ReLU(), tn::MaxPool2d(2),
                        tn::Conv2d(6, 16, 5), tn::ReLU(), tn::MaxPool2d(2), tn::Flatten(), tn::Linear(400, 120),
                        tn::ReLU(), tn::Linear(120, 84), tn::ReLU(), tn::Linear(84, 10));
}

// One batch of images in [0, 1) and labels in [0, 10), the same for both libraries.
struct Batch {
  Tensor<float, Shape<Dyn, 1, 28, 28>> x{kBatch};
  Tensor<std::int64_t, Shape<Dyn>> y = Tensor<std::int64_t, Shape<Dyn>>(kBatch);  // not {kBatch}: a 1-element list
  Tensor<float, Shape<1, 1, 28, 28>> x1;
  torch::Tensor tx, ty, tx1;
  Batch() {
    std::mt19937 g(0);
    std::uniform_real_distribution<float> u(0.f, 1.f);
    for (ctorch::index_t i = 0; i < x.numel(); ++i) x.data()[i] = u(g);
    for (ctorch::index_t i = 0; i < y.numel(); ++i) y.data()[i] = std::int64_t(g() % 10);
    std::memcpy(x1.data(), x.data(), sizeof(float) * 784);
    tx = torch::from_blob(x.data(), {kBatch, 1, 28, 28}, torch::kFloat32).clone();
    ty = torch::from_blob(y.data(), {kBatch}, torch::kInt64).clone();
    tx1 = tx.slice(0, 0, 1).clone();
  }
};
const Batch& batch() {
  static const Batch b;
  return b;
}

template <class Model>
void ctorch_step(benchmark::State& st, int threads) {
  ctorch::set_num_threads(threads);
  ctorch::manual_seed(0);
  Model model;
  ctorch::optim::Adam opt(model.parameters(), {.lr = 1e-3});
  nn::CrossEntropyLoss criterion;
  const Batch& b = batch();
  for (auto _ : st) {
    opt.zero_grad();
    auto loss = criterion(model(b.x), b.y);
    loss.backward();
    opt.step();
    benchmark::DoNotOptimize(loss.item());
  }
}

void torch_step(benchmark::State& st, torch::nn::Sequential model, int threads) {
  bench::torch_threads(threads);
  torch::optim::Adam opt(model->parameters(), torch::optim::AdamOptions(1e-3));
  const Batch& b = batch();
  for (auto _ : st) {
    opt.zero_grad();
    auto loss = torch::nn::functional::cross_entropy(model->forward(b.tx), b.ty);
    loss.backward();
    opt.step();
    benchmark::DoNotOptimize(loss.item<float>());
  }
}

void ctorch_infer1(benchmark::State& st, int threads) {
  ctorch::set_num_threads(threads);
  ctorch::manual_seed(0);
  MLP model;
  model.eval();
  ctorch::no_grad ng;
  const Batch& b = batch();
  for (auto _ : st) {
    auto logits = model(b.x1);
    benchmark::DoNotOptimize(logits.value().data());
  }
}

void torch_infer1(benchmark::State& st, int threads) {
  bench::torch_threads(threads);
  auto model = torch_mlp();
  model->eval();
  torch::NoGradGuard ng;
  const Batch& b = batch();
  for (auto _ : st) {
    auto logits = model->forward(b.tx1);
    benchmark::DoNotOptimize(logits.data_ptr());
  }
}

template <class F>
void reg(const std::string& name, F fn) {
  benchmark::RegisterBenchmark(name.c_str(), fn)->UseRealTime()->Unit(benchmark::kMicrosecond);
}

}  // namespace

int main(int argc, char** argv) {
  for (int t : {1, 2}) {
    const std::string s = "_" + std::to_string(t) + "t";
    reg("mlp_step" + s + "/ctorch", [t](benchmark::State& st) { ctorch_step<MLP>(st, t); });
    reg("mlp_step" + s + "/torch", [t](benchmark::State& st) { torch_step(st, torch_mlp(), t); });
    reg("mlp_infer1" + s + "/ctorch", [t](benchmark::State& st) { ctorch_infer1(st, t); });
    reg("mlp_infer1" + s + "/torch", [t](benchmark::State& st) { torch_infer1(st, t); });
    reg("lenet_step" + s + "/ctorch", [t](benchmark::State& st) { ctorch_step<LeNet5>(st, t); });
    reg("lenet_step" + s + "/torch", [t](benchmark::State& st) { torch_step(st, torch_lenet(), t); });
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  ctorch_bench::RatioReporter rep;
  benchmark::RunSpecifiedBenchmarks(&rep);
  rep.print_ratios("torch", "us");
  benchmark::Shutdown();
  return 0;
}
