// ctorch/ops/view/view.hpp: view (torch.Tensor.view): the same elements read with another shape, no copy.
// Shape: the requested one; one extent may be Infer (-1, PyTorch's inferred dim). When the input's shape
// is static, an inferred extent is computed at compile time and a numel mismatch is a compile error
// naming both shapes. Like PyTorch, a view needs strides that allow it (any contiguous input does);
// otherwise it throws shape_error (use reshape(contiguous(x))).
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {

// The result shape of viewing In as NS: an Infer extent is resolved when everything else is static.
template <class Op, class In, class NS, bool Runtime>
struct view_shape {
  static constexpr std::size_t n_infer = NS::num_dyn;
  static constexpr index_t known = [] {
    index_t p = 1;
    for (auto e : NS::static_extents) p *= e == Dyn ? 1 : e;
    return p;
  }();
  // Without run-time extents, at most one extent is left to infer.
  static constexpr bool ok_count = Runtime || n_infer <= 1;
  static constexpr bool static_in = In::is_static;
  static constexpr bool ok_numel = !static_in || Runtime || (n_infer == 0 && known == In::static_numel) ||
                                   (n_infer == 1 && known != 0 && In::static_numel % known == 0);
  static constexpr bool ok = view_check < Op, In, NS, ok_count &&ok_numel > ::ok;
  static constexpr auto ext = [] {
    auto e = NS::static_extents;
    if constexpr (!Runtime && static_in && n_infer == 1 && known != 0)
      for (auto& x : e)
        if (x == Dyn) x = In::static_numel / known;
    return e;
  }();
  using type = shape_of_t<ext>;
};

// requires: sizeof...(dyn) is 0 (each Dyn extent of NS inferred; at most one) or NS::num_dyn (the Dyn
// extents in order; one may be -1). ensures: a view of shape NS over v's elements, or shape_error.
template <class Op, class NS, class T, class S, class D, class... I>
auto view_impl(const TensorView<T, S, D>& v, I... dyn) {
  static_assert(ShapeType<NS>, "ctorch: view/reshape: the template argument is a Shape<...> or a list of extents");
  static_assert(sizeof...(I) == 0 || sizeof...(I) == NS::num_dyn,
                "ctorch: view/reshape: give no run-time extents, or one per Dyn extent of the requested shape");
  using VS = view_shape<Op, S, NS, (sizeof...(I) > 0)>;
  static_assert(VS::ok);
  using R = typename VS::type;
  std::array<index_t, R::rank> ext = R::static_extents;  // Dyn is -1: inferred below
  if constexpr (sizeof...(I) > 0) {
    const std::array<index_t, sizeof...(I)> d{static_cast<index_t>(dyn)...};
    std::size_t k = 0;
    for (auto& e : ext)
      if (e == Dyn) e = d[k++];
  }
  infer_extent(ext, v.numel(), Op::name);
  const auto st = compute_view_strides(v.dims().array(), v.strides(), ext);
  if (!st) {
    if constexpr (std::is_same_v<Op, op::View>)
      throw shape_error(
          "ctorch: view: view size is not compatible with input tensor's size and stride (at least one dimension "
          "spans across two contiguous subspaces). Use reshape(contiguous(x)) instead.");
    else
      throw shape_error(std::string("ctorch: ") + Op::name +
                        ": the input's strides do not allow a view and ctorch's reshape never copies; call it on "
                        "contiguous(x)");
  }
  return make_view<R, T, D>(v.data(), ext, *st, Op::name);
}

}  // namespace detail

// requires: NS a Shape with the same number of elements as v (Infer/Dyn extents as in view_impl),
// strides that allow it. ensures: a view of shape NS aliasing v; shape_error otherwise.
template <class NS, class T, class S, class D, class... I>
requires ShapeType<NS>
auto view(const TensorView<T, S, D>& v, I... dyn) {
  return detail::view_impl<op::View, NS>(v, dyn...);
}
// view<2, -1>(x): the extents as integers, -1 inferred.
template <index_t... E, class T, class S, class D>
auto view(const TensorView<T, S, D>& v) {
  return detail::view_impl<op::View, Shape<E...>>(v);
}
CTORCH_VIEW_FORWARD_TENSOR(view, (class NS), (NS))
CTORCH_VIEW_FORWARD_VAR(view, (class NS), (NS))
CTORCH_VIEW_FORWARD_TENSOR(view, (index_t... E), (E...))
CTORCH_VIEW_FORWARD_VAR(view, (index_t... E), (E...))

}  // namespace ctorch
