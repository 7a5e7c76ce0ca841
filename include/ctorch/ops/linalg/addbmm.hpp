// ctorch/ops/linalg/addbmm.hpp: addbmm (torch.addbmm), beta * input + alpha * sum_i batch1[i] @ batch2[i].
// Shape: batch1 [B, N, M], batch2 [B, M, P] (equal batch sizes, as in PyTorch), input broadcastable to
// [N, P] -> [N, P]. A static mismatch is a compile error from batch_pair_check<op::Addbmm, Shape of
// batch1, Shape of batch2> (input: broadcast_check<op::Addbmm, ...>); a Dyn one throws shape_error naming addbmm and
// both shapes. With beta == 0, input is ignored (its NaNs do not propagate), as in PyTorch; an empty batch gives beta *
// input. dtype: float or double, batch1 and batch2 alike. Method: one GEMM per batch element accumulating into the
// output (beta = 1 after the first), so the sum costs no temporary.
#pragma once
#include <array>

#include "add_product.hpp"
#include "common.hpp"
#include "grad.hpp"

namespace ctorch {

// PyTorch's keyword order as C++ defaults: addbmm(input, batch1, batch2, beta = 1, alpha = 1).
// requires: batch1 [B, N, M], batch2 [B, M, P], input of rank <= 2 broadcastable to [N, P].
// ensures: a new Tensor beta * input + alpha * sum_i batch1[i] @ batch2[i].
template <Expression I, Expression A, Expression B>
auto addbmm(const I& input, const A& batch1, const B& batch2, double beta = 1, double alpha = 1) {
  detail::check_product_dtypes<A, B>();
  using SA = detail::lin_shape_t<A>;
  using SB = detail::lin_shape_t<B>;
  static_assert(detail::batch_pair_check<op::Addbmm, SA, SB>::value);
  using RS = typename detail::batch_pair_check<op::Addbmm, SA, SB>::summed_shape;
  static_assert(detail::lin_shape_t<I>::rank <= 2, "ctorch: addbmm: input has at most 2 dims");
  [[maybe_unused]] broadcast_shape_t<op::Addbmm, detail::lin_shape_t<I>, RS>* check = nullptr;
  using T = detail::lin_value_t<A>;
  return detail::with_view(batch1, [&](const auto& va) {
    return detail::with_view(batch2, [&](const auto& vb) {
      const auto ea = va.sizes(), sa = va.strides();
      const auto eb = vb.sizes(), sb = vb.strides();
      if (ea[0] != eb[0])
        detail::throw_product_error(op::Addbmm::name, shape_string(ea), shape_string(eb),
                                    "the batch dims do not match");
      if (ea[2] != eb[1])
        detail::throw_product_error(op::Addbmm::name, shape_string(ea), shape_string(eb),
                                    "the inner dims do not match");
      const index_t nb = ea[0], N = ea[1], K = ea[2], P = eb[2];
      Tensor<T, RS, Cpu> out(Dims<RS>::from_array(std::array<index_t, 2>{N, P}, op::Addbmm::name));
      detail::add_input<op::Addbmm>(input, out, beta);
      T* c = out.data();
      if (nb == 0) {  // the empty sum: beta * input
        if (beta != 0 && beta != 1)
          for (index_t i = 0; i < N * P; ++i) c[i] *= T(beta);
      }
      for (index_t i = 0; i < nb; ++i)
        linalg::gemm<T>(N, P, K, T(alpha), va.data() + i * sa[0], sa[1], sa[2], vb.data() + i * sb[0], sb[1], sb[2],
                        i == 0 ? T(beta) : T(1), c, P, 1);
      return out;
    });
  });
}

// Autograd: d input = beta * G (summed over broadcast dims), d batch1[i] = alpha * G batch2[i]^T,
// d batch2[i] = alpha * batch1[i]^T G (G is shared by every batch element).
template <Expression I, Expression A, Expression B>
requires autograd::AnyTracked<I, A, B>
auto addbmm(const I& input, const A& batch1, const B& batch2, double beta = 1, double alpha = 1) {
  auto vi = autograd::as_var(input);
  auto va = autograd::as_var(batch1);
  auto vb = autograd::as_var(batch2);
  using VI = decltype(vi);
  using VA = decltype(va);
  using VB = decltype(vb);
  using T = typename VA::value_type;
  return autograd::record_graph(
      "AddbmmBackward0", addbmm(vi.value(), va.value(), vb.value(), beta, alpha),
      [beta, alpha](const auto& g, const auto&, const VI& in, const VA& x, const VB& y) {
        detail::add_input_backward(in, g, beta);
        const auto ea = x.value().sizes(), eb = y.value().sizes();
        const index_t nb = ea[0], N = ea[1], K = ea[2], P = eb[2];
        const T* gp = g.data();
        const T* ap = x.value().data();
        const T* bp = y.value().data();
        if (x.requires_grad()) {
          bool fresh;
          T* out = autograd::grad_buffer(x, fresh).data();
          for (index_t i = 0; i < nb; ++i)  // [N, K] += alpha * G [N, P] @ B_i^T [P, K]
            linalg::gemm<T>(N, K, P, T(alpha), gp, P, 1, bp + i * K * P, 1, P, fresh ? T(0) : T(1), out + i * N * K, K,
                            1);
        }
        if (y.requires_grad()) {
          bool fresh;
          T* out = autograd::grad_buffer(y, fresh).data();
          for (index_t i = 0; i < nb; ++i)  // [K, P] += alpha * A_i^T [K, N] @ G [N, P]
            linalg::gemm<T>(K, P, N, T(alpha), ap + i * N * K, 1, K, gp, P, 1, fresh ? T(0) : T(1), out + i * K * P, P,
                            1);
        }
      },
      // create_graph: dA_i = alpha * G_i B_i^T, dB_i = alpha * A_i^T G_i, recorded batched products (for
      // addbmm G is one [N, P] matrix, broadcast over the batch).
      [beta, alpha](const auto& g, const VI& in, const VA& x, const VB& y) {
        detail::add_input_backward_graph(in, g, beta);
        if (x.requires_grad()) detail::gg::send(x, detail::gg::scaled(matmul(g, detail::gg::mT(y)), alpha));
        if (y.requires_grad()) detail::gg::send(y, detail::gg::scaled(matmul(detail::gg::mT(x), g), alpha));
      },
      vi, va, vb);
}

}  // namespace ctorch
