// ctorch/ops/joining/put.hpp: put and put_ (torch.put, torch.Tensor.put_): source's entries written into
// the flattened self (row-major) at the positions in an int64 index; with accumulate, added instead
// (repeated indices then add up; without it the last write wins, PyTorch leaves that order unspecified).
// index and source must have the same number of elements (shape_error); negative indices count from the
// end; an index outside [-numel, numel) throws index_error. Shape and dtype: self's (source is converted).
// Gradient: self's is the gradient with the put positions zeroed (kept with accumulate); source's is take
// of it (without accumulate, zero for an entry a later one overwrote).
#pragma once
#include <vector>

#include "take.hpp"

namespace ctorch {

namespace detail {
template <class T, class S, class I, class Src>
void put_impl(const TensorView<T, S, Cpu>& self, const I& index, const Src& source, bool accumulate) {
  static_assert(std::is_same_v<typename I::value_type, int64_t>, "ctorch: put: the index must be an int64 tensor");
  static_assert(std::is_same_v<typename I::device_type, Cpu> && std::is_same_v<typename Src::device_type, Cpu>,
                "ctorch: put: host tensors only for now");
  const auto im = materialize(index);
  const auto iv = as_view(im);
  // A copy of source first: it may alias self.
  const Tensor<T, typename Src::shape_type, Cpu> sm(as_dtype<T>(source));
  if (iv.numel() != sm.numel())
    throw shape_error(join_op_error("put", "expected source and index to have the same number of elements, but got " +
                                               std::to_string(sm.numel()) + " and " + std::to_string(iv.numel())));
  const auto se = self.dims().array();
  const auto ss = self.strides();
  const index_t n = self.numel();
  const auto ist = iv.strides();
  const T* src = sm.data();
  for_each_index(iv.dims().array(), [&](const auto& idx) {
    const index_t k = wrap_flat_index("put", iv.data()[offset_of(idx, ist)], n);
    T& d = self.data()[flat_offset(k, se, ss)];
    if (accumulate)
      d = static_cast<T>(d + *src);
    else
      d = *src;
    ++src;
  });
}

// put when self or source is a Var. The VJPs: self gets g (accumulate) or g zeroed where put wrote;
// source entry i gets g at its position (without accumulate, only when no later entry wrote there,
// since an overwritten value never reaches the output). The node keeps a copy of the index.
template <class X, class I, class Src>
auto put_tracked(const X& x, const I& index, const Src& source, bool accumulate) {
  auto vx = autograd::as_var(x);
  auto vs = autograd::as_var(source);
  using VX = decltype(vx);
  using VS = decltype(vs);
  Tensor<int64_t, typename I::shape_type, Cpu> idx(index);
  Tensor<typename VX::value_type, typename VX::shape_type, Cpu> out(vx.value());
  put_impl(out.view(), idx, vs.value(), accumulate);  // checks the index and the sizes
  // Linear in (self, source) jointly: lin is put of the arriving gradients.
  return autograd::record_linear(
      "PutBackward0", std::move(out), std::pair{std::move(idx), accumulate},
      [](const auto& st, const auto& g, const VX& in, const VS& s) {
        const auto& [idx, accumulate] = st;
        const index_t n = g.numel();
        std::vector<index_t> last(std::size_t(n), -1);  // the entry whose value survives at each position
        for (index_t i = 0; i < idx.numel(); ++i) last[std::size_t(wrap_flat_index("put", idx.data()[i], n))] = i;
        if (in.requires_grad()) {
          bool fresh;
          auto* out = autograd::grad_buffer(in, fresh).data();  // fresh: zeros, so += is right either way
          for (index_t k = 0; k < n; ++k)
            if (accumulate || last[std::size_t(k)] < 0) out[k] += g.data()[k];
        }
        if (s.requires_grad()) {
          using TS = typename VS::value_type;
          bool fresh;
          auto* out = autograd::grad_buffer(s, fresh).data();
          for (index_t i = 0; i < idx.numel(); ++i) {
            const index_t k = wrap_flat_index("put", idx.data()[i], n);
            if (accumulate || last[std::size_t(k)] == i) out[i] += static_cast<TS>(g.data()[k]);
          }
        }
      },
      [](const auto& st, const auto& hx, const auto& hs) {
        auto y = hx;
        put_impl(y.view(), st.first, hs, st.second);
        return y;
      },
      vx, vs);
}
}  // namespace detail

// requires: as the header says. ensures: self updated in place; returns self.
template <class T, class S, Expression I, Expression Src>
Tensor<T, S, Cpu>& put_(Tensor<T, S, Cpu>& self, const I& index, const Src& source, bool accumulate = false) {
  detail::put_impl(self.view(), index, source, accumulate);
  return self;
}
// requires: as put_, on a mutable view. ensures: the viewed elements updated in place.
template <class T, class S, Expression I, Expression Src>
requires(!std::is_const_v<T>) void put_(const TensorView<T, S, Cpu>& self, const I& index, const Src& source,
                                        bool accumulate = false) {
  detail::put_impl(self, index, source, accumulate);
}
// requires: as put_. ensures: a new Tensor: a copy of x with source put at the indexed positions.
template <Expression X, Expression I, Expression Src>
auto put(const X& x, const I& index, const Src& source, bool accumulate = false) {
  Tensor<std::remove_const_t<typename X::value_type>, typename X::shape_type, typename X::device_type> out(x);
  detail::put_impl(out.view(), index, source, accumulate);
  return out;
}

// Autograd: put when x or source is a Var (VJP: see detail::put_tracked).
template <Expression X, Expression I, Expression Src>
requires(Tracked<X> || Tracked<Src>) auto put(const X& x, const I& index, const Src& source, bool accumulate = false) {
  return detail::put_tracked(x, index, source, accumulate);
}

}  // namespace ctorch
