// ctorch/ops/joining/masked_scatter.hpp: masked_scatter and masked_scatter_ (torch.masked_scatter,
// torch.Tensor.masked_scatter_): where the bool mask (broadcast to self's shape) holds, self's entries
// are replaced, in row-major order, by source's entries read in row-major order.
// The mask must broadcast to self's shape (a compile error / shape_error otherwise); source must hold at
// least as many elements as the mask has true entries (value_error). Shape and dtype: self's (source
// converted). Gradient: self's is the gradient where the mask is false; source's is masked_select of it.
#pragma once
#include "masked_fill.hpp"

namespace ctorch {

namespace op {
struct MaskedScatter {
  static constexpr const char* name = "masked_scatter";
};
}  // namespace op

namespace detail {
// The mask broadcast to the extents of self, as a contiguous bool Tensor of self's shape.
template <class Op, class S, class M>
Tensor<bool, S, Cpu> mask_to(const Dims<S>& dims, const M& mask) {
  using MS = typename M::shape_type;
  static_assert(std::is_same_v<typename M::value_type, bool>, "ctorch: masked op: the mask must be a bool tensor");
  static_assert(joining_check<Op, Args<>, mask_fits_static<S, MS>(), S, MS>::ok);
  const auto xe = dims.array();
  const auto me = mask.dims().array();
  if constexpr (MS::rank <= S::rank) {
    for (std::size_t i = 0; i < me.size(); ++i) {
      const index_t e = xe[xe.size() - me.size() + i];
      if (me[i] != 1 && me[i] != e)
        throw shape_error(join_op_error(
            Op::name, "the mask " + shape_string(me) + " does not broadcast to the input's shape " + shape_string(xe)));
    }
  }
  Tensor<bool, S, Cpu> m(dims);
  m.view() = mask;
  return m;
}

template <class T, class S, class M, class Src>
void masked_scatter_impl(const TensorView<T, S, Cpu>& self, const M& mask, const Src& source) {
  static_assert(std::is_same_v<typename Src::device_type, Cpu> && std::is_same_v<typename M::device_type, Cpu>,
                "ctorch: masked_scatter: host tensors only for now");
  const auto m = mask_to<op::MaskedScatter>(self.dims(), mask);
  const Tensor<T, typename Src::shape_type, Cpu> sm(as_dtype<T>(source));  // source may alias self
  index_t count = 0;
  for (index_t i = 0; i < m.numel(); ++i) count += m.data()[i] ? 1 : 0;
  if (count > sm.numel())
    throw value_error(join_op_error("masked_scatter", "the mask has " + std::to_string(count) +
                                                          " true entries but source has only " +
                                                          std::to_string(sm.numel()) + " elements"));
  const auto st = self.strides();
  const bool* mp = m.data();
  const T* sp = sm.data();
  for_each_index(self.dims().array(), [&](const auto& idx) {
    if (*mp++) self.data()[offset_of(idx, st)] = *sp++;
  });
}

// masked_scatter when self or source is a Var. The VJPs: self gets g where the mask is false; source's
// first entries (row-major), one per true mask entry, get g at those positions in order. The node
// keeps the broadcast mask.
template <class X, class M, class Src>
auto masked_scatter_tracked(const X& x, const M& mask, const Src& source) {
  auto vx = autograd::as_var(x);
  auto vs = autograd::as_var(source);
  using VX = decltype(vx);
  using VS = decltype(vs);
  auto m = mask_to<op::MaskedScatter>(vx.value().dims(), mask);
  Tensor<typename VX::value_type, typename VX::shape_type, Cpu> out(vx.value());
  masked_scatter_impl(out.view(), m, vs.value());  // checks the source's size
  // Linear in (self, source) jointly: lin is masked_scatter of the arriving gradients.
  return autograd::record_linear(
      "MaskedScatterBackward0", std::move(out), std::move(m),
      [](const auto& m, const auto& g, const VX& in, const VS& s) {
        if (in.requires_grad()) {
          bool fresh;
          auto* out = autograd::grad_buffer(in, fresh).data();  // fresh: zeros, so += is right either way
          for (index_t k = 0; k < g.numel(); ++k)
            if (!m.data()[k]) out[k] += g.data()[k];
        }
        if (s.requires_grad()) {
          using TS = typename VS::value_type;
          bool fresh;
          auto* out = autograd::grad_buffer(s, fresh).data();
          for (index_t k = 0; k < g.numel(); ++k)
            if (m.data()[k]) *out++ += static_cast<TS>(g.data()[k]);
        }
      },
      [](const auto& m, const auto& hx, const auto& hs) {
        auto y = hx;
        masked_scatter_impl(y.view(), m, hs);
        return y;
      },
      vx, vs);
}
}  // namespace detail

// requires: as the header says. ensures: self updated in place; returns self.
template <class T, class S, Expression M, Expression Src>
Tensor<T, S, Cpu>& masked_scatter_(Tensor<T, S, Cpu>& self, const M& mask, const Src& source) {
  detail::masked_scatter_impl(self.view(), mask, source);
  return self;
}
// requires: as masked_scatter_, on a mutable view. ensures: the viewed elements updated in place.
template <class T, class S, Expression M, Expression Src>
requires(!std::is_const_v<T>) void masked_scatter_(const TensorView<T, S, Cpu>& self, const M& mask,
                                                   const Src& source) {
  detail::masked_scatter_impl(self, mask, source);
}
// requires: as masked_scatter_. ensures: a new Tensor: a copy of x with source's entries where mask holds.
template <Expression X, Expression M, Expression Src>
auto masked_scatter(const X& x, const M& mask, const Src& source) {
  Tensor<std::remove_const_t<typename X::value_type>, typename X::shape_type, typename X::device_type> out(x);
  detail::masked_scatter_impl(out.view(), mask, source);
  return out;
}

// Autograd: masked_scatter when x or source is a Var (VJP: see detail::masked_scatter_tracked).
template <Expression X, Expression M, Expression Src>
requires(Tracked<X> || Tracked<Src>) auto masked_scatter(const X& x, const M& mask, const Src& source) {
  return detail::masked_scatter_tracked(x, mask, source);
}

}  // namespace ctorch
