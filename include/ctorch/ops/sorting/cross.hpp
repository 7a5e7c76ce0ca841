// ctorch/ops/sorting/cross.hpp: cross (torch.linalg.cross, torch.cross with a dim): the cross product of
// the 3-vectors of a and b along dim Dim (default the last, as torch.linalg.cross; torch.cross without a
// dim picks the first dim of size 3 instead: pass it explicitly), into a new Tensor.
// a and b must have the same shape (a compile error on static extents, shape_error on Dyn ones) with
// extent 3 at Dim (likewise). Shape: a's. dtype: the promotion of a's and b's. Gradient: d/da = b x g,
// d/db = g x a.
#pragma once
#include "common.hpp"

namespace ctorch {

// requires: a and b of one shape with extent 3 at Dim; Dim in [-rank, rank). ensures: a new Tensor out
// with out_i = a_(i+1) b_(i+2) - a_(i+2) b_(i+1) (indices mod 3) along Dim.
template <int Dim = -1, Expression A, Expression B>
auto cross(const A& a, const B& b) {
  using SA = typename A::shape_type;
  using SB = typename B::shape_type;
  using Dev = typename A::device_type;
  using R = promote_t<typename A::value_type, typename B::value_type>;
  constexpr std::size_t P = view_dim_check<op::Cross, SA, Dim>::value;
  constexpr auto m = detail::merge_except<SA::rank, SA, SB>();
  constexpr bool ok = SA::rank == SB::rank && m.ok && (SA::static_extents[P] == Dyn || SA::static_extents[P] == 3) &&
                      (SB::static_extents[P] == Dyn || SB::static_extents[P] == 3);
  static_assert(sorting_check<op::Cross, Args<Dim>, ok, SA, SB>::ok);
  using RS = detail::shape_of_t<m.ext>;
  const auto am = detail::materialize(a);
  const auto bm = detail::materialize(b);
  const auto av = detail::as_view(am);
  const auto bv = detail::as_view(bm);
  const auto ae = av.dims().array();
  if (ae != bv.dims().array() || ae[P] != 3)
    throw shape_error(detail::sort_error("cross", "the inputs must have the same shape with 3 entries in dimension " +
                                                      std::to_string(P) + ", got " + av.dims().str() + " and " +
                                                      bv.dims().str()));
  Tensor<R, RS, Dev> out(Dims<RS>::from_array(ae, "cross"));
  for (index_t i = 0; i < 3; ++i) {
    const index_t j = (i + 1) % 3, k = (i + 2) % 3;
    select<int(P)>(out, i) = detail::as_dtype<R>(select<int(P)>(av, j)) * detail::as_dtype<R>(select<int(P)>(bv, k)) -
                             detail::as_dtype<R>(select<int(P)>(av, k)) * detail::as_dtype<R>(select<int(P)>(bv, j));
  }
  return out;
}

// Autograd: <g, a x b> = <a, b x g> = <b, g x a>, so da = b x g and db = g x a (each in its operand's
// dtype). Under create_graph the same crosses of Vars are recorded (cross is bilinear, so they close under
// differentiation); mixed dtypes are not supported there.
template <int Dim = -1, Expression A, Expression B>
requires autograd::AnyTracked<A, B>
auto cross(const A& a, const B& b) {
  auto va = autograd::as_var(a);
  auto vb = autograd::as_var(b);
  using VA = decltype(va);
  using VB = decltype(vb);
  return autograd::record_graph(
      "LinalgCrossBackward0", cross<Dim>(va.value(), vb.value()),
      [](const auto& g, const auto&, const VA& x, const VB& y) {
        if (x.requires_grad())
          autograd::accumulate(x, detail::as_dtype<typename VA::value_type>(cross<Dim>(y.value(), g)));
        if (y.requires_grad())
          autograd::accumulate(y, detail::as_dtype<typename VB::value_type>(cross<Dim>(g, x.value())));
      },
      [](const auto& g, const VA& x, const VB& y) {
        if constexpr (std::is_same_v<typename VA::value_type, typename VB::value_type>) {
          // bcast_to only converts the shape type where a's and b's differ (static vs Dyn extents).
          if (x.requires_grad()) autograd::accumulate_graph(x, autograd::bcast_to(cross<Dim>(y, g), x.dims()));
          if (y.requires_grad()) autograd::accumulate_graph(y, autograd::bcast_to(cross<Dim>(g, x), y.dims()));
        } else {
          throw autograd_error(
              autograd::detail::graph_unsupported("LinalgCrossBackward0 with operands of different dtypes"));
        }
      },
      va, vb);
}

}  // namespace ctorch
