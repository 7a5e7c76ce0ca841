// bench/bench_autograd.cpp: the ctorch side of the autograd cases.
#include <ctorch/autograd.hpp>
#include <ctorch/core.hpp>
#include <ctorch/ops/pointwise.hpp>
#include <ctorch/ops/reduction.hpp>
#include <cstring>

#include "bench_cases.hpp"

namespace bench {

namespace {
template <class S>
ctorch::Var<float, S> make_var(std::int64_t n, std::uint32_t seed) {
  ctorch::Tensor<float, S> t(n);
  const auto d = make_data(n, seed);
  std::memcpy(t.data(), d.data(), d.size() * sizeof(float));
  return ctorch::Var<float, S>(std::move(t), true);
}
struct Threads {
  int saved = ctorch::get_num_threads();
  explicit Threads(int n) { ctorch::set_num_threads(n); }
  ~Threads() { ctorch::set_num_threads(saved); }
};
}  // namespace

void backward16_ctorch(benchmark::State& st) {
  using S = ctorch::Shape<16>;
  ctorch::Tensor<float, S> ta, tb;
  const auto da = make_data(16, 7), db = make_data(16, 8);
  std::memcpy(ta.data(), da.data(), 64);
  std::memcpy(tb.data(), db.data(), 64);
  ctorch::Var<float, S> a(ta, true), b(tb, true);
  for (auto _ : st) {
    a.zero_grad();
    b.zero_grad();
    ctorch::Var c = a + b;
    sum(c).backward();
    benchmark::DoNotOptimize(a.grad().data());
  }
}

void fused_backward_ctorch(benchmark::State& st, int threads) {
  Threads guard(threads);
  using S = ctorch::Shape<ctorch::Dyn>;
  auto a = make_var<S>(kFusedN, 1), x = make_var<S>(kFusedN, 2), b = make_var<S>(kFusedN, 3),
       c = make_var<S>(kFusedN, 4);
  for (auto _ : st) {
    for (auto* v : {&a, &x, &b, &c}) v->zero_grad();
    ctorch::Var y = tanh(a * x + b) * sigmoid(c);
    sum(y).backward();
    benchmark::DoNotOptimize(c.grad().data());
  }
  st.SetItemsProcessed(st.iterations() * kFusedN);
}

}  // namespace bench
