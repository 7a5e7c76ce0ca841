// A short tour of ctorch tensors and lazy expressions (the README's main example until nn lands).
#include <ctorch/ctorch.hpp>

#include <iostream>

using namespace ctorch;

int main() {
  // Shapes are types. Dyn marks an extent known only at run time (here, the batch).
  const int batch = 4;
  Tensor<float, Shape<Dyn, 3>> x(batch);
  for (index_t i = 0; i < x.numel(); ++i) x.data()[i] = 0.25f * float(i) - 1.0f;
  Tensor<float, Shape<3>> w{0.5f, -1.0f, 2.0f};
  std::cout << "x =\n" << x << "\nw = " << w << "\n\n";

  // Nothing is computed here: y is a typed expression whose shape, Shape<Dyn, 3>, is known at compile time.
  auto y = tanh(x * w + 1.0f) * sigmoid(x);
  static_assert(std::is_same_v<decltype(y)::shape_type, Shape<Dyn, 3>>);

  // Assignment runs one fused, vectorised loop (w is broadcast along the batch).
  Tensor<float, Shape<Dyn, 3>> out = y;
  std::cout << "tanh(x * w + 1) * sigmoid(x) =\n" << out << "\n\n";

  // Reductions are fused with their argument too: sum(x * x) makes no temporary.
  std::cout << "sum(x * x) = " << sum(x * x).item() << "\n";
  std::cout << "mean over dim 0 = " << mean<0>(out) << "\n";
  auto [values, indices] = max<1>(out);
  std::cout << "max over dim 1 = " << values << ", at " << indices << "\n\n";

  // Views alias: writing through a transposed view changes the tensor.
  auto xt = transpose<0, 1>(x);
  xt(2, 0) = 100.0f;
  std::cout << "after xt(2, 0) = 100: x(0, 2) = " << x(0, 2) << "\n";

  // Creation ops and dtype promotion follow PyTorch.
  auto r = arange<std::int32_t>(0, 6);
  std::cout << "arange(0, 6) / 4 = " << Tensor<float, Shape<Dyn>>(r / 4) << "\n";

  // A Dyn mismatch is a clear exception (a static one would not compile).
  Tensor<float, Shape<Dyn>> bad(5);
  try {
    Tensor<float, Shape<Dyn, 3>> z = x + bad;
  } catch (const shape_error& e) {
    std::cout << "error: " << e.what() << "\n";
  }
  return 0;
}
