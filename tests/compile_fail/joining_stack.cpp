// stack of static shapes that differ: the first lines name the op, the dim and the shapes.
// expect: joining_check<ctorch::op::Stack, ctorch::Args<1>, false, ctorch::Shape<2, 3>, ctorch::Shape<3, 3> >
// expect: static assertion failed: ctorch: joining op
#include <ctorch/ctorch.hpp>
#include <ctorch/ops/joining.hpp>
int main() {
  ctorch::Tensor<float, ctorch::Shape<2, 3>> a;
  ctorch::Tensor<float, ctorch::Shape<3, 3>> b;
  auto c = ctorch::stack<1>(a, b);
  (void)c;
}
