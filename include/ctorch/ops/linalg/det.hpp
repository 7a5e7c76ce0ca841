// ctorch/ops/linalg/det.hpp: det (torch.linalg.det, torch.det), the determinant.
// Shape: [*, n, n] -> [*] (a 0-d tensor for one matrix). Static non-square: compile error from
// square_check<op::LinalgDet, Shape>; Dyn: shape_error. dtype: float or double.
// Method: the product of U's diagonal from LU with partial pivoting, with the pivots' sign. A singular
// matrix gives 0 (no error); the product may overflow to inf for large n, as in PyTorch (slogdet does
// not). Gradient: not yet.
#pragma once
#include "slogdet.hpp"

namespace ctorch {

namespace linalg {
// requires: A square (or a batch), float or double. ensures: a Tensor of A's batch shape, det(A).
template <Expression X>
auto det(const X& a) {
  static_assert(ctorch::detail::square_check<op::LinalgDet, ctorch::detail::lin_shape_t<X>,
                                             ctorch::detail::lin_value_t<X>>::value);
  auto lu = ctorch::detail::la_work(a);
  auto out = ctorch::detail::la_batch_result<op::LinalgDet>(lu);
  ctorch::detail::la_det_each<op::LinalgDet>(lu, [&](index_t i, auto, auto, auto d) { out.data()[i] = d; });
  return out;
}
}  // namespace linalg

// torch.det: the same as linalg::det.
// requires / ensures: as linalg::det.
template <Expression X>
auto det(const X& a) {
  return linalg::det(a);
}

}  // namespace ctorch
