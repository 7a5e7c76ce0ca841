// A static broadcast mismatch: the first lines name the op (add) and both shapes.
// expect: broadcast_check<ctorch::op::Add, ctorch::Shape<3, 4>, ctorch::Shape<5> >
// expect: static assertion failed: ctorch: the shapes of this op are not broadcastable
#include <ctorch/ctorch.hpp>
int main() {
  ctorch::Tensor<float, ctorch::Shape<3, 4>> a;
  ctorch::Tensor<float, ctorch::Shape<5>> b;
  auto c = a + b;
  (void)c;
}
