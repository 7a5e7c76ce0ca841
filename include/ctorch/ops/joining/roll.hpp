// ctorch/ops/joining/roll.hpp: roll (torch.roll): x's entries shifted cyclically along dims, into a new
// Tensor. roll<D0, D1>(x, s0, s1) shifts by s0 along D0 and by s1 along D1 (an entry at i moves to
// (i + s) mod size; negative shifts go the other way; a dim may repeat, its shifts add up);
// roll(x, s) with no dims shifts the flattened x and keeps its shape.
// Shape and dtype: x's. Gradient: roll of the gradient by -shifts. Dims out of range, or a count of
// shifts that does not match the count of dims, are compile errors.
#pragma once
#include <concepts>

#include "common.hpp"

namespace ctorch {

namespace op {
struct Roll {
  static constexpr const char* name = "roll";
};
}  // namespace op

// requires: one shift per dim in Dims (each dim in [-rank, rank)), or no dims and one shift.
// ensures: a new Tensor out with out[(i + s) mod n] = x[i] along each listed dim (or over the flattened x).
// (A Var goes to the form below; it is excluded here since overloads constrained on the same pack never
// subsume one another.)
template <int... Dims, Expression X, std::integral... I>
requires(!Tracked<X>) auto roll(const X& x, I... shifts) {
  using S = typename X::shape_type;
  using T = std::remove_const_t<typename X::value_type>;
  using Dev = typename X::device_type;
  constexpr std::size_t R = S::rank;
  static_assert(std::is_same_v<Dev, Cpu>, "ctorch: roll: host tensors only for now");
  constexpr bool ok_count = sizeof...(Dims) == sizeof...(I) || (sizeof...(Dims) == 0 && sizeof...(I) == 1);
  constexpr bool ok_dims = ((Dims >= -int(R) && Dims < int(R)) && ... && true);
  static_assert(joining_check < op::Roll, Args<Dims...>, ok_count && ok_dims, S > ::ok);
  const auto xm = detail::materialize(x);
  const auto xv = detail::as_view(xm);
  const auto ext = xv.dims().array();
  const auto st = xv.strides();
  Tensor<T, S, Dev> out(xv.dims());
  if constexpr (ok_count && ok_dims) {
    if (out.numel() == 0) return out;
    T* o = out.data();
    if constexpr (sizeof...(Dims) == 0) {
      // Flattened: out flat index j reads x flat index (j - s) mod n, in row-major order.
      const index_t n = out.numel();
      const index_t s = ((index_t(shifts) + ...) % n + n) % n;
      index_t j = s;
      detail::for_each_index(ext, [&](const std::array<index_t, R>& idx) {
        o[j] = xv.data()[detail::offset_of(idx, st)];
        if (++j == n) j = 0;
      });
    } else {
      std::array<index_t, R> shift{};
      const std::array<int, sizeof...(Dims)> dims{Dims...};
      const std::array<index_t, sizeof...(I)> sh{index_t(shifts)...};
      for (std::size_t k = 0; k < dims.size(); ++k) {
        const std::size_t d = std::size_t(dims[k] < 0 ? dims[k] + int(R) : dims[k]);
        shift[d] += sh[k] % ext[d];
      }
      for (std::size_t d = 0; d < R; ++d) shift[d] = (shift[d] % ext[d] + ext[d]) % ext[d];
      const auto ost = contiguous_strides(ext);
      detail::for_each_index(ext, [&](const std::array<index_t, R>& idx) {
        index_t off = 0;
        for (std::size_t d = 0; d < R; ++d) {
          index_t j = idx[d] + shift[d];
          if (j >= ext[d]) j -= ext[d];
          off += j * ost[d];
        }
        o[off] = xv.data()[detail::offset_of(idx, st)];
      });
    }
  }
  return out;
}

// Autograd: roll permutes entries, so the VJP rolls the gradient back by the negated shifts.
template <int... Dims, Tracked X, std::integral... I>
auto roll(const X& x, I... shifts) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  return autograd::record_linear(
      "RollBackward0", roll<Dims...>(v.value(), shifts...), std::array<index_t, sizeof...(I)>{index_t(shifts)...},
      [](const auto& s, const auto& g, const V& in) {
        std::apply([&](auto... k) { autograd::accumulate(in, roll<Dims...>(g, -k...)); }, s);
      },
      [](const auto& s, const auto& h) { return std::apply([&](auto... k) { return roll<Dims...>(h, k...); }, s); }, v);
}

}  // namespace ctorch
