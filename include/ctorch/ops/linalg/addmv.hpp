// ctorch/ops/linalg/addmv.hpp: addmv (torch.addmv), beta * input + alpha * (mat @ vec).
// Shape: mat [N, M], vec [M], input broadcastable to [N] -> [N]. A static mismatch is a compile error from
// addmv_check<Shape of mat, Shape of vec> (input: broadcast_check<op::Addmv, ...>); a Dyn one throws
// shape_error naming addmv and both shapes. With beta == 0, input is ignored (its NaNs do not propagate),
// as in PyTorch. dtype: float or double, mat and vec alike.
#pragma once
#include "add_product.hpp"
#include "common.hpp"
#include "grad.hpp"
#include "outer.hpp"

namespace ctorch {

namespace detail {
// The static rule of addmv; the compiler prints the shapes of mat and vec (the template arguments) first.
template <class SM, class SV>
struct addmv_check {
  static_assert(SM::rank == 2 && SV::rank == 1,
                "ctorch: addmv: mat must be 2-D and vec 1-D (their shapes are the template arguments of addmv_check "
                "above)");
  static constexpr index_t km = SM::rank == 2 ? SM::static_extents[SM::rank - 1] : Dyn;
  static constexpr index_t kv = SV::rank == 1 ? SV::static_extents[0] : Dyn;
  static_assert(extents_agree(km, kv),
                "ctorch: addmv: the columns of mat do not match the size of vec (their shapes are the template "
                "arguments of addmv_check above)");
  static constexpr bool value = SM::rank == 2 && SV::rank == 1 && extents_agree(km, kv);
};
}  // namespace detail

// PyTorch's keyword order as C++ defaults: addmv(input, mat, vec, beta = 1, alpha = 1).
// requires: mat 2-D, vec 1-D, mat.size(1) == vec.size(0), input of rank <= 1 broadcastable to [mat.size(0)].
// ensures: a new Tensor beta * input + alpha * mat @ vec.
template <Expression I, Expression M, Expression V>
auto addmv(const I& input, const M& mat, const V& vec, double beta = 1, double alpha = 1) {
  detail::check_product_dtypes<M, V>();
  using SM = detail::lin_shape_t<M>;
  using SV = detail::lin_shape_t<V>;
  static_assert(detail::addmv_check<SM, SV>::value);
  using RS = detail::product_shape_t<SM, SV>;
  static_assert(detail::lin_shape_t<I>::rank <= 1, "ctorch: addmv: input has at most 1 dim");
  [[maybe_unused]] broadcast_shape_t<op::Addmv, detail::lin_shape_t<I>, RS>* check = nullptr;
  using T = detail::lin_value_t<M>;
  return detail::with_view(mat, [&](const auto& vm) {
    return detail::with_view(vec, [&](const auto& vv) {
      return detail::product<op::Addmv>(vm, vv, T(alpha), T(beta),
                                        [&](auto& out) { detail::add_input<op::Addmv>(input, out, beta); });
    });
  });
}

// Autograd: d input = beta * G (summed over broadcast dims), d mat = alpha * G vec^T, d vec = alpha * mat^T G.
template <Expression I, Expression M, Expression V>
requires autograd::AnyTracked<I, M, V>
auto addmv(const I& input, const M& mat, const V& vec, double beta = 1, double alpha = 1) {
  auto vi = autograd::as_var(input);
  auto vm = autograd::as_var(mat);
  auto vv = autograd::as_var(vec);
  using VI = decltype(vi);
  using VM = decltype(vm);
  using VV = decltype(vv);
  using T = typename VM::value_type;
  return autograd::record_graph(
      "AddmvBackward0", addmv(vi.value(), vm.value(), vv.value(), beta, alpha),
      [beta, alpha](const auto& g, const auto&, const VI& in, const VM& x, const VV& y) {
        detail::add_input_backward(in, g, beta);
        detail::product_backward(g, x, y, T(alpha));
      },
      // create_graph: d mat = alpha * outer(G, vec), d vec = alpha * mv(mat^T, G), recorded.
      [beta, alpha](const auto& g, const VI& in, const VM& x, const VV& y) {
        detail::add_input_backward_graph(in, g, beta);
        if (x.requires_grad()) detail::gg::send(x, detail::gg::scaled(outer(g, y), alpha));
        if (y.requires_grad()) detail::gg::send(y, detail::gg::scaled(mv(detail::gg::mT(x), g), alpha));
      },
      vi, vm, vv);
}

}  // namespace ctorch
