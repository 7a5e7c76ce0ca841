// expand to an incompatible static shape: the first lines name the op and both shapes.
// expect: view_check<ctorch::op::Expand, ctorch::Shape<3>, ctorch::Shape<2, 4>, false>
// expect: static assertion failed: ctorch: view op
#include <ctorch/ctorch.hpp>
int main() {
  ctorch::Tensor<float, ctorch::Shape<3>> a;
  auto v = ctorch::expand<ctorch::Shape<2, 4>>(a);
  (void)v;
}
