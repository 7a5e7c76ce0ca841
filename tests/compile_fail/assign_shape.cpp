// Assigning into a view of a shape the source does not broadcast to: names both shapes.
// expect: broadcast_check<ctorch::op::Assign, ctorch::Shape<4, 2>, ctorch::Shape<4, 3> >
// expect: static assertion failed: ctorch: the shapes of this op are not broadcastable
#include <ctorch/ctorch.hpp>
int main() {
  ctorch::Tensor<float, ctorch::Shape<4, 2>> a;
  ctorch::Tensor<float, ctorch::Shape<4, 3>> b;
  a.view() = b + 1.0f;
}
