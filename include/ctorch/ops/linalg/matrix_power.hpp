// ctorch/ops/linalg/matrix_power.hpp: matrix_power (torch.linalg.matrix_power, torch.matrix_power),
// A^n for an integer n: the identity for n = 0, inv(A)^|n| for n < 0.
// Shape: [*, m, m] -> [*, m, m]. Static non-square: compile error from square_check; Dyn: shape_error.
// dtype: float or double. Method: binary powering with GEMM (about 2 log2|n| products). Errors: n < 0
// with a singular A throws linalg.inv's value_error. Gradient: not yet.
#pragma once
#include "inverse.hpp"

namespace ctorch {

namespace linalg {
// requires: A square (or a batch), float or double; nonsingular when n < 0. ensures: A^n of A's shape.
template <Expression X>
auto matrix_power(const X& a, long long n) {
  namespace cd = ctorch::detail;
  using T = cd::lin_value_t<X>;
  using S = cd::lin_shape_t<X>;
  static_assert(cd::square_check<op::LinalgMatrixPower, S, T>::value);
  auto base = n < 0 ? cd::inverse_impl<op::LinalgInv>(a) : cd::la_work(a);
  const auto b = cd::la_batch(base.sizes());
  cd::la_check_square(op::LinalgMatrixPower::name, b);
  const index_t m = b.m;
  Tensor<T, S, Cpu> result(base.dims()), tmp(base.dims());
  for (index_t i = 0; i < b.count; ++i)
    for (index_t r = 0; r < m; ++r) result.data()[i * m * m + r * m + r] = T(1);
  unsigned long long e = n < 0 ? 0ull - static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n);
  bool first = true;  // result is still the identity: copy instead of multiplying
  auto mul = [&](Tensor<T, S, Cpu>& dst, const Tensor<T, S, Cpu>& x, const Tensor<T, S, Cpu>& y) {
    for (index_t i = 0; i < b.count; ++i)
      cd::lapack::gemm<T>(m, m, m, T(1), cd::la_mat(const_cast<T*>(x.data()), i, m, m),
                          cd::la_mat(const_cast<T*>(y.data()), i, m, m), T(0), cd::la_mat(tmp.data(), i, m, m));
    std::swap(dst, tmp);
  };
  while (e > 0) {
    if (e & 1) {
      if (first) result = base, first = false;
      else mul(result, result, base);
    }
    e >>= 1;
    if (e > 0) mul(base, base, base);
  }
  return result;
}
}  // namespace linalg

// torch.matrix_power: the same as linalg::matrix_power.
// requires / ensures: as linalg::matrix_power.
template <Expression X>
auto matrix_power(const X& a, long long n) {
  return linalg::matrix_power(a, n);
}

}  // namespace ctorch
