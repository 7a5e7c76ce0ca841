// expect: sequential_check<.*Linear<784, 128.*Linear<64, 10
// expect: Sequential: a layer does not accept the previous layer's output
#include <ctorch/nn.hpp>

int main() {
  ctorch::nn::Sequential<ctorch::nn::Linear<784, 128>, ctorch::nn::Linear<64, 10>> model;
  ctorch::Tensor<float, ctorch::Shape<ctorch::Dyn, 784>> x(2);
  auto y = model(x);
  (void)y;
}
