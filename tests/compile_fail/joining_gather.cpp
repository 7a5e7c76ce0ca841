// gather with an index larger than the input outside the gather dim: the op, dim and shapes come first.
// expect: joining_check<ctorch::op::Gather, ctorch::Args<0>, false, ctorch::Shape<2, 3>, ctorch::Shape<1, 4> >
// expect: static assertion failed: ctorch: joining op
#include <ctorch/ctorch.hpp>
#include <ctorch/ops/joining.hpp>
int main() {
  ctorch::Tensor<float, ctorch::Shape<2, 3>> a;
  ctorch::Tensor<int64_t, ctorch::Shape<1, 4>> i;
  auto c = ctorch::gather<0>(a, i);
  (void)c;
}
