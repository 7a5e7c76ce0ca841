// ctorch/ops/linalg/matrix_power.hpp: matrix_power (torch.linalg.matrix_power, torch.matrix_power),
// A^n for an integer n: the identity for n = 0, inv(A)^|n| for n < 0.
// Shape: [*, m, m] -> [*, m, m]. Static non-square: compile error from square_check; Dyn: shape_error.
// dtype: float or double. Method: binary powering with GEMM (about 2 log2|n| products). Errors: n < 0
// with a singular A throws linalg.inv's value_error.
// Gradient: n > 0: gA = sum_{k < n} (A^T)^k G (A^T)^{n-1-k} (what PyTorch's chain of products gives);
// n = 0: none; n < 0: that sum for B = inv(A) and |n|, then gA = -B^T gB B^T.
#pragma once
#include "graph_grad.hpp"
#include "inverse.hpp"
#include "lapack_grad.hpp"

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
      if (first)
        result = base, first = false;
      else
        mul(result, result, base);
    }
    e >>= 1;
    if (e > 0) mul(base, base, base);
  }
  return result;
}

// Autograd: as matrix_power, recording the VJP at the top of this file.
template <Tracked X>
auto matrix_power(const X& a, long long n) {
  namespace cd = ctorch::detail;
  static_assert(cd::square_check<op::LinalgMatrixPower, cd::lin_shape_t<X>, cd::lin_value_t<X>>::value);
  auto v = autograd::as_var(a);
  using V = decltype(v);
  return autograd::record_graph(
      "LinalgMatrixPowerBackward0", linalg::matrix_power(v.value(), n),
      [n](const auto& g, const auto&, const V& in) {
        using T = typename V::value_type;
        T* ga = cd::la_grad(in);
        if (!ga || n == 0) return;
        const auto b = cd::la_batch(in.value().sizes());
        const index_t m = b.m;
        const unsigned long long e =
            n < 0 ? 0ull - static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n);
        // The base (A, or inv(A) for n < 0) of each matrix.
        std::vector<T> base =
            n < 0 ? cd::la_inverse_batch<op::LinalgMatrixPower>(in.value().data(), b.count, m, V::rank > 2)
                  : std::vector<T>(in.value().data(), in.value().data() + b.count * m * m);
        for (index_t i = 0; i < b.count; ++i) {
          const auto bi = cd::la_cmat(base.data(), i, m, m);
          // S_1 = G, S_{j+1} = B^T S_j + G (B^T)^j, so S_e = sum_{k < e} (B^T)^k G (B^T)^{e-1-k}: 2e
          // products, two temporaries.
          const auto gi = cd::la_cmat(g.data(), i, m, m);
          cd::LaTmp<T> gb(m, m), pw(m, m);
          cd::la_add_to(gb.d.data(), m, m, gi);
          cd::la_add_to(pw.d.data(), m, m, bi.t());
          for (unsigned long long j = 1; j < e; ++j) {
            auto s = cd::la_prod<T>(m, m, m, bi.t(), gb.ref());
            cd::la_addprod<T>(m, m, m, gi, pw.ref(), s.ref());
            gb = std::move(s);
            if (j + 1 < e) pw = cd::la_prod<T>(m, m, m, pw.ref(), bi.t());
          }
          auto out = cd::la_mat(ga, i, m, m);
          if (n > 0) {
            cd::la_add_to(out.p, m, m, gb.ref());
          } else {
            auto t = cd::la_prod<T>(m, m, m, bi.t(), gb.ref());
            cd::la_addprod<T>(m, m, m, t.ref(), bi.t(), out, T(-1));
          }
        }
      },
      // create_graph: the same recurrence with recorded products on B^T (B = inv(A) recorded for n < 0).
      [n](const auto& g, const V& in) {
        using T = typename V::value_type;
        if (n == 0 || !in.requires_grad()) return;
        const unsigned long long e =
            n < 0 ? 0ull - static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n);
        const V bt = n < 0 ? V(cd::gg::mT(inv(in))) : V(cd::gg::mT(in));
        V s = g, pw = bt;
        for (unsigned long long j = 1; j < e; ++j) {
          s = V(cd::gg::mm(bt, s) + cd::gg::mm(g, pw));
          if (j + 1 < e) pw = V(cd::gg::mm(pw, bt));
        }
        if (n > 0)
          cd::gg::send(in, s);
        else
          cd::gg::send(in, cd::gg::mm(cd::gg::mm(bt, s), bt) * T(-1));
      },
      v);
}
}  // namespace linalg

// torch.matrix_power: the same as linalg::matrix_power.
// requires / ensures: as linalg::matrix_power.
template <Expression X>
auto matrix_power(const X& a, long long n) {
  return linalg::matrix_power(a, n);
}

}  // namespace ctorch
