// bench/bench_main.cpp: registers every case in a fixed order (ctorch first, then its peers) and runs
// Google Benchmark. Wall-clock time throughout (UseRealTime): threaded cases would otherwise report
// only the calling thread's CPU time.
#include <string>

#include "bench_cases.hpp"

namespace {
template <class F>
void reg(const std::string& name, F fn, benchmark::TimeUnit unit = benchmark::kMicrosecond) {
  benchmark::RegisterBenchmark(name.c_str(), fn)->UseRealTime()->Unit(unit);
}
template <class F>
void reg_threads(const std::string& name, F fn, int threads) {
  reg(name, [fn, threads](benchmark::State& st) { fn(st, threads); });
}
}  // namespace

int main(int argc, char** argv) {
  for (int t : {1, 2}) {
    const std::string c = "fused_2^22_t" + std::to_string(t) + "/";
    reg_threads(c + "ctorch", bench::fused_ctorch, t);
    reg_threads(c + "eigen", bench::fused_eigen, t);
    reg_threads(c + "torch", bench::fused_torch, t);
  }
  for (int t : {1, 2}) {
    const std::string c = "triad_2^24_t" + std::to_string(t) + "/";
    reg_threads(c + "ctorch", bench::triad_ctorch, t);
    reg_threads(c + "loop", bench::triad_loop, t);
  }
  reg("add_16_static/ctorch", bench::add16_ctorch, benchmark::kNanosecond);
  reg("add_16_static/ctorch_view", bench::add16_ctorch_view, benchmark::kNanosecond);
  reg("add_16_static/loop", bench::add16_loop, benchmark::kNanosecond);
  reg("add_16_static/torch_add_out", bench::add16_torch_add_out, benchmark::kNanosecond);
  reg("add_16_static/torch_add", bench::add16_torch_add, benchmark::kNanosecond);
  // SGEMM: static N x N x N for N = 8, 16, 32 (ctorch vs Eigen fixed-size; OpenBLAS on the same sizes),
  // then N = 64, 256, 1024, 2048 and an MNIST-layer shape (64 x 784) x (784 x 128), Dyn shapes.
  reg("sgemm_static_8/ctorch", bench::gemm_static_ctorch<8>, benchmark::kNanosecond);
  reg("sgemm_static_8/eigen", bench::gemm_static_eigen<8>, benchmark::kNanosecond);
  reg("sgemm_static_16/ctorch", bench::gemm_static_ctorch<16>, benchmark::kNanosecond);
  reg("sgemm_static_16/eigen", bench::gemm_static_eigen<16>, benchmark::kNanosecond);
  reg("sgemm_static_32/ctorch", bench::gemm_static_ctorch<32>, benchmark::kNanosecond);
  reg("sgemm_static_32/eigen", bench::gemm_static_eigen<32>, benchmark::kNanosecond);
  struct G {
    const char* name;
    std::int64_t m, k, n;
  };
  for (const std::int64_t n : {8, 16, 32}) {
    const std::string c = "sgemm_static_" + std::to_string(n) + "/";
    reg(
        c + "openblas", [n](benchmark::State& st) { bench::gemm_openblas(st, n, n, n, 1); }, benchmark::kNanosecond);
  }
  for (const G g : {G{"sgemm_64", 64, 64, 64}, G{"sgemm_256", 256, 256, 256}, G{"sgemm_1024", 1024, 1024, 1024},
                    G{"sgemm_2048", 2048, 2048, 2048}, G{"sgemm_64x784x128", 64, 784, 128}})
    for (int t : {1, 2}) {
      const std::string c = std::string(g.name) + "_t" + std::to_string(t) + "/";
      reg(c + "ctorch", [g, t](benchmark::State& st) { bench::gemm_ctorch(st, g.m, g.k, g.n, t); });
      reg(c + "openblas", [g, t](benchmark::State& st) { bench::gemm_openblas(st, g.m, g.k, g.n, t); });
      reg(c + "eigen", [g, t](benchmark::State& st) { bench::gemm_eigen(st, g.m, g.k, g.n, t); });
    }

  reg("backward_add_sum_16/ctorch", bench::backward16_ctorch, benchmark::kNanosecond);
  reg("backward_add_sum_16/torch", bench::backward16_torch, benchmark::kNanosecond);
  for (int t : {1, 2}) {
    const std::string c = "fused_fwd_bwd_2^22_t" + std::to_string(t) + "/";
    reg_threads(c + "ctorch", bench::fused_backward_ctorch, t);
    reg_threads(c + "torch", bench::fused_backward_torch, t);
  }

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
