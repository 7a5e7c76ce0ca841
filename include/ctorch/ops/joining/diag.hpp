// ctorch/ops/joining/diag.hpp: diag (torch.diag), into a new Tensor.
// A vector of n entries gives an (n + |Offset|) x (n + |Offset|) matrix, zero but for the vector on its
// Offset-th diagonal (> 0 above the main one). A matrix gives the vector of its Offset-th diagonal (empty
// when the offset leaves none). Shapes are static when x's are. dtype: x's. Gradient: a vector's is the
// Offset-th diagonal of the gradient; a matrix's is the gradient on its Offset-th diagonal, zero elsewhere.
// Other ranks are a compile error.
#pragma once
#include "../view/diagonal.hpp"
#include "common.hpp"

namespace ctorch {

namespace op {
struct Diag {
  static constexpr const char* name = "diag";
};
}  // namespace op

// requires: x of rank 1 or 2 (a compile error otherwise). ensures: as the header says.
template <index_t Offset = 0, Expression X>
auto diag(const X& x) {
  using S = typename X::shape_type;
  using T = std::remove_const_t<typename X::value_type>;
  using Dev = typename X::device_type;
  static_assert(joining_check<op::Diag, Args<Offset>, (S::rank == 1 || S::rank == 2), S>::ok);
  static_assert(std::is_same_v<Dev, Cpu>, "ctorch: diag: host tensors only for now");
  const auto xm = detail::materialize(x);
  const auto xv = detail::as_view(xm);
  if constexpr (S::rank == 1) {
    constexpr index_t n = S::static_extents[0];
    constexpr index_t m = n == Dyn ? Dyn : n + (Offset < 0 ? -Offset : Offset);
    using RS = Shape<m, m>;
    const index_t len = xv.dims()[0] + (Offset < 0 ? -Offset : Offset);
    Tensor<T, RS, Dev> out(Dims<RS>::from_array({len, len}, "diag"));
    diagonal<Offset>(out) = xv;
    return out;
  } else if constexpr (S::rank == 2) {
    const auto d = diagonal<Offset>(xv);
    return Tensor<T, typename decltype(d)::shape_type, Dev>(d);
  }
}

// Autograd: a vector's gradient is the Offset-th diagonal of the matrix's gradient; a matrix's is its
// diagonal's gradient put back on that diagonal (not diag of it: the matrix need not be square).
template <index_t Offset = 0, Tracked X>
auto diag(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  using S = typename V::shape_type;
  static_assert(joining_check<op::Diag, Args<Offset>, (S::rank == 1 || S::rank == 2), S>::ok);
  if constexpr (S::rank == 1) {
    return autograd::record_linear(
        "DiagBackward0", diag<Offset>(v.value()), autograd::no_state{},
        [](autograd::no_state, const auto& g, const V& in) { autograd::accumulate(in, diagonal<Offset>(g.view())); },
        [](autograd::no_state, const auto& h) { return diag<Offset>(h); }, v);
  } else if constexpr (S::rank == 2) {
    return detail::tracked_view_copy("DiagBackward0", v, diagonal<Offset>(v.value().view()));
  }
}

}  // namespace ctorch
