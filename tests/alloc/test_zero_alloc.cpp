// A steady-state training step allocates nothing: after a warm-up, repeating the same forward and
// backward (and an optimizer-style update) makes no call to operator new. Its own executable, because
// it replaces the global operator new to count.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>

#include <ctorch/autograd.hpp>
#include <ctorch/core.hpp>
#include <ctorch/nn.hpp>
#include <ctorch/ops/creation.hpp>
#include <ctorch/ops/linalg.hpp>
#include <ctorch/ops/pointwise.hpp>
#include <ctorch/ops/reduction.hpp>
#include <ctorch/optim.hpp>

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
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}

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
  // The same for the issue-5 MLP: nn::Sequential (fused Linear + ReLU layers), cross entropy, Adam.
  nn::Sequential<nn::Flatten, nn::Linear<784, 128>, nn::ReLU, nn::Linear<128, 64>, nn::ReLU, nn::Linear<64, 10>> mlp;
  optim::Adam opt(mlp.parameters(), {.lr = 1e-3});
  nn::CrossEntropyLoss criterion;
  Tensor<float, Shape<Dyn, 1, 28, 28>> images(64);
  Tensor<std::int64_t, Shape<Dyn>> labels = Tensor<std::int64_t, Shape<Dyn>>(64);
  for (index_t i = 0; i < images.numel(); ++i) images.data()[i] = float(i % 13) / 13.f;
  for (index_t i = 0; i < labels.numel(); ++i) labels.data()[i] = i % 10;
  auto mlp_step = [&] {
    opt.zero_grad();
    auto loss = criterion(mlp(images), labels);
    loss.backward();
    opt.step();
    return loss.item();
  };
  // And the issue-5 LeNet-5 (conv2d, max pooling), at 2 threads: the convolutions' tables live in per-thread
  // scratch, like their kernels' buffers.
  nn::Sequential<nn::Conv2d<1, 6, 5, nn::Conv2dOptions{.padding = 2}>, nn::ReLU,
                 nn::MaxPool2d<nn::Pool2dOptions{.kernel = 2}>, nn::Conv2d<6, 16, 5>, nn::ReLU,
                 nn::MaxPool2d<nn::Pool2dOptions{.kernel = 2}>, nn::Flatten, nn::Linear<400, 120>, nn::ReLU,
                 nn::Linear<120, 84>, nn::ReLU, nn::Linear<84, 10>>
      lenet;
  optim::Adam lenet_opt(lenet.parameters(), {.lr = 1e-3});
  auto lenet_step = [&] {
    lenet_opt.zero_grad();
    auto loss = criterion(lenet(images), labels);
    loss.backward();
    lenet_opt.step();
    return loss.item();
  };
  // Counts operator new over 20 steps after a warm-up of 3.
  auto count = [](const char* what, auto&& f) {
    for (int i = 0; i < 3; ++i) f();
    const long before = g_news.load();
    double last = 0;
    for (int i = 0; i < 20; ++i) last = double(f());
    const long during = g_news.load() - before;
    std::printf("%s: operator new calls in 20 steady-state steps: %ld (loss %.6f)\n", what, during, last);
    return during;
  };
  const long a = count("hand-written MLP, SGD", step);
  const long b = count("nn::Sequential MLP, cross entropy, Adam", mlp_step);
  set_num_threads(2);
  const long c = count("nn::Sequential LeNet-5, cross entropy, Adam, 2 threads", lenet_step);
  return a == 0 && b == 0 && c == 0 ? 0 : 1;
}
