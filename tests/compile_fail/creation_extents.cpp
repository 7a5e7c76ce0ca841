// A creation op given fewer run-time extents than its shape has Dyn extents: the first lines name the op,
// the shape and how many extents were given.
// expect: creation_extents_check<ctorch::creation::Zeros, ctorch::Shape<-1, 3, -1>, 1
// expect: static assertion failed: ctorch: creation: give one run-time extent per Dyn extent
#include <ctorch/ctorch.hpp>
int main() {
  auto z = ctorch::zeros<float, ctorch::Shape<ctorch::Dyn, 3, ctorch::Dyn>>(2);
  (void)z;
}
