// bench/bench_pointwise.cpp: the ctorch, Eigen and plain-loop sides of the pointwise cases.
#include <ctorch/ctorch.hpp>

#include <Eigen/Core>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "bench_cases.hpp"

namespace bench {

std::vector<float> make_data(std::int64_t n, std::uint32_t seed, float lo, float hi) {
  std::vector<float> v(static_cast<std::size_t>(n));
  std::uint64_t s = seed * 6364136223846793005ull + 1442695040888963407ull;
  for (auto& x : v) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    x = lo + (hi - lo) * float(s >> 40) / float(1u << 24);
  }
  return v;
}

namespace {
using Vec = ctorch::Tensor<float, ctorch::Shape<ctorch::Dyn>>;

Vec make_tensor(std::int64_t n, std::uint32_t seed) {
  Vec t(n);
  const auto d = make_data(n, seed);
  std::copy(d.begin(), d.end(), t.data());
  return t;
}

// Sets ctorch's thread count for one benchmark and restores it afterwards.
struct CtorchThreads {
  int saved = ctorch::get_num_threads();
  explicit CtorchThreads(int n) { ctorch::set_num_threads(n); }
  ~CtorchThreads() { ctorch::set_num_threads(saved); }
};

struct AlignedFree {
  void operator()(float* p) const { std::free(p); }
};
using AlignedBuf = std::unique_ptr<float[], AlignedFree>;
AlignedBuf aligned_floats(std::int64_t n) {
  const std::size_t bytes = (std::size_t(n) * sizeof(float) + 63) / 64 * 64;
  auto* p = static_cast<float*>(std::aligned_alloc(64, bytes));
  std::memset(p, 0, bytes);
  return AlignedBuf(p);
}
}  // namespace

// ---- case 1: y = tanh(a * x + b) * sigmoid(c) ----

void fused_ctorch(benchmark::State& st, int threads) {
  CtorchThreads guard(threads);
  const Vec a = make_tensor(kFusedN, 1), x = make_tensor(kFusedN, 2), b = make_tensor(kFusedN, 3),
            c = make_tensor(kFusedN, 4);
  Vec y(kFusedN);
  for (auto _ : st) {
    y = ctorch::tanh(a * x + b) * ctorch::sigmoid(c);
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(y.data()[kFusedN / 2]);
  st.SetItemsProcessed(st.iterations() * kFusedN);
}

// Eigen evaluates an array expression on one thread; with threads > 1 the arrays are split into
// `threads` contiguous segments, one per OpenMP thread, each evaluated by Eigen's packet loop.
void fused_eigen(benchmark::State& st, int threads) {
  auto fill = [](std::uint32_t seed) {
    const auto d = make_data(kFusedN, seed);
    Eigen::ArrayXf v(kFusedN);
    std::copy(d.begin(), d.end(), v.data());
    return v;
  };
  const Eigen::ArrayXf a = fill(1), x = fill(2), b = fill(3), c = fill(4);
  Eigen::ArrayXf y(kFusedN);
  auto segment = [&](Eigen::Index lo, Eigen::Index len) {
    y.segment(lo, len) =
        (a.segment(lo, len) * x.segment(lo, len) + b.segment(lo, len)).tanh() * c.segment(lo, len).logistic();
  };
  for (auto _ : st) {
    if (threads == 1) {
      y = (a * x + b).tanh() * c.logistic();
    } else {
      const Eigen::Index chunk = (kFusedN / threads + 15) / 16 * 16;
#pragma omp parallel for num_threads(threads) schedule(static, 1)
      for (int t = 0; t < threads; ++t) {
        const Eigen::Index lo = std::min<Eigen::Index>(kFusedN, t * chunk);
        segment(lo, std::min<Eigen::Index>(kFusedN, lo + chunk) - lo);
      }
    }
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(y.data()[kFusedN / 2]);
  st.SetItemsProcessed(st.iterations() * kFusedN);
}

// ---- case 2: triad a = b + s * c ----

void triad_ctorch(benchmark::State& st, int threads) {
  CtorchThreads guard(threads);
  const Vec b = make_tensor(kTriadN, 5), c = make_tensor(kTriadN, 6);
  Vec a(kTriadN);
  float s = kTriadS;
  for (auto _ : st) {
    benchmark::DoNotOptimize(s);
    a = b + s * c;
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(a.data()[kTriadN / 2]);
  st.SetBytesProcessed(st.iterations() * kTriadN * 3 * std::int64_t(sizeof(float)));
}

namespace {
// The loop a C++ programmer writes; GCC vectorises it (-O3 -march=native). Not inlined so that the
// compiler sees nothing the benchmark loop knows.
[[gnu::noinline]] void triad_plain(float* a, const float* b, const float* c, float s, std::int64_t n, int threads) {
  if (threads == 1) {
    for (std::int64_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
  } else {
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
  }
}
}  // namespace

void triad_loop(benchmark::State& st, int threads) {
  auto a = aligned_floats(kTriadN), b = aligned_floats(kTriadN), c = aligned_floats(kTriadN);
  const auto bd = make_data(kTriadN, 5), cd = make_data(kTriadN, 6);
  std::copy(bd.begin(), bd.end(), b.get());
  std::copy(cd.begin(), cd.end(), c.get());
  float s = kTriadS;
  for (auto _ : st) {
    benchmark::DoNotOptimize(s);
    triad_plain(a.get(), b.get(), c.get(), s, kTriadN, threads);
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(a[kTriadN / 2]);
  st.SetBytesProcessed(st.iterations() * kTriadN * 3 * std::int64_t(sizeof(float)));
}

// ---- case 3: c = a + b on 16 floats with a static shape ----
// Both sides get the same barriers: DoNotOptimize on the operands' data pointers before (it clobbers
// memory, so a and b are reloaded every iteration) and ClobberMemory after (c's stores happen).

void add16_ctorch(benchmark::State& st) {
  using V16 = ctorch::Tensor<float, ctorch::Shape<16>>;
  V16 a, b, c;
  const auto d = make_data(32, 7);
  std::copy(d.begin(), d.begin() + 16, a.data());
  std::copy(d.begin() + 16, d.end(), b.data());
  for (auto _ : st) {
    benchmark::DoNotOptimize(a.data());
    benchmark::DoNotOptimize(b.data());
    c = a + b;
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(c.data()[3]);
}

// The same through a view (c.view() = a + b): what the assignment itself costs, without
// Tensor::operator='s resize check.
void add16_ctorch_view(benchmark::State& st) {
  using V16 = ctorch::Tensor<float, ctorch::Shape<16>>;
  V16 a, b, c;
  const auto d = make_data(32, 7);
  std::copy(d.begin(), d.begin() + 16, a.data());
  std::copy(d.begin() + 16, d.end(), b.data());
  for (auto _ : st) {
    benchmark::DoNotOptimize(a.data());
    benchmark::DoNotOptimize(b.data());
    c.view() = a + b;
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(c.data()[3]);
}

void add16_loop(benchmark::State& st) {
  auto a = aligned_floats(16), b = aligned_floats(16), c = aligned_floats(16);
  const auto d = make_data(32, 7);
  std::copy(d.begin(), d.begin() + 16, a.get());
  std::copy(d.begin() + 16, d.end(), b.get());
  for (auto _ : st) {
    benchmark::DoNotOptimize(a.get());
    benchmark::DoNotOptimize(b.get());
    const float *pa = a.get(), *pb = b.get();
    float* pc = c.get();
    for (int i = 0; i < 16; ++i) pc[i] = pa[i] + pb[i];
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(c[3]);
}

}  // namespace bench
