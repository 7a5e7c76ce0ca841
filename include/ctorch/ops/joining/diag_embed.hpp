// ctorch/ops/joining/diag_embed.hpp: diag_embed (torch.diag_embed): each vector along x's last dim placed
// on the Offset-th diagonal of the matrices in dims D1 and D2 of a new, zero-filled Tensor of rank + 1.
// Shape: x's leading dims in order in the dims other than D1 and D2 (wrapped against rank + 1), and
// n + |Offset| in D1 and D2, n being x's last extent. dtype: x's. Gradient: diagonal<Offset, D1, D2> of
// the gradient. x of rank 0, or D1 and D2 not distinct dims in [-(rank + 1), rank + 1), is a compile error.
#pragma once
#include "../view/diagonal.hpp"
#include "common.hpp"

namespace ctorch {

namespace op {
struct DiagEmbed {
  static constexpr const char* name = "diag_embed";
};
}  // namespace op

namespace detail {
template <class S, std::size_t A, std::size_t B, index_t M, std::size_t... I>
Shape<(I == A || I == B ? M : S::static_extents[I - (I > A) - (I > B)])...> diag_embed_shape(std::index_sequence<I...>);
}  // namespace detail

// requires: rank >= 1; D1 != D2 after wrapping against rank + 1. ensures: a new Tensor out with
// diagonal<Offset, D1, D2>(out) == x and zeros elsewhere.
template <index_t Offset = 0, int D1 = -2, int D2 = -1, Expression X>
auto diag_embed(const X& x) {
  using S = typename X::shape_type;
  using T = std::remove_const_t<typename X::value_type>;
  using Dev = typename X::device_type;
  constexpr int R = int(S::rank) + 1;
  constexpr bool ok = S::rank >= 1 && D1 >= -R && D1 < R && D2 >= -R && D2 < R && (D1 + R) % R != (D2 + R) % R;
  static_assert(joining_check<op::DiagEmbed, Args<Offset, D1, D2>, ok, S>::ok);
  static_assert(std::is_same_v<Dev, Cpu>, "ctorch: diag_embed: host tensors only for now");
  if constexpr (ok) {
    constexpr std::size_t a = std::size_t(std::min((D1 + R) % R, (D2 + R) % R));
    constexpr std::size_t b = std::size_t(std::max((D1 + R) % R, (D2 + R) % R));
    constexpr index_t n = S::static_extents[S::rank - 1];
    constexpr index_t off = Offset < 0 ? -Offset : Offset;
    using RS = decltype(detail::diag_embed_shape<S, a, b, (n == Dyn ? Dyn : n + off)>(
        std::make_index_sequence<std::size_t(R)>{}));
    const auto xe = x.dims().array();
    std::array<index_t, std::size_t(R)> ext{};
    for (std::size_t i = 0, k = 0; i < std::size_t(R); ++i)
      ext[i] = (i == a || i == b) ? xe[S::rank - 1] + off : xe[k++];
    Tensor<T, RS, Dev> out(Dims<RS>::from_array(ext, "diag_embed"));
    diagonal<Offset, D1, D2>(out) = x;
    return out;
  }
}

// Autograd: x's gradient is the diagonal the forward wrote, read from the gradient.
template <index_t Offset = 0, int D1 = -2, int D2 = -1, Tracked X>
auto diag_embed(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  return autograd::record_linear(
      "DiagEmbedBackward0", diag_embed<Offset, D1, D2>(v.value()), autograd::no_state{},
      [](autograd::no_state, const auto& g, const V& in) {
        autograd::accumulate(in, diagonal<Offset, D1, D2>(g.view()));
      },
      [](autograd::no_state, const auto& h) { return diag_embed<Offset, D1, D2>(h); }, v);
}

}  // namespace ctorch
