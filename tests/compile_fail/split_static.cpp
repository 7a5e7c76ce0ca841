// split_with_sizes with static sizes that do not sum to the static extent: the first lines name the op,
// the dim and sizes, and the shape.
// expect: joining_check<ctorch::op::SplitWithSizes, ctorch::Args<1, 2, 2>, false, ctorch::Shape<2, 3> >
// expect: static assertion failed: ctorch: joining op
#include <ctorch/ctorch.hpp>
#include <ctorch/ops/joining.hpp>
int main() {
  ctorch::Tensor<float, ctorch::Shape<2, 3>> a;
  auto [p, q] = ctorch::split_with_sizes<1, 2, 2>(a);
  (void)p;
  (void)q;
}
