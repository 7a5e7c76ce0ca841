// ctorch/ops/linalg/addmm.hpp: addmm (torch.addmm), beta * input + alpha * (a @ b).
// Shape: a [M, K], b [K, N], input broadcastable to [M, N]; static mismatches are compile errors from
// product_check<op::Addmm, ...> (a and b) and broadcast_check<op::Addmm, ...> (input); Dyn ones throw
// shape_error. With beta == 0, input is ignored (its NaNs do not propagate), as in PyTorch.
#pragma once
#include "common.hpp"
#include "grad.hpp"
#include "graph_grad.hpp"

namespace ctorch {

// PyTorch's keyword order as C++ defaults: addmm(input, a, b, beta = 1, alpha = 1).
template <Expression I, Expression A, Expression B>
auto addmm(const I& input, const A& a, const B& b, double beta = 1, double alpha = 1) {
  detail::check_product_dtypes<A, B>();
  using SA = detail::lin_shape_t<A>;
  using SB = detail::lin_shape_t<B>;
  static_assert(detail::product_check<op::Addmm, SA, SB>::value);
  using RS = detail::product_shape_t<SA, SB>;
  [[maybe_unused]] broadcast_shape_t<op::Addmm, detail::lin_shape_t<I>, RS>* check = nullptr;
  static_assert(detail::lin_shape_t<I>::rank <= 2, "ctorch: addmm: input has at most 2 dims");
  using T = detail::lin_value_t<A>;
  return detail::with_view(a, [&](const auto& va) {
    return detail::with_view(b, [&](const auto& vb) {
      return detail::product<op::Addmm>(va, vb, T(alpha), T(beta), [&](auto& out) {
        if (beta == 0) return;
        const auto ie = input.dims().array();
        const auto oe = out.dims().array();
        for (std::size_t d = 0; d < ie.size(); ++d) {
          const index_t o = oe[oe.size() - ie.size() + d];
          if (ie[d] != o && ie[d] != 1)
            throw shape_error("ctorch: addmm: input of shape " + shape_string(ie) +
                              " cannot be broadcast to the product's shape " + shape_string(oe));
        }
        out.view() = input;
      });
    });
  });
}

// Autograd: d input = beta * G (summed over broadcast dims), dA = alpha * G B^T, dB = alpha * A^T G.
template <Expression I, Expression A, Expression B>
requires autograd::AnyTracked<I, A, B>
auto addmm(const I& input, const A& a, const B& b, double beta = 1, double alpha = 1) {
  auto vi = autograd::as_var(input);
  auto va = autograd::as_var(a);
  auto vb = autograd::as_var(b);
  using VI = decltype(vi);
  using VA = decltype(va);
  using VB = decltype(vb);
  using T = typename VA::value_type;
  return autograd::record_graph(
      "AddmmBackward0", addmm(vi.value(), va.value(), vb.value(), beta, alpha),
      [beta, alpha](const auto& g, const auto&, const VI& in, const VA& x, const VB& y) {
        if (in.requires_grad()) {
          if (beta == 1)
            autograd::accumulate_sum_to(in, g);
          else
            autograd::accumulate_sum_to(in, typename std::remove_cvref_t<decltype(g)>(g * T(beta)));
        }
        detail::product_backward(g, x, y, T(alpha));
      },
      // create_graph: dA = alpha * G B^T, dB = alpha * A^T G, recorded products.
      [beta, alpha](const auto& g, const VI& in, const VA& x, const VB& y) {
        if (in.requires_grad()) detail::gg::send(in, detail::gg::scaled(g, beta));
        if (x.requires_grad()) detail::gg::send(x, detail::gg::scaled(matmul(g, detail::gg::mT(y)), alpha));
        if (y.requires_grad()) detail::gg::send(y, detail::gg::scaled(matmul(detail::gg::mT(x), g), alpha));
      },
      vi, va, vb);
}

}  // namespace ctorch
