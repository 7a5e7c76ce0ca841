// bench/bench_torch.cpp: the LibTorch side of the cases (the only file that includes LibTorch).
#include <torch/torch.h>

#include <cstring>

#include "bench_cases.hpp"
#include "torch_threads.hpp"

namespace bench {

namespace {
torch::Tensor make_tensor(std::int64_t n, std::uint32_t seed) {
  const auto d = make_data(n, seed);
  auto t = torch::empty({n}, torch::kFloat32);
  std::memcpy(t.data_ptr<float>(), d.data(), d.size() * sizeof(float));
  return t;
}

struct TorchThreads {
  int saved = at::get_num_threads();
  explicit TorchThreads(int n) { torch_threads(n); }
  ~TorchThreads() { torch_threads(saved); }
};
}  // namespace

// What a LibTorch user writes: one op at a time, each into a fresh temporary.
void fused_torch(benchmark::State& st, int threads) {
  TorchThreads guard(threads);
  torch::NoGradGuard no_grad;
  const auto a = make_tensor(kFusedN, 1), x = make_tensor(kFusedN, 2), b = make_tensor(kFusedN, 3),
             c = make_tensor(kFusedN, 4);
  torch::Tensor y;
  for (auto _ : st) {
    y = torch::tanh(a * x + b) * torch::sigmoid(c);
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(y.data_ptr<float>());
  st.SetItemsProcessed(st.iterations() * kFusedN);
}

void add16_torch_add_out(benchmark::State& st) {
  torch::NoGradGuard no_grad;
  auto a = make_tensor(16, 7), b = make_tensor(16, 8), c = torch::empty({16}, torch::kFloat32);
  for (auto _ : st) {
    torch::add_out(c, a, b);
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(c.data_ptr<float>());
}

void add16_torch_add(benchmark::State& st) {
  torch::NoGradGuard no_grad;
  auto a = make_tensor(16, 7), b = make_tensor(16, 8);
  torch::Tensor c;
  for (auto _ : st) {
    c = a + b;
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(c.data_ptr<float>());
}

}  // namespace bench

namespace bench {

void backward16_torch(benchmark::State& st) {
  auto a = make_tensor(16, 7).requires_grad_(true), b = make_tensor(16, 8).requires_grad_(true);
  for (auto _ : st) {
    a.mutable_grad().reset();
    b.mutable_grad().reset();
    auto c = a + b;
    c.sum().backward();
    benchmark::DoNotOptimize(a.grad().data_ptr<float>());
  }
}

void fused_backward_torch(benchmark::State& st, int threads) {
  TorchThreads guard(threads);
  auto a = make_tensor(kFusedN, 1).requires_grad_(true), x = make_tensor(kFusedN, 2).requires_grad_(true),
       b = make_tensor(kFusedN, 3).requires_grad_(true), c = make_tensor(kFusedN, 4).requires_grad_(true);
  for (auto _ : st) {
    for (auto* v : {&a, &x, &b, &c}) v->mutable_grad().reset();
    auto y = torch::tanh(a * x + b) * torch::sigmoid(c);
    y.sum().backward();
    benchmark::DoNotOptimize(c.grad().data_ptr<float>());
  }
  st.SetItemsProcessed(st.iterations() * kFusedN);
}

}  // namespace bench
