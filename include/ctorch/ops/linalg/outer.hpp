// ctorch/ops/linalg/outer.hpp: outer (torch.outer) and its alias ger (torch.ger), the outer product of
// two vectors: out[i, j] = a[i] * b[j].
// Shape: [N] x [M] -> [N, M]; operands of another rank are a compile error from outer_check<Op, Shape of a,
// Shape of b>. dtype: float or double, both operands alike. The work is a rank-1 GEMM (K = 1); the
// gradient reuses it: d a = G b, d b = G^T a. The node is named "MulBackward0", as PyTorch's (which
// computes outer as a broadcast multiply).
#pragma once
#include <array>

#include "add_product.hpp"
#include "common.hpp"
#include "grad.hpp"
#include "graph_grad.hpp"

namespace ctorch {

namespace detail {
// The static rule of outer and addr; the compiler prints the op and both shapes (the template arguments)
// first.
template <class Op, class S1, class S2>
struct outer_check {
  static_assert(S1::rank == 1 && S2::rank == 1,
                "ctorch: outer (ger, addr): both vectors must be 1-D (the op and both shapes are the template "
                "arguments of outer_check above)");
  static constexpr bool value = S1::rank == 1 && S2::rank == 1;
  using result_shape = Shape<S1::rank == 1 ? S1::static_extents[0] : Dyn, S2::rank == 1 ? S2::static_extents[0] : Dyn>;
};

// out = alpha * a b^T (+ beta * out after prep(out) filled it): one GEMM with K = 1, operands read in
// place through their strides.
template <class Op, class VA, class VB, class Prep>
auto outer_product(const VA& va, const VB& vb, lin_value_t<VA> alpha, lin_value_t<VA> beta, Prep&& prep) {
  using T = lin_value_t<VA>;
  using RS = typename outer_check<Op, lin_shape_t<VA>, lin_shape_t<VB>>::result_shape;
  const index_t n = va.sizes()[0], m = vb.sizes()[0];
  Tensor<T, RS, Cpu> out(Dims<RS>::from_array(std::array<index_t, 2>{n, m}, Op::name));
  prep(out);
  linalg::gemm<T>(n, m, 1, alpha, va.data(), va.strides()[0], 1, vb.data(), 1, vb.strides()[0], beta, out.data(), m, 1);
  return out;
}

// The VJP of alpha * a b^T: d a = alpha * G b, d b = alpha * G^T a (G is [N, M], contiguous).
template <class VA, class VB, class G>
void outer_backward(const G& g, const VA& a, const VB& b, typename VA::value_type alpha) {
  using T = typename VA::value_type;
  const index_t n = a.value().sizes()[0], m = b.value().sizes()[0];
  const T* gp = g.data();
  if (a.requires_grad()) {
    bool fresh;
    T* out = autograd::grad_buffer(a, fresh).data();
    linalg::gemm<T>(n, 1, m, alpha, gp, m, 1, b.value().data(), 1, 1, fresh ? T(0) : T(1), out, 1, 1);
  }
  if (b.requires_grad()) {
    bool fresh;
    T* out = autograd::grad_buffer(b, fresh).data();
    linalg::gemm<T>(m, 1, n, alpha, gp, 1, m, a.value().data(), 1, 1, fresh ? T(0) : T(1), out, 1, 1);
  }
}

// Its create_graph form (g a Var): d a = alpha * mv(G, b), d b = alpha * mv(G^T, a), recorded (mv's own
// create_graph VJP is GEMM-based; outer closes the loop as mv's VJP for the matrix).
template <class VA, class VB, class G>
void outer_backward_graph(const G& g, const VA& a, const VB& b, double alpha) {
  if (a.requires_grad()) gg::send(a, gg::scaled(mv(g, b), alpha));
  if (b.requires_grad()) gg::send(b, gg::scaled(mv(gg::mT(g), a), alpha));
}
}  // namespace detail

// requires: a and b 1-D. ensures: a new Tensor [a.size(0), b.size(0)] with out[i, j] = a[i] * b[j].
template <Expression A, Expression B>
auto outer(const A& a, const B& b) {
  detail::check_product_dtypes<A, B>();
  static_assert(detail::outer_check<op::Outer, detail::lin_shape_t<A>, detail::lin_shape_t<B>>::value);
  using T = detail::lin_value_t<A>;
  return detail::with_view(a, [&](const auto& va) {
    return detail::with_view(
        b, [&](const auto& vb) { return detail::outer_product<op::Outer>(va, vb, T(1), T(0), [](auto&) {}); });
  });
}

// Autograd: d a = G b, d b = G^T a.
template <Expression A, Expression B>
requires autograd::AnyTracked<A, B>
auto outer(const A& a, const B& b) {
  auto va = autograd::as_var(a);
  auto vb = autograd::as_var(b);
  using VA = decltype(va);
  using VB = decltype(vb);
  using T = typename VA::value_type;
  return autograd::record_graph(
      "MulBackward0", outer(va.value(), vb.value()),
      [](const auto& g, const auto&, const VA& x, const VB& y) { detail::outer_backward(g, x, y, T(1)); },
      [](const auto& g, const VA& x, const VB& y) { detail::outer_backward_graph(g, x, y, 1.0); }, va, vb);
}

// torch.ger, the deprecated alias of outer. requires, ensures: as outer.
template <Expression A, Expression B>
auto ger(const A& a, const B& b) {
  return outer(a, b);
}

}  // namespace ctorch
