// A static view whose element count differs: the first lines name the op and both shapes.
// expect: view_check<ctorch::op::View, ctorch::Shape<2, 3, 4>, ctorch::Shape<5, 5>, false>
// expect: static assertion failed: ctorch: view op: the input's static shape does not allow this
#include <ctorch/ctorch.hpp>
int main() {
  ctorch::Tensor<float, ctorch::Shape<2, 3, 4>> a;
  auto v = ctorch::view<5, 5>(a);
  (void)v;
}
