// ctorch/ops/joining/stack.hpp: stack (torch.stack): the operands joined along a new dim Dim, into a
// new Tensor. Shape: the operands' common shape with the number of operands inserted at Dim
// (Dim in [-(rank + 1), rank + 1)). dtype: the promotion of the operands' dtypes. Every operand must have
// the same shape: a compile error on static extents, shape_error on Dyn ones. Gradient (when an operand
// is a Var): operand i gets select<Dim>(g, i).
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {
template <class S, std::size_t P, index_t N, std::size_t... I>
Shape<(I == P ? N : S::static_extents[I < P ? I : I - 1])...> stack_shape(std::index_sequence<I...>);
}  // namespace detail

// requires: one or more expressions of one shape and device; Dim in [-(rank + 1), rank + 1).
// ensures: a new Tensor t with select<Dim>(t, i) equal to the i-th operand.
template <int Dim, Expression A0, Expression... As>
requires(!autograd::AnyTracked<A0, As...>) auto stack(const A0& a0, const As&... as) {
  using X0 = std::remove_cvref_t<A0>;
  using S0 = typename X0::shape_type;
  using Dev = typename X0::device_type;
  constexpr bool same_rank = ((std::remove_cvref_t<As>::shape_type::rank == S0::rank) && ...);
  static_assert(
      joining_check<op::Stack, Args<Dim>, same_rank, S0, typename std::remove_cvref_t<As>::shape_type...>::ok);
  static_assert((std::is_same_v<typename std::remove_cvref_t<As>::device_type, Dev> && ...),
                "ctorch: stack: every operand must be on one device");
  if constexpr (same_rank) {
    constexpr std::size_t P = view_dim_check<op::Stack, S0, Dim, 1>::value;
    // Merged over every dim (no dim is exempt: P = rank is past the end).
    constexpr auto m = detail::merge_except<S0::rank, S0, typename std::remove_cvref_t<As>::shape_type...>();
    static_assert(
        joining_check<op::Stack, Args<Dim>, m.ok, S0, typename std::remove_cvref_t<As>::shape_type...>::ok);
    using MS = detail::shape_of_t<m.ext>;
    constexpr index_t N = index_t(1 + sizeof...(As));
    using RS = decltype(detail::stack_shape<MS, P, N>(std::make_index_sequence<S0::rank + 1>{}));
    using R = promote_all_t<typename X0::value_type, typename std::remove_cvref_t<As>::value_type...>;

    const auto e0 = a0.dims().array();
    int k = 0;
    auto check = [&](const auto& x) {
      const auto e = x.dims().array();
      if (e != e0)
        throw shape_error(detail::join_op_error("stack", "stack expects each tensor to be equal size, but got " +
                                                             shape_string(e0) + " at entry 0 and " +
                                                             shape_string(e) + " at entry " + std::to_string(k)));
      ++k;
    };
    check(a0);
    (check(as), ...);
    std::array<index_t, S0::rank + 1> ext{};
    for (std::size_t d = 0; d <= S0::rank; ++d) ext[d] = d == P ? N : e0[d < P ? d : d - 1];
    Tensor<R, RS, Dev> out(Dims<RS>::from_array(ext, "stack"));
    index_t i = 0;
    auto put = [&](const auto& x) { select<int(P)>(out, i++) = detail::as_dtype<R>(x); };
    put(a0);
    (put(as), ...);
    return out;
  }
}

// Autograd: operand i gets select<Dim>(g, i), in its dtype (see cat for why the untracked form above
// excludes this case); linear, so autograd::record_linear gives the create_graph VJP.
template <int Dim, Expression A0, Expression... As>
requires autograd::AnyTracked<A0, As...>
auto stack(const A0& a0, const As&... as) {
  return [](const auto&... v) {
    return autograd::record_linear(
        "StackBackward0", stack<Dim>(v.value()...), autograd::no_state{},
        [](autograd::no_state, const auto& g, const auto&... in) {
          constexpr std::size_t P = view_dim_check<op::Stack, typename A0::shape_type, Dim, 1>::value;
          index_t i = 0;
          auto give = [&](const auto& x) {
            autograd::accumulate(x, detail::as_dtype<typename std::remove_cvref_t<decltype(x)>::value_type>(
                                        select<int(P)>(g.view(), i++)));
          };
          (give(in), ...);
        },
        [](autograd::no_state, const auto&... h) { return stack<Dim>(h...); }, v...);
  }(autograd::as_var(a0), autograd::as_var(as)...);
}

}  // namespace ctorch
