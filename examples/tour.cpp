// A short tour of ctorch tensors and lazy expressions (the README's main example until nn lands).
#include <ctorch/ctorch.hpp>

#include <cstdio>

using namespace ctorch;

int main() {
  // Shapes are types: Dyn marks an extent known only at run time (here, the batch).
  const int batch = 4;
  Tensor<float, Shape<Dyn, 3>> x(batch);
  for (index_t i = 0; i < x.numel(); ++i) x.data()[i] = 0.25f * float(i) - 1.0f;
  Tensor<float, Shape<3>> w{0.5f, -1.0f, 2.0f};

  // Nothing is computed here: y is a typed expression (its shape is Shape<Dyn, 3>).
  auto y = tanh(x * w + 1.0f) * sigmoid(x);
  static_assert(std::is_same_v<decltype(y)::shape_type, Shape<Dyn, 3>>);

  // Assignment runs one fused, vectorised loop.
  Tensor<float, Shape<Dyn, 3>> out = y;
  std::printf("out(3, 2) = %.6f\n", out(3, 2));
  return 0;
}
