// linalg::inv on a static non-square matrix: the first lines name the op (linalg.inv's tag) and the shape.
// expect: square_check<ctorch::op::LinalgInv, ctorch::Shape<3, 4>, float>
// expect: static assertion failed: ctorch: this op needs square matrices
#include <ctorch/ctorch.hpp>
int main() {
  ctorch::Tensor<float, ctorch::Shape<3, 4>> a;
  auto b = ctorch::linalg::inv(a);
  (void)b;
}
