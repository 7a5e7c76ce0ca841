// bench/linalg_bench.cpp: ctorch's factorizations beside LibTorch's (LAPACK through OpenBLAS) in one
// Google Benchmark program, `ctorch_linalg_bench`: linalg.solve (A [N, N], B [N, 16]), linalg.cholesky
// and linalg.svd (full_matrices=False) at N = 256, float64 and float32, one thread each (ctorch's
// set_num_threads(1), at::set_num_threads(1)). Names are "<case>/<impl>" so bench/ratios.py pairs them.
// Every iteration factors a fresh copy of the same input (as both libraries do inside the call).
// at::set_num_threads does not reach OpenBLAS's own thread pool, which LibTorch's LAPACK calls use, so
// bench::torch_threads sets that too (otherwise the peer ran on two threads, and on a loaded machine its
// waits made it up to 40x slower in wall time).
//
// Run (Debian's OpenBLAS picks slow kernels on this CPU unless told):
//   OPENBLAS_CORETYPE=SkylakeX build/bench/bench/ctorch_linalg_bench --benchmark_min_time=0.2
#include <torch/torch.h>

#include <ctorch/ctorch.hpp>

#include <benchmark/benchmark.h>

#include "torch_threads.hpp"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr std::int64_t kN = 256, kRhs = 16;

template <class T>
std::vector<T> data(std::int64_t m, std::int64_t n, std::uint64_t seed, double diag = 0) {
  std::vector<T> v(static_cast<std::size_t>(m * n));
  std::uint64_t s = seed * 6364136223846793005ull + 1442695040888963407ull;
  for (auto& x : v) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    x = T(double(s >> 11) / double(1ull << 53) * 2.0 - 1.0);
  }
  for (std::int64_t i = 0; i < std::min(m, n); ++i) v[std::size_t(i * n + i)] += T(diag);
  return v;
}

// A symmetric positive-definite N x N matrix: X X^T + N I.
template <class T>
std::vector<T> spd(std::int64_t n) {
  const auto x = data<double>(n, n, 3);
  std::vector<T> a(static_cast<std::size_t>(n * n));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      double s = i == j ? double(n) : 0.0;
      for (std::int64_t k = 0; k < n; ++k) s += x[std::size_t(i * n + k)] * x[std::size_t(j * n + k)];
      a[std::size_t(i * n + j)] = T(s);
    }
  return a;
}

template <class T>
using CMat = ctorch::Tensor<T, ctorch::Shape<ctorch::Dyn, ctorch::Dyn>>;

template <class T>
CMat<T> to_ctorch(const std::vector<T>& v, std::int64_t m, std::int64_t n) {
  CMat<T> t(m, n);
  std::memcpy(t.data(), v.data(), v.size() * sizeof(T));
  return t;
}

template <class T>
torch::Tensor to_torch(const std::vector<T>& v, std::int64_t m, std::int64_t n) {
  auto t = torch::empty({m, n}, std::is_same_v<T, double> ? torch::kFloat64 : torch::kFloat32);
  std::memcpy(t.template data_ptr<T>(), v.data(), v.size() * sizeof(T));
  return t;
}

struct OneThread {
  int c = ctorch::get_num_threads(), t = at::get_num_threads();
  OneThread() {
    ctorch::set_num_threads(1);
    bench::torch_threads(1);
  }
  ~OneThread() {
    ctorch::set_num_threads(c);
    bench::torch_threads(t);
  }
};

template <class T>
void solve_ctorch(benchmark::State& st) {
  OneThread g;
  const auto a = to_ctorch(data<T>(kN, kN, 1, 4.0), kN, kN);
  const auto b = to_ctorch(data<T>(kN, kRhs, 2), kN, kRhs);
  for (auto _ : st) {
    auto x = ctorch::linalg::solve(a, b);
    benchmark::DoNotOptimize(x.data());
  }
}
template <class T>
void solve_torch(benchmark::State& st) {
  OneThread g;
  torch::NoGradGuard ng;
  const auto a = to_torch(data<T>(kN, kN, 1, 4.0), kN, kN);
  const auto b = to_torch(data<T>(kN, kRhs, 2), kN, kRhs);
  for (auto _ : st) {
    auto x = torch::linalg_solve(a, b);
    benchmark::DoNotOptimize(x.template data_ptr<T>());
  }
}

template <class T>
void cholesky_ctorch(benchmark::State& st) {
  OneThread g;
  const auto a = to_ctorch(spd<T>(kN), kN, kN);
  for (auto _ : st) {
    auto l = ctorch::linalg::cholesky(a);
    benchmark::DoNotOptimize(l.data());
  }
}
template <class T>
void cholesky_torch(benchmark::State& st) {
  OneThread g;
  torch::NoGradGuard ng;
  const auto a = to_torch(spd<T>(kN), kN, kN);
  for (auto _ : st) {
    auto l = torch::linalg_cholesky(a);
    benchmark::DoNotOptimize(l.template data_ptr<T>());
  }
}

template <class T>
void svd_ctorch(benchmark::State& st) {
  OneThread g;
  const auto a = to_ctorch(data<T>(kN, kN, 5), kN, kN);
  for (auto _ : st) {
    auto r = ctorch::linalg::svd(a);
    benchmark::DoNotOptimize(r.S.data());
  }
}
template <class T>
void svd_torch(benchmark::State& st) {
  OneThread g;
  torch::NoGradGuard ng;
  const auto a = to_torch(data<T>(kN, kN, 5), kN, kN);
  for (auto _ : st) {
    auto r = torch::linalg_svd(a, /*full_matrices=*/false);
    benchmark::DoNotOptimize(std::get<1>(r).template data_ptr<T>());
  }
}

void reg(const std::string& name, void (*fn)(benchmark::State&)) {
  benchmark::RegisterBenchmark(name.c_str(), fn)->UseRealTime()->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
  reg("solve_f64_256x16/ctorch", solve_ctorch<double>);
  reg("solve_f64_256x16/torch", solve_torch<double>);
  reg("solve_f32_256x16/ctorch", solve_ctorch<float>);
  reg("solve_f32_256x16/torch", solve_torch<float>);
  reg("cholesky_f64_256/ctorch", cholesky_ctorch<double>);
  reg("cholesky_f64_256/torch", cholesky_torch<double>);
  reg("cholesky_f32_256/ctorch", cholesky_ctorch<float>);
  reg("cholesky_f32_256/torch", cholesky_torch<float>);
  reg("svd_f64_256/ctorch", svd_ctorch<double>);
  reg("svd_f64_256/torch", svd_torch<double>);
  reg("svd_f32_256/ctorch", svd_ctorch<float>);
  reg("svd_f32_256/torch", svd_torch<float>);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
