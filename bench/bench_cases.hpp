// bench/bench_cases.hpp: the benchmark bodies, one per case and implementation, registered in order
// by bench_main.cpp. Names are "<case>/<impl>" so bench/ratios.py can pair them.
#pragma once
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bench {

// Case 1: y = tanh(a * x + b) * sigmoid(c), all five arrays of kFusedN floats.
inline constexpr std::int64_t kFusedN = std::int64_t(1) << 22;
// Case 2: the STREAM triad a = b + s * c.
inline constexpr std::int64_t kTriadN = std::int64_t(1) << 24;
inline constexpr float kTriadS = 3.0f;

// The same pseudo-random inputs for every implementation: uniform in [lo, hi), seeded.
std::vector<float> make_data(std::int64_t n, std::uint32_t seed, float lo = -3.0f, float hi = 3.0f);

void fused_ctorch(benchmark::State& st, int threads);
void fused_eigen(benchmark::State& st, int threads);
void fused_torch(benchmark::State& st, int threads);

void triad_ctorch(benchmark::State& st, int threads);
void triad_loop(benchmark::State& st, int threads);

void add16_ctorch(benchmark::State& st);
void add16_ctorch_view(benchmark::State& st);
void add16_loop(benchmark::State& st);
void add16_torch_add_out(benchmark::State& st);
void add16_torch_add(benchmark::State& st);

// SGEMM C = A B, A m x k, B k x n, row-major floats (bench_gemm.cpp).
void gemm_ctorch(benchmark::State& st, std::int64_t m, std::int64_t k, std::int64_t n, int threads);
void gemm_openblas(benchmark::State& st, std::int64_t m, std::int64_t k, std::int64_t n, int threads);
void gemm_eigen(benchmark::State& st, std::int64_t m, std::int64_t k, std::int64_t n, int threads);
// Static N x N x N (N = 8, 16, 32): ctorch::mm on static tensors, Eigen fixed-size matrices.
template <int N>
void gemm_static_ctorch(benchmark::State& st);
template <int N>
void gemm_static_eigen(benchmark::State& st);

}  // namespace bench

namespace bench {
// Autograd (bench_autograd.cpp / bench_torch.cpp): c = a + b; c.sum().backward() on 16 floats, and the
// forward + backward of sum(tanh(a * x + b) * sigmoid(c)) on kFusedN floats; leaves' .grad set to none
// every iteration in both libraries.
void backward16_ctorch(benchmark::State& st);
void backward16_torch(benchmark::State& st);
void fused_backward_ctorch(benchmark::State& st, int threads);
void fused_backward_torch(benchmark::State& st, int threads);
}  // namespace bench
