// ctorch/ops/joining/cat.hpp: cat (torch.cat): the operands joined along dim Dim, into a new Tensor.
// Shape: the operands' shape with dim Dim the sum of their extents there (static when all are static).
// dtype: the promotion of the operands' dtypes. Every other dim must match: a compile error on static
// extents, shape_error on Dyn ones. Gradient (when an operand is a Var): each operand gets its slice of
// the gradient along Dim.
#pragma once
#include "common.hpp"

namespace ctorch {

// requires: one or more expressions of one rank >= 1 on one device; Dim in [-rank, rank); equal extents in
// every dim but Dim. ensures: a new Tensor holding the operands one after another along Dim.
template <int Dim, Expression A0, Expression... As>
requires(!autograd::AnyTracked<A0, As...>) auto cat(const A0& a0, const As&... as) {
  using X0 = std::remove_cvref_t<A0>;
  using S0 = typename X0::shape_type;
  using Dev = typename X0::device_type;
  constexpr bool same_rank = ((std::remove_cvref_t<As>::shape_type::rank == S0::rank) && ...);
  static_assert(joining_check<op::Cat, Args<Dim>, same_rank, S0, typename std::remove_cvref_t<As>::shape_type...>::ok);
  static_assert((std::is_same_v<typename std::remove_cvref_t<As>::device_type, Dev> && ...),
                "ctorch: cat: every operand must be on one device");
  if constexpr (same_rank) {
    constexpr std::size_t P = view_dim_check<op::Cat, S0, Dim>::value;
    constexpr auto m = detail::merge_except<P, S0, typename std::remove_cvref_t<As>::shape_type...>();
    static_assert(joining_check<op::Cat, Args<Dim>, m.ok, S0, typename std::remove_cvref_t<As>::shape_type...>::ok);
    using RS = detail::shape_of_t<m.ext>;
    using R = promote_all_t<typename X0::value_type, typename std::remove_cvref_t<As>::value_type...>;

    auto ext = a0.dims().array();
    int k = 0;
    auto check = [&](const auto& x) {
      const auto e = x.dims().array();
      for (std::size_t d = 0; d < S0::rank; ++d)
        if (d != P && e[d] != ext[d])
          throw shape_error(detail::join_op_error(
              "cat", "sizes of tensors must match except in dimension " + std::to_string(P) + ": expected size " +
                         std::to_string(ext[d]) + " but got size " + std::to_string(e[d]) + " for tensor number " +
                         std::to_string(k) + " in the list (shapes " + shape_string(ext) + " and " +
                         shape_string(e) + ")"));
      ++k;
    };
    check(a0);
    (check(as), ...);
    ext[P] = (a0.dims()[P] + ... + as.dims()[P]);
    Tensor<R, RS, Dev> out(Dims<RS>::from_array(ext, "cat"));
    index_t off = 0;
    auto put = [&](const auto& x) {
      const index_t len = x.dims()[P];
      narrow<int(P)>(out, off, len) = detail::as_dtype<R>(x);
      off += len;
    };
    put(a0);
    (put(as), ...);
    return out;
  }
}

// Autograd: the forward on the operands' values; the VJP hands each operand its slice of g along Dim
// (in the operand's dtype). cat is linear: its create_graph VJP comes from autograd::record_linear. The untracked form
// above excludes this case: two overloads constrained on the same pack never subsume one another, so a requires-clause
// here alone would be ambiguous.
template <int Dim, Expression A0, Expression... As>
requires autograd::AnyTracked<A0, As...>
auto cat(const A0& a0, const As&... as) {
  return [](const auto&... v) {
    return autograd::record_linear(
        "CatBackward0", cat<Dim>(v.value()...), autograd::no_state{},
        [](autograd::no_state, const auto& g, const auto&... in) {
          constexpr std::size_t P = view_dim_check<op::Cat, typename A0::shape_type, Dim>::value;
          index_t off = 0;
          auto give = [&](const auto& x) {
            const index_t len = x.value().dims()[P];
            autograd::accumulate(x, detail::as_dtype<typename std::remove_cvref_t<decltype(x)>::value_type>(
                                        narrow<int(P)>(g.view(), off, len)));
            off += len;
          };
          (give(in), ...);
        },
        [](autograd::no_state, const auto&... h) { return cat<Dim>(h...); }, v...);
  }(autograd::as_var(a0), autograd::as_var(as)...);
}

}  // namespace ctorch
