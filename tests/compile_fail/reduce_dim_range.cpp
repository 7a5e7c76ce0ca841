// A static reduction dim out of range: the first lines name the reduction, the shape and the dim.
// expect: reduce_dim_check<ctorch::red::Sum, ctorch::Shape<3, 4>, 2>
// expect: static assertion failed: ctorch: reduction: dim out of range
#include <ctorch/ctorch.hpp>
int main() {
  ctorch::Tensor<float, ctorch::Shape<3, 4>> a;
  auto s = ctorch::sum<2>(a);
  (void)s;
}
