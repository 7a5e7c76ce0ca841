// A static inner-dim mismatch in mm: the first lines name the op (mm) and both shapes.
// expect: product_check<ctorch::op::Mm, ctorch::Shape<3, 4>, ctorch::Shape<5, 6> >
// expect: static assertion failed: ctorch: the inner dims of this product do not match
#include <ctorch/ctorch.hpp>
int main() {
  ctorch::Tensor<float, ctorch::Shape<3, 4>> a;
  ctorch::Tensor<float, ctorch::Shape<5, 6>> b;
  auto c = ctorch::mm(a, b);
  (void)c;
}
