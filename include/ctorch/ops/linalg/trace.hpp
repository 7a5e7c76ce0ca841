// ctorch/ops/linalg/trace.hpp: trace (torch.trace), the sum of the main diagonal of a matrix.
// Shape: [m, n] -> [] (0-d; m and n need not be equal, as PyTorch; only 2-D input, a compile error
// otherwise). dtype: float and double keep theirs; int32, int64 and bool give int64 (as PyTorch).
// Gradient: gA = g on the main diagonal, 0 elsewhere.
#pragma once
#include "graph_grad.hpp"
#include "lapack_common.hpp"
#include "lapack_grad.hpp"

namespace ctorch {

// requires: a 2-D input. ensures: a 0-d Tensor holding sum_i a(i, i), i < min(m, n).
template <Expression X>
auto trace(const X& a) {
  using T = detail::lin_value_t<X>;
  using S = detail::lin_shape_t<X>;
  static_assert(S::rank == 2, "ctorch: trace: expected a matrix (a 2-D tensor)");
  using R = std::conditional_t<std::is_floating_point_v<T>, T, std::int64_t>;
  const auto w = detail::la_work(a);
  const index_t m = w.sizes()[0], n = w.sizes()[1];
  R s(0);
  for (index_t i = 0; i < std::min(m, n); ++i) s += R(w.data()[i * n + i]);
  return Tensor<R, Shape<>, Cpu>(s);
}

// Autograd: as trace, recording gA = g I (m x n).
template <Tracked X>
auto trace(const X& a) {
  auto v = autograd::as_var(a);
  using V = decltype(v);
  static_assert(V::rank == 2, "ctorch: trace: expected a matrix (a 2-D tensor)");
  return autograd::record_graph(
      "TraceBackward0", trace(v.value()),
      [](const auto& g, const auto&, const V& in) {
        auto* ga = detail::la_grad(in);
        if (!ga) return;
        const index_t m = in.size(0), n = in.size(1);
        for (index_t i = 0; i < std::min(m, n); ++i) ga[i * n + i] += g.item();
      },
      // create_graph: g (0-d, a Var) times the constant identity.
      [](const auto& g, const V& in) {
        using T = typename V::value_type;
        detail::gg::send(in, g * detail::gg::tri_mask(in.dims(), true, T(1), T(0)));
      },
      v);
}

}  // namespace ctorch
