// squeeze of a dim that is not statically 1: the first lines name the op, the shape and the dim.
// expect: view_check<ctorch::op::Squeeze, ctorch::Shape<2, 3>, ctorch::Args<1>, false>
// expect: static assertion failed: ctorch: view op
#include <ctorch/ctorch.hpp>
int main() {
  ctorch::Tensor<float, ctorch::Shape<2, 3>> a;
  auto v = ctorch::squeeze<1>(a);
  (void)v;
}
