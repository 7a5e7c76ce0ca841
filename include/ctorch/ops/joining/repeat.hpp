// ctorch/ops/joining/repeat.hpp: repeat and tile (torch.Tensor.repeat, torch.tile): x repeated R_d times
// along each dim, into a new Tensor.
// repeat<R...>(x) needs at least x's rank of counts; extra leading counts add leading dims.
// tile<R...>(x) takes fewer counts too: missing leading counts are 1.
// Shape: the (left-padded) extents times the counts, static where the extent is. dtype: x's.
// Gradient: the sum over the copies. Fewer repeat counts than dims, or a negative count, is a compile error.
#pragma once
#include "common.hpp"

namespace ctorch {

namespace op {
struct Repeat {
  static constexpr const char* name = "repeat";
};
struct Tile {
  static constexpr const char* name = "tile";
};
}  // namespace op

namespace detail {
template <class S, auto Reps>
constexpr auto repeat_extents() {
  constexpr std::size_t N = Reps.size(), R = S::rank;
  std::array<index_t, N> e{};
  for (std::size_t d = 0; d < N; ++d) {
    const index_t x = d < N - R ? 1 : S::static_extents[d - (N - R)];
    e[d] = x == Dyn ? Dyn : x * Reps[d];
  }
  return e;
}

// x (rank R) repeated Reps (N >= R counts, the first N - R for new leading dims).
template <auto Reps, class X>
auto repeat_impl(const X& x) {
  using S = typename X::shape_type;
  using T = std::remove_const_t<typename X::value_type>;
  using Dev = typename X::device_type;
  static_assert(std::is_same_v<Dev, Cpu>, "ctorch: repeat/tile: host tensors only for now");
  constexpr std::size_t N = Reps.size(), R = S::rank;
  using RS = shape_of_t<repeat_extents<S, Reps>()>;
  const auto xm = materialize(x);
  const auto xv = as_view(xm);
  const auto xe = xv.dims().array();
  const auto xs = xv.strides();
  std::array<index_t, N> ext{};
  for (std::size_t d = 0; d < N; ++d) ext[d] = (d < N - R ? 1 : xe[d - (N - R)]) * Reps[d];
  Tensor<T, RS, Dev> out(Dims<RS>::from_array(ext, "repeat"));
  T* o = out.data();
  for_each_index(ext, [&](const std::array<index_t, N>& idx) {
    index_t off = 0;
    for (std::size_t d = N - R; d < N; ++d) off += (idx[d] % xe[d - (N - R)]) * xs[d - (N - R)];
    *o++ = xv.data()[off];
  });
  return out;
}

// The Var form: each element of x gets the sum of the gradient over its copies (linear: the create_graph
// VJP comes from autograd::record_linear).
template <auto Reps, class V>
auto repeat_tracked(const char* name, const V& v) {
  return autograd::record_linear(
      name, repeat_impl<Reps>(v.value()), autograd::no_state{},
      [](autograd::no_state, const auto& g, const V& in) {
        if (!in.requires_grad()) return;
        constexpr std::size_t N = Reps.size(), R = V::rank;
        const auto xe = in.value().sizes();
        const auto xs = in.value().strides();
        bool fresh;
        auto* out = autograd::grad_buffer(in, fresh).data();  // fresh: zeros, so += is right either way
        const auto* gp = g.data();
        for_each_index(g.sizes(), [&](const std::array<index_t, N>& idx) {
          index_t off = 0;
          for (std::size_t d = N - R; d < N; ++d) off += (idx[d] % xe[d - (N - R)]) * xs[d - (N - R)];
          out[off] += *gp++;
        });
      },
      [](autograd::no_state, const auto& h) { return repeat_impl<Reps>(h); }, v);
}
}  // namespace detail

// requires: sizeof...(Reps) >= rank, every count >= 0 (compile errors). ensures: a new Tensor, x tiled
// Reps times (torch: x.repeat(Reps...)).
template <index_t... Reps, Expression X>
auto repeat(const X& x) {
  using S = typename X::shape_type;
  constexpr bool ok = sizeof...(Reps) >= S::rank && ((Reps >= 0) && ... && true);
  static_assert(joining_check<op::Repeat, Args<Reps...>, ok, S>::ok);
  if constexpr (ok) return detail::repeat_impl<std::array<index_t, sizeof...(Reps)>{Reps...}>(x);
}

namespace detail {
// tile's counts as repeat's: one per dim of the result, the missing leading ones 1 (as torch.tile).
template <class S, index_t... Reps>
constexpr auto tile_reps() {
  constexpr std::size_t N = sizeof...(Reps) > S::rank ? sizeof...(Reps) : S::rank;
  std::array<index_t, N> r{};
  const std::array<index_t, sizeof...(Reps)> given{Reps...};
  for (std::size_t d = 0; d < N; ++d) r[d] = d < N - given.size() ? 1 : given[d - (N - given.size())];
  return r;
}
}  // namespace detail

// requires: every count >= 0 (a compile error). ensures: a new Tensor, x tiled Reps times along its last
// dims (missing leading counts are 1, as torch.tile).
template <index_t... Reps, Expression X>
auto tile(const X& x) {
  using S = typename X::shape_type;
  constexpr bool ok = ((Reps >= 0) && ... && true);
  static_assert(joining_check<op::Tile, Args<Reps...>, ok, S>::ok);
  constexpr auto reps = detail::tile_reps<S, Reps...>();
  if constexpr (ok) return detail::repeat_impl<reps>(x);
}

// Autograd: repeat and tile on a Var; the VJP sums the gradient over the copies.
template <index_t... Reps, Tracked X>
auto repeat(const X& x) {
  auto v = autograd::as_var(x);
  using S = typename decltype(v)::shape_type;
  constexpr bool ok = sizeof...(Reps) >= S::rank && ((Reps >= 0) && ... && true);
  static_assert(joining_check<op::Repeat, Args<Reps...>, ok, S>::ok);
  if constexpr (ok) return detail::repeat_tracked<std::array<index_t, sizeof...(Reps)>{Reps...}>("RepeatBackward0", v);
}
template <index_t... Reps, Tracked X>
auto tile(const X& x) {
  auto v = autograd::as_var(x);
  using S = typename decltype(v)::shape_type;
  constexpr bool ok = ((Reps >= 0) && ... && true);
  static_assert(joining_check<op::Tile, Args<Reps...>, ok, S>::ok);
  constexpr auto reps = detail::tile_reps<S, Reps...>();
  if constexpr (ok) return detail::repeat_tracked<reps>("RepeatBackward0", v);
}

}  // namespace ctorch
