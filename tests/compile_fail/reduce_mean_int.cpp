// mean of an integer tensor is an error in PyTorch; here it does not compile, with PyTorch's message.
// expect: static assertion failed: ctorch: mean\(\): could not infer output dtype
#include <ctorch/ctorch.hpp>
int main() {
  ctorch::Tensor<int, ctorch::Shape<3>> a;
  auto m = ctorch::mean(a);
  (void)m;
}
