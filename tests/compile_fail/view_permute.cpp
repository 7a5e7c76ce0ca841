// permute with dims that are not a permutation: the first lines name the op, the shape and the dims.
// expect: view_check<ctorch::op::Permute, ctorch::Shape<2, 3, 4>, ctorch::Args<0, 0, 1>, false>
// expect: static assertion failed: ctorch: view op
#include <ctorch/ctorch.hpp>
int main() {
  ctorch::Tensor<float, ctorch::Shape<2, 3, 4>> a;
  auto v = ctorch::permute<0, 0, 1>(a);
  (void)v;
}
