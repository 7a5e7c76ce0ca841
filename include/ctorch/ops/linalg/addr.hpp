// ctorch/ops/linalg/addr.hpp: addr (torch.addr), beta * input + alpha * outer(vec1, vec2).
// Shape: vec1 [N], vec2 [M], input broadcastable to [N, M] -> [N, M]. Operands of another rank are a
// compile error from outer_check<op::Addr, ...> (input: broadcast_check<op::Addr, ...>); an input that
// does not broadcast at run time throws shape_error naming addr. With beta == 0, input is ignored (its NaNs
// do not propagate), as in PyTorch. dtype: float or double, vec1 and vec2 alike.
#pragma once
#include "add_product.hpp"
#include "common.hpp"
#include "outer.hpp"

namespace ctorch {

// PyTorch's keyword order as C++ defaults: addr(input, vec1, vec2, beta = 1, alpha = 1).
// requires: vec1, vec2 1-D; input of rank <= 2 broadcastable to [vec1.size(0), vec2.size(0)].
// ensures: a new Tensor beta * input + alpha * vec1 vec2^T.
template <Expression I, Expression A, Expression B>
auto addr(const I& input, const A& vec1, const B& vec2, double beta = 1, double alpha = 1) {
  detail::check_product_dtypes<A, B>();
  using C = detail::outer_check<op::Addr, detail::lin_shape_t<A>, detail::lin_shape_t<B>>;
  static_assert(C::value);
  static_assert(detail::lin_shape_t<I>::rank <= 2, "ctorch: addr: input has at most 2 dims");
  [[maybe_unused]] broadcast_shape_t<op::Addr, detail::lin_shape_t<I>, typename C::result_shape>* check = nullptr;
  using T = detail::lin_value_t<A>;
  return detail::with_view(vec1, [&](const auto& va) {
    return detail::with_view(vec2, [&](const auto& vb) {
      return detail::outer_product<op::Addr>(va, vb, T(alpha), T(beta),
                                             [&](auto& out) { detail::add_input<op::Addr>(input, out, beta); });
    });
  });
}

// Autograd: d input = beta * G (summed over broadcast dims), d vec1 = alpha * G vec2, d vec2 = alpha * G^T vec1.
template <Expression I, Expression A, Expression B>
requires autograd::AnyTracked<I, A, B>
auto addr(const I& input, const A& vec1, const B& vec2, double beta = 1, double alpha = 1) {
  auto vi = autograd::as_var(input);
  auto va = autograd::as_var(vec1);
  auto vb = autograd::as_var(vec2);
  using VI = decltype(vi);
  using VA = decltype(va);
  using VB = decltype(vb);
  using T = typename VA::value_type;
  return autograd::record_graph(
      "AddrBackward0", addr(vi.value(), va.value(), vb.value(), beta, alpha),
      [beta, alpha](const auto& g, const auto&, const VI& in, const VA& x, const VB& y) {
        detail::add_input_backward(in, g, beta);
        detail::outer_backward(g, x, y, T(alpha));
      },
      [beta, alpha](const auto& g, const VI& in, const VA& x, const VB& y) {
        detail::add_input_backward_graph(in, g, beta);
        detail::outer_backward_graph(g, x, y, alpha);
      },
      vi, va, vb);
}

}  // namespace ctorch
