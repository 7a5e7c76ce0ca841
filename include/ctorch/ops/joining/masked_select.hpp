// ctorch/ops/joining/masked_select.hpp: masked_select (torch.masked_select): the entries of x where the
// bool mask holds, in row-major order, as a new 1-D Tensor. x and mask broadcast together (a compile
// error / shape_error otherwise). Shape: Shape<Dyn> (the length depends on the data). dtype: x's.
// Gradient: masked_scatter of the gradient into zeros.
#pragma once
#include "common.hpp"

namespace ctorch {

namespace op {
struct MaskedSelect {
  static constexpr const char* name = "masked_select";
};
}  // namespace op

// requires: mask a bool expression; x and mask broadcastable. ensures: a Tensor<T, Shape<Dyn>> of the
// entries of (broadcast) x where (broadcast) mask is true, in row-major order.
template <Expression X, Expression M>
auto masked_select(const X& x, const M& mask) {
  using T = std::remove_const_t<typename X::value_type>;
  using XS = typename X::shape_type;
  using MS = typename M::shape_type;
  static_assert(std::is_same_v<typename M::value_type, bool>, "ctorch: masked_select: the mask must be a bool tensor");
  static_assert(std::is_same_v<typename X::device_type, Cpu> && std::is_same_v<typename M::device_type, Cpu>,
                "ctorch: masked_select: host tensors only for now");
  using BS = broadcast_shape_t<op::MaskedSelect, XS, MS>;
  const auto xm = detail::materialize(x);
  const auto mm = detail::materialize(mask);
  const auto xv = detail::as_view(xm);
  const auto mv = detail::as_view(mm);
  const auto bd = broadcast_dims<BS>("masked_select", xv.dims(), mv.dims());
  const auto be = bd.array();
  const auto xs = broadcast_strides<BS::rank>(xv.dims().array(), xv.strides(), be);
  const auto ms = broadcast_strides<BS::rank>(mv.dims().array(), mv.strides(), be);
  index_t count = 0;
  detail::for_each_index(be, [&](const auto& idx) { count += mv.data()[detail::offset_of(idx, ms)] ? 1 : 0; });
  Tensor<T, Shape<Dyn>, Cpu> out(count);
  T* o = out.data();
  detail::for_each_index(be, [&](const auto& idx) {
    if (mv.data()[detail::offset_of(idx, ms)]) *o++ = xv.data()[detail::offset_of(idx, xs)];
  });
  return out;
}

// Autograd: output entry k came from a (broadcast) position of x; its gradient is added there, so an
// element of x that broadcasting read several times gets each read's gradient. The node keeps the mask.
template <Tracked X, Expression M>
auto masked_select(const X& x, const M& mask) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  using MS = typename M::shape_type;
  Tensor<bool, MS, Cpu> m(mask);
  auto out = masked_select(v.value(), m);
  return autograd::record_linear(
      "MaskedSelectBackward0", std::move(out), std::move(m),
      [](const auto& m, const auto& g, const V& in) {
        if (!in.requires_grad()) return;
        using BS = broadcast_shape_t<op::MaskedSelect, typename V::shape_type, MS>;
        bool fresh;
        auto& buf = autograd::grad_buffer(in, fresh);  // fresh: zeros, so += is right either way
        const auto be = broadcast_dims<BS>("masked_select", buf.dims(), m.dims()).array();
        const auto xs = broadcast_strides<BS::rank>(buf.sizes(), buf.strides(), be);
        const auto ms = broadcast_strides<BS::rank>(m.sizes(), m.strides(), be);
        const auto* gp = g.data();
        detail::for_each_index(be, [&](const auto& idx) {
          if (m.data()[detail::offset_of(idx, ms)]) buf.data()[detail::offset_of(idx, xs)] += *gp++;
        });
      },
      [](const auto& m, const auto& h) { return masked_select(h, m); }, v);
}

}  // namespace ctorch
