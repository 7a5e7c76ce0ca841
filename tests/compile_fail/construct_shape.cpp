// A tensor built from an expression of another static shape: names both shapes.
// expect: construct_check<ctorch::Shape<2, 3>, ctorch::Shape<3, 2> >
// expect: static assertion failed: ctorch: tensor: the expression's shape differs
#include <ctorch/ctorch.hpp>
int main() {
  ctorch::Tensor<float, ctorch::Shape<3, 2>> a;
  ctorch::Tensor<float, ctorch::Shape<2, 3>> b = a * 2.0f;
  (void)b;
}
