// ctorch/ops/joining/rot90.hpp: rot90 (torch.rot90): x rotated by K quarter turns in the plane of dims
// D0 and D1 (from D0 towards D1; negative K turns the other way), into a new Tensor.
// Shape: x's, with the extents of D0 and D1 swapped when K is odd. dtype: x's. Gradient: rot90 by -K.
// rank >= 2 and D0, D1 distinct dims in [-rank, rank): compile errors otherwise.
#pragma once
#include <utility>

#include "common.hpp"

namespace ctorch {

namespace op {
struct Rot90 {
  static constexpr const char* name = "rot90";
};
}  // namespace op

namespace detail {
template <class S, std::size_t A, std::size_t B, std::size_t... I>
Shape<(I == A   ? S::static_extents[B]
       : I == B ? S::static_extents[A]
                : S::static_extents[I])...>
    swap_extents(std::index_sequence<I...>);
}  // namespace detail

// requires: rank >= 2; D0 != D1 after wrapping, both in [-rank, rank). ensures: a new Tensor, x rotated
// by K * 90 degrees (torch.rot90(x, K, [D0, D1])).
template <int K = 1, int D0 = 0, int D1 = 1, Expression X>
auto rot90(const X& x) {
  using S = typename X::shape_type;
  using T = std::remove_const_t<typename X::value_type>;
  using Dev = typename X::device_type;
  constexpr int R = int(S::rank);
  constexpr bool ok =
      R >= 2 && D0 >= -R && D0 < R && D1 >= -R && D1 < R && (D0 + R) % (R > 0 ? R : 1) != (D1 + R) % (R > 0 ? R : 1);
  static_assert(joining_check<op::Rot90, Args<K, D0, D1>, ok, S>::ok);
  if constexpr (ok) {
    constexpr std::size_t a = std::size_t((D0 + R) % R), b = std::size_t((D1 + R) % R);
    constexpr int k = ((K % 4) + 4) % 4;
    using RS =
        std::conditional_t<k % 2 == 1, decltype(detail::swap_extents<S, a, b>(std::make_index_sequence<S::rank>{})), S>;
    const auto xm = detail::materialize(x);
    const auto xv = detail::as_view(xm);
    auto ext = xv.dims().array();
    auto st = xv.strides();
    const T* p = xv.data();
    auto flip = [&](std::size_t d) {
      if (xv.numel() > 0) p += (ext[d] - 1) * st[d];
      st[d] = -st[d];
    };
    // As PyTorch: k = 1 is flip(D1) then transpose, k = 2 flips both, k = 3 is flip(D0) then transpose.
    if constexpr (k == 1) flip(b);
    if constexpr (k == 2) {
      flip(a);
      flip(b);
    }
    if constexpr (k == 3) flip(a);
    if constexpr (k % 2 == 1) {
      std::swap(ext[a], ext[b]);
      std::swap(st[a], st[b]);
    }
    return Tensor<T, RS, Dev>(TensorView<const T, RS, Dev>(p, Dims<RS>::from_array(ext, "rot90"), st));
  }
}

// Autograd: a rotation is a permutation whose inverse is the opposite rotation.
template <int K = 1, int D0 = 0, int D1 = 1, Tracked X>
auto rot90(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  return autograd::record_linear(
      "Rot90Backward0", rot90<K, D0, D1>(v.value()), autograd::no_state{},
      [](autograd::no_state, const auto& g, const V& in) { autograd::accumulate(in, rot90<-K, D0, D1>(g)); },
      [](autograd::no_state, const auto& h) { return rot90<K, D0, D1>(h); }, v);
}

}  // namespace ctorch
