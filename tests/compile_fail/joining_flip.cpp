// flip with a repeated dim: the first lines name the op, the dims and the shape.
// expect: joining_check<ctorch::op::Flip, ctorch::Args<0, -2>, false, ctorch::Shape<2, 3> >
// expect: static assertion failed: ctorch: joining op
#include <ctorch/ctorch.hpp>
#include <ctorch/ops/joining.hpp>
int main() {
  ctorch::Tensor<float, ctorch::Shape<2, 3>> a;
  auto c = ctorch::flip<0, -2>(a);
  (void)c;
}
