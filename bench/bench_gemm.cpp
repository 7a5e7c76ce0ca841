// bench/bench_gemm.cpp: SGEMM, C = A B on row-major float matrices: ctorch::mm (its own GEMM,
// eval/cpu/gemm.hpp), OpenBLAS cblas_sgemm (run with OPENBLAS_CORETYPE=SkylakeX), Eigen's GEMM.
// Reports GFLOP/s as the "FLOPS" counter (2 M N K per iteration).
#include <ctorch/ctorch.hpp>

#include <cblas.h>
#include <Eigen/Core>

#include <algorithm>

#include "bench_cases.hpp"

namespace bench {

namespace {
using Mat = ctorch::Tensor<float, ctorch::Shape<ctorch::Dyn, ctorch::Dyn>>;

Mat make_mat(std::int64_t r, std::int64_t c, std::uint32_t seed) {
  Mat t(r, c);
  const auto d = make_data(r * c, seed, -1.0f, 1.0f);
  std::copy(d.begin(), d.end(), t.data());
  return t;
}

void set_flops(benchmark::State& st, std::int64_t m, std::int64_t k, std::int64_t n) {
  st.counters["FLOPS"] = benchmark::Counter(2.0 * double(m) * double(n) * double(k),
                                            benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}
}  // namespace

void gemm_ctorch(benchmark::State& st, std::int64_t m, std::int64_t k, std::int64_t n, int threads) {
  const int saved = ctorch::get_num_threads();
  ctorch::set_num_threads(threads);
  const Mat a = make_mat(m, k, 1), b = make_mat(k, n, 2);
  Mat c(m, n);
  for (auto _ : st) {
    // The kernel itself (mm(a, b) would add an allocation of C per call).
    ctorch::linalg::gemm<float>(m, n, k, 1.0f, a.data(), k, 1, b.data(), n, 1, 0.0f, c.data(), n, 1);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_flops(st, m, k, n);
  ctorch::set_num_threads(saved);
}

void gemm_openblas(benchmark::State& st, std::int64_t m, std::int64_t k, std::int64_t n, int threads) {
  openblas_set_num_threads(threads);
  const Mat a = make_mat(m, k, 1), b = make_mat(k, n, 2);
  Mat c(m, n);
  for (auto _ : st) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(m), int(n), int(k), 1.0f, a.data(), int(k), b.data(),
                int(n), 0.0f, c.data(), int(n));
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_flops(st, m, k, n);
}

void gemm_eigen(benchmark::State& st, std::int64_t m, std::int64_t k, std::int64_t n, int threads) {
  using EM = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::setNbThreads(threads);
  const Mat a = make_mat(m, k, 1), b = make_mat(k, n, 2);
  Mat c(m, n);
  Eigen::Map<const EM> ea(a.data(), m, k), eb(b.data(), k, n);
  Eigen::Map<EM> ec(c.data(), m, n);
  for (auto _ : st) {
    ec.noalias() = ea * eb;
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_flops(st, m, k, n);
}

// Small static products: ctorch::mm on Tensor<float, Shape<N, N>> (the fully unrolled kernel of
// eval/cpu/gemm_static.hpp, a fresh result tensor per call as a user gets it) beside Eigen's fixed-size
// product (C.noalias() = A * B on Matrix<float, N, N>, stack storage). Both re-read their operands every
// iteration (DoNotOptimize on the data, ClobberMemory after).
template <int N>
void gemm_static_ctorch(benchmark::State& st) {
  ctorch::Tensor<float, ctorch::Shape<N, N>> a, b;
  const auto da = make_data(N * N, 1, -1.0f, 1.0f), db = make_data(N * N, 2, -1.0f, 1.0f);
  std::copy(da.begin(), da.end(), a.data());
  std::copy(db.begin(), db.end(), b.data());
  for (auto _ : st) {
    benchmark::DoNotOptimize(a.data());
    benchmark::DoNotOptimize(b.data());
    auto c = ctorch::mm(a, b);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_flops(st, N, N, N);
}

template <int N>
void gemm_static_eigen(benchmark::State& st) {
  using EM = Eigen::Matrix<float, N, N, Eigen::RowMajor>;
  EM a, b, c;
  const auto da = make_data(N * N, 1, -1.0f, 1.0f), db = make_data(N * N, 2, -1.0f, 1.0f);
  std::copy(da.begin(), da.end(), a.data());
  std::copy(db.begin(), db.end(), b.data());
  for (auto _ : st) {
    benchmark::DoNotOptimize(a.data());
    benchmark::DoNotOptimize(b.data());
    c.noalias() = a * b;
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_flops(st, N, N, N);
}

template void gemm_static_ctorch<8>(benchmark::State&);
template void gemm_static_ctorch<16>(benchmark::State&);
template void gemm_static_ctorch<32>(benchmark::State&);
template void gemm_static_eigen<8>(benchmark::State&);
template void gemm_static_eigen<16>(benchmark::State&);
template void gemm_static_eigen<32>(benchmark::State&);

}  // namespace bench
