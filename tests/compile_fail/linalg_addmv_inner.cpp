// A static inner-dim mismatch in addmv: the first lines name the op (addmv) and both shapes.
// expect: addmv_check<ctorch::Shape<3, 4>, ctorch::Shape<5> >
// expect: static assertion failed: ctorch: addmv: the columns of mat do not match the size of vec
#include <ctorch/ctorch.hpp>
int main() {
  ctorch::Tensor<float, ctorch::Shape<3>> input;
  ctorch::Tensor<float, ctorch::Shape<3, 4>> mat;
  ctorch::Tensor<float, ctorch::Shape<5>> vec;
  auto out = ctorch::addmv(input, mat, vec);
  (void)out;
}
