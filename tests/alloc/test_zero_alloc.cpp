// A steady-state training step allocates nothing: after a warm-up, repeating the same forward and
// backward (and an optimizer-style update) makes no call to operator new. Its own executable, because
// it replaces the global operator new to count.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

#include <ctorch/autograd.hpp>
#include <ctorch/core.hpp>
#include <ctorch/ops/creation.hpp>
#include <ctorch/ops/linalg.hpp>
#include <ctorch/ops/pointwise.hpp>
#include <ctorch/ops/reduction.hpp>

namespace {
std::atomic<long> g_news{0};
}
void* operator new(std::size_t n) {
  ++g_news;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, std::align_val_t a) {
  ++g_news;
  const std::size_t al = std::size_t(a);
  if (void* p = std::aligned_alloc(al, (n + al - 1) / al * al)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

using namespace ctorch;

int main() {
  set_num_threads(1);
  using X = Tensor<float, Shape<Dyn, 8>>;
  Var<float, Shape<8, 16>> w1(Tensor<float, Shape<8, 16>>(full<float, Shape<8, 16>>(0.1f)), true);
  Var<float, Shape<16>> b1(Tensor<float, Shape<16>>(full<float, Shape<16>>(0.01f)), true);
  Var<float, Shape<16, 4>> w2(Tensor<float, Shape<16, 4>>(full<float, Shape<16, 4>>(-0.05f)), true);
  X x(32);
  for (index_t i = 0; i < x.numel(); ++i) x.data()[i] = float(i % 7) * 0.1f;
  auto step = [&] {
    Var h = relu(mm(x, w1) + b1);
    auto loss = mean(square(tanh(mm(h, w2))));
    loss.backward();
    no_grad ng;
    for (auto* p : {&w1}) p->data_() = p->value() - 0.1f * p->grad();
    b1.data_() = b1.value() - 0.1f * b1.grad();
    w2.data_() = w2.value() - 0.1f * w2.grad();
    w1.zero_grad();
    b1.zero_grad();
    w2.zero_grad();
    return loss.item();
  };
  for (int i = 0; i < 3; ++i) step();
  const long before = g_news.load();
  float last = 0;
  for (int i = 0; i < 20; ++i) last = step();
  const long during = g_news.load() - before;
  std::printf("operator new calls in 20 steady-state steps: %ld (loss %.6f)\n", during, double(last));
  return during == 0 ? 0 : 1;
}
