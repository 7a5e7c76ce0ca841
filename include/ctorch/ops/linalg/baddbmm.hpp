// ctorch/ops/linalg/baddbmm.hpp: baddbmm (torch.baddbmm), beta * input + alpha * bmm(batch1, batch2).
// Shape: batch1 [B, N, M], batch2 [B, M, P] (equal batch sizes, no broadcasting, as in PyTorch), input
// broadcastable to [B, N, P] -> [B, N, P]. A static mismatch is a compile error from
// batch_pair_check<op::Baddbmm, Shape of batch1, Shape of batch2> (input: broadcast_check<op::Baddbmm, ...>); a Dyn one
// throws shape_error naming baddbmm and both shapes. With beta == 0, input is ignored (its NaNs do not
// propagate), as in PyTorch. dtype: float or double, batch1 and batch2 alike.
#pragma once
#include "add_product.hpp"
#include "common.hpp"
#include "grad.hpp"

namespace ctorch {

// PyTorch's keyword order as C++ defaults: baddbmm(input, batch1, batch2, beta = 1, alpha = 1).
// requires: batch1 [B, N, M], batch2 [B, M, P], input of rank <= 3 broadcastable to [B, N, P].
// ensures: a new Tensor, out[i] = beta * input[i] + alpha * batch1[i] @ batch2[i].
template <Expression I, Expression A, Expression B>
auto baddbmm(const I& input, const A& batch1, const B& batch2, double beta = 1, double alpha = 1) {
  detail::check_product_dtypes<A, B>();
  using SA = detail::lin_shape_t<A>;
  using SB = detail::lin_shape_t<B>;
  static_assert(detail::batch_pair_check<op::Baddbmm, SA, SB>::value);
  using RS = detail::product_shape_t<SA, SB>;
  static_assert(detail::lin_shape_t<I>::rank <= 3, "ctorch: baddbmm: input has at most 3 dims");
  [[maybe_unused]] broadcast_shape_t<op::Baddbmm, detail::lin_shape_t<I>, RS>* check = nullptr;
  using T = detail::lin_value_t<A>;
  return detail::with_view(batch1, [&](const auto& va) {
    return detail::with_view(batch2, [&](const auto& vb) {
      // detail::product broadcasts a batch of 1; baddbmm does not (PyTorch).
      if (va.sizes()[0] != vb.sizes()[0])
        detail::throw_product_error(op::Baddbmm::name, shape_string(va.sizes()), shape_string(vb.sizes()),
                                    "the batch dims do not match");
      return detail::product<op::Baddbmm>(va, vb, T(alpha), T(beta),
                                          [&](auto& out) { detail::add_input<op::Baddbmm>(input, out, beta); });
    });
  });
}

// Autograd: d input = beta * G (summed over broadcast dims), d batch1[i] = alpha * G[i] batch2[i]^T,
// d batch2[i] = alpha * batch1[i]^T G[i].
template <Expression I, Expression A, Expression B>
requires autograd::AnyTracked<I, A, B>
auto baddbmm(const I& input, const A& batch1, const B& batch2, double beta = 1, double alpha = 1) {
  auto vi = autograd::as_var(input);
  auto va = autograd::as_var(batch1);
  auto vb = autograd::as_var(batch2);
  using VI = decltype(vi);
  using VA = decltype(va);
  using VB = decltype(vb);
  using T = typename VA::value_type;
  return autograd::record_graph(
      "BaddbmmBackward0", baddbmm(vi.value(), va.value(), vb.value(), beta, alpha),
      [beta, alpha](const auto& g, const auto&, const VI& in, const VA& x, const VB& y) {
        detail::add_input_backward(in, g, beta);
        detail::product_backward(g, x, y, T(alpha));
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
