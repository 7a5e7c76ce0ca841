// cat of static shapes that differ outside the cat dim: the first lines name the op, the dim and the shapes.
// expect: joining_check<ctorch::op::Cat, ctorch::Args<0>, false, ctorch::Shape<2, 3>, ctorch::Shape<2, 4> >
// expect: static assertion failed: ctorch: joining op
#include <ctorch/ctorch.hpp>
#include <ctorch/ops/joining.hpp>
int main() {
  ctorch::Tensor<float, ctorch::Shape<2, 3>> a;
  ctorch::Tensor<float, ctorch::Shape<2, 4>> b;
  auto c = ctorch::cat<0>(a, b);
  (void)c;
}
