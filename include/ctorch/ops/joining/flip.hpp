// ctorch/ops/joining/flip.hpp: flip (torch.flip): x with the order of entries reversed along each of
// Dims..., into a new Tensor (PyTorch's flip copies too). Shape and dtype: x's. Dims must be distinct and
// in [-rank, rank): a compile error otherwise. Gradient: the gradient flipped along the same dims.
#pragma once
#include "common.hpp"

namespace ctorch {

// requires: Dims... distinct after wrapping, each in [-rank, rank). ensures: a new Tensor, x reversed
// along every listed dim.
template <int... Dims, Expression X>
auto flip(const X& x) {
  using S = typename X::shape_type;
  using T = std::remove_const_t<typename X::value_type>;
  using Dev = typename X::device_type;
  constexpr std::size_t R = S::rank;
  constexpr bool ok = [] {
    std::array<bool, (R > 0 ? R : 1)> seen{};
    for (int d : std::array<int, sizeof...(Dims)>{Dims...}) {
      const int w = d < 0 ? d + int(R) : d;
      if (w < 0 || w >= int(R) || seen[std::size_t(w)]) return false;
      seen[std::size_t(w)] = true;
    }
    return true;
  }();
  static_assert(joining_check<op::Flip, Args<Dims...>, ok, S>::ok);
  const auto xm = detail::materialize(x);
  const auto xv = detail::as_view(xm);
  auto st = xv.strides();
  const auto ext = xv.dims().array();
  const T* p = xv.data();
  if constexpr (ok) {
    if (xv.numel() > 0) {
      for (int d : std::array<int, sizeof...(Dims)>{Dims...}) {
        const std::size_t w = std::size_t(d < 0 ? d + int(R) : d);
        p += (ext[w] - 1) * st[w];
        st[w] = -st[w];
      }
    }
  }
  return Tensor<T, S, Dev>(TensorView<const T, S, Dev>(p, xv.dims(), st));
}

// Autograd: flip is its own inverse and a permutation, so its VJP is the same flip (and, being linear,
// its create_graph VJP comes from autograd::record_linear).
template <int... Dims, Tracked X>
auto flip(const X& x) {
  auto v = autograd::as_var(x);
  return autograd::record_linear(
      "FlipBackward0", flip<Dims...>(v.value()), autograd::no_state{},
      [](autograd::no_state, const auto& g, const auto& in) { autograd::accumulate(in, flip<Dims...>(g)); },
      [](autograd::no_state, const auto& h) { return flip<Dims...>(h); }, v);
}

}  // namespace ctorch
