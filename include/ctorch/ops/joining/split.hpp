// ctorch/ops/joining/split.hpp: split and split_with_sizes (torch.split, torch.Tensor.split_with_sizes):
// x cut along dim Dim into consecutive pieces, each a view aliasing x (a write through a piece is seen by
// x, as in PyTorch).
//   split<Dim, Size>(x)             pieces of Size entries (the last one shorter when Size does not divide)
//   split<Dim>(x, size)             the same with the size given at run time
//   split_with_sizes<Dim, S...>(x)  pieces of the listed sizes, which must sum to x.size(Dim)
//   split_with_sizes<Dim>(x, {..})  the same with the sizes given at run time (also split<Dim>(x, {..}))
// Result: with static sizes and a static extent at Dim, a std::array of views (pieces of extent Size when
// Size divides the extent, of extent 0 for an empty dim, else of a Dyn extent) or, for split_with_sizes, a
// std::tuple of views with the listed static extents; otherwise a std::vector of views with a Dyn extent
// at Dim. As in PyTorch, an empty dim gives one empty piece. dtype: x's. Gradient: on a Var, each piece
// is a Var (a copy, as every Var owns its value) whose gradient lands in its slice.
// Errors: a negative size, a zero size on a non-empty dim, or sizes that do not sum to the extent are a
// compile error when static, value_error / shape_error at run time; Dim out of range is a compile error.
#pragma once
#include <algorithm>
#include <initializer_list>
#include <tuple>
#include <vector>

#include "common.hpp"

namespace ctorch {

namespace op {
struct Split {
  static constexpr const char* name = "split";
};
struct SplitWithSizes {
  static constexpr const char* name = "split_with_sizes";
};
}  // namespace op

namespace detail {
template <class S, std::size_t P, index_t L, std::size_t... I>
Shape<(I == P ? L : S::static_extents[I])...> with_extent_impl(std::index_sequence<I...>);
// S with the extent of dim P replaced by L.
template <class S, std::size_t P, index_t L>
using with_extent_t = decltype(with_extent_impl<S, P, L>(std::make_index_sequence<S::rank>{}));

// The piece of v from `start` with `len` entries along dim P, as a view of shape RS.
template <class RS, std::size_t P, class T, class S, class D>
TensorView<T, RS, D> piece(const TensorView<T, S, D>& v, index_t start, index_t len, const char* op) {
  auto ext = v.dims().array();
  ext[P] = len;
  return make_view<RS, T, D>(v.data() + (len > 0 ? start * v.strides()[P] : 0), ext, v.strides(), op);
}

template <class V, class F, std::size_t... I>
std::array<V, sizeof...(I)> array_from(F&& f, std::index_sequence<I...>) {
  return {{f(index_t(I))...}};
}

// PyTorch's split: the number of pieces (at least one) for a dim of n entries.
constexpr index_t split_count(index_t n, index_t size) {
  return size == 0 ? 1 : std::max<index_t>((n + size - 1) / size, 1);
}

inline void check_split_size(index_t n, index_t size) {
  if (size < 0)
    throw value_error("ctorch: split: split expects split_size be non-negative, but got split_size=" +
                      std::to_string(size));
  if (size == 0 && n != 0)
    throw value_error("ctorch: split: split_size can only be 0 if dimension size is 0, but got dimension size of " +
                      std::to_string(n));
}

template <std::size_t P, class T, class S, class D>
auto split_dyn(const TensorView<T, S, D>& v, index_t size) {
  using RS = with_extent_t<S, P, Dyn>;
  const index_t n = v.dims()[P];
  check_split_size(n, size);
  const index_t count = split_count(n, size);
  std::vector<TensorView<T, RS, D>> out;
  out.reserve(std::size_t(count));
  for (index_t i = 0; i < count; ++i) {
    const index_t start = i * size;
    out.push_back(piece<RS, P>(v, start, std::min(size, n - start), "split"));
  }
  return out;
}

template <class It>
std::string sizes_string(It b, It e) {
  std::string s = "[";
  for (It i = b; i != e; ++i) s += (i == b ? "" : ", ") + std::to_string(*i);
  return s + "]";
}

template <class It>
void check_split_sizes(index_t n, It b, It e, std::size_t P) {
  index_t sum = 0;
  for (It i = b; i != e; ++i) {
    if (*i < 0)
      throw value_error(
          "ctorch: split_with_sizes: split_with_sizes expects split_sizes have only non-negative "
          "entries, but got split_sizes=" +
          sizes_string(b, e));
    sum += *i;
  }
  if (sum != n)
    throw shape_error("ctorch: split_with_sizes: split_with_sizes expects split_sizes to sum exactly to " +
                      std::to_string(n) + " (input tensor's size at dimension " + std::to_string(P) +
                      "), but got split_sizes=" + sizes_string(b, e));
}

template <std::size_t P, class T, class S, class D>
auto split_sizes_dyn(const TensorView<T, S, D>& v, const std::vector<index_t>& sizes) {
  using RS = with_extent_t<S, P, Dyn>;
  check_split_sizes(v.dims()[P], sizes.begin(), sizes.end(), P);
  std::vector<TensorView<T, RS, D>> out;
  out.reserve(sizes.size());
  index_t start = 0;
  for (index_t len : sizes) {
    out.push_back(piece<RS, P>(v, start, len, "split_with_sizes"));
    start += len;
  }
  return out;
}

// The Var form of an op returning views of v's value (split, chunk, unbind): the same container (array,
// vector or tuple) of Vars, each recording its piece's VJP (detail::tracked_view_copy).
template <class T, class S, class D, class W, std::size_t N>
auto track_pieces(const char* name, const Var<T, S, D>& v, const std::array<W, N>& ws) {
  using P = decltype(tracked_view_copy(name, v, ws[0]));
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return std::array<P, N>{{tracked_view_copy(name, v, ws[I])...}};
  }
  (std::make_index_sequence<N>{});
}
template <class T, class S, class D, class W>
auto track_pieces(const char* name, const Var<T, S, D>& v, const std::vector<W>& ws) {
  std::vector<decltype(tracked_view_copy(name, v, ws[0]))> out;
  out.reserve(ws.size());
  for (const auto& w : ws) out.push_back(tracked_view_copy(name, v, w));
  return out;
}
template <class T, class S, class D, class... W>
auto track_pieces(const char* name, const Var<T, S, D>& v, const std::tuple<W...>& ws) {
  return std::apply([&](const W&... w) { return std::make_tuple(tracked_view_copy(name, v, w)...); }, ws);
}
}  // namespace detail

// requires: Dim in [-rank, rank); Size >= 0, and Size > 0 unless the extent is 0 (compile errors when
// static). ensures: views of Size consecutive entries along Dim (the last holds the rest), aliasing v; a
// std::array when the extent is static, else a std::vector.
template <int Dim, index_t Size, class T, class S, class D>
requires(Size != Dyn) auto split(const TensorView<T, S, D>& v) {
  constexpr std::size_t P = view_dim_check<op::Split, S, Dim>::value;
  constexpr index_t n = S::static_extents[P];
  static_assert(joining_check<op::Split, Args<Dim, Size>, (Size > 0 || (Size == 0 && (n == 0 || n == Dyn))), S>::ok);
  if constexpr (n == Dyn) {
    return detail::split_dyn<P>(v, Size);
  } else {
    constexpr index_t N = detail::split_count(n, Size);
    constexpr bool even = Size > 0 && n > 0 && n % Size == 0;
    using RS = detail::with_extent_t<S, P, (n == 0 ? 0 : even ? Size : Dyn)>;
    return detail::array_from<TensorView<T, RS, D>>(
        [&](index_t i) { return detail::piece<RS, P>(v, i * Size, std::min(Size, n - i * Size), "split"); },
        std::make_index_sequence<std::size_t(N)>{});
  }
}
// requires: Dim in [-rank, rank); size >= 0, and > 0 unless the extent is 0 (value_error). ensures: a
// std::vector of views of `size` entries along Dim (the last holds the rest), aliasing v.
template <int Dim, class T, class S, class D>
auto split(const TensorView<T, S, D>& v, index_t size) {
  constexpr std::size_t P = view_dim_check<op::Split, S, Dim>::value;
  return detail::split_dyn<P>(v, size);
}

// requires: Dim in [-rank, rank); sizes >= 0 summing to the extent (a compile error when the extent is
// static, shape_error otherwise). ensures: a std::tuple of views with the listed extents, aliasing v.
template <int Dim, index_t... Sizes, class T, class S, class D>
requires(sizeof...(Sizes) > 0) auto split_with_sizes(const TensorView<T, S, D>& v) {
  constexpr std::size_t P = view_dim_check<op::SplitWithSizes, S, Dim>::value;
  constexpr index_t n = S::static_extents[P];
  constexpr index_t sum = (Sizes + ...);
  static_assert(joining_check < op::SplitWithSizes, Args<Dim, Sizes...>,
                ((Sizes >= 0) && ...) && (n == Dyn || sum == n), S > ::ok);
  if constexpr (n == Dyn) {
    constexpr std::array<index_t, sizeof...(Sizes)> list{Sizes...};
    detail::check_split_sizes(v.dims()[P], list.begin(), list.end(), P);
  }
  constexpr std::array<index_t, sizeof...(Sizes)> starts = [] {
    std::array<index_t, sizeof...(Sizes)> s{};
    index_t acc = 0;
    std::size_t i = 0;
    ((s[i++] = acc, acc += Sizes), ...);
    return s;
  }();
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return std::make_tuple(
        detail::piece<detail::with_extent_t<S, P, Sizes>, P>(v, starts[I], Sizes, "split_with_sizes")...);
  }
  (std::make_index_sequence<sizeof...(Sizes)>{});
}
// requires: Dim in [-rank, rank); sizes >= 0 (value_error) summing to the extent (shape_error).
// ensures: a std::vector of views with the listed extents along Dim, aliasing v.
template <int Dim, class T, class S, class D>
auto split_with_sizes(const TensorView<T, S, D>& v, const std::vector<index_t>& sizes) {
  constexpr std::size_t P = view_dim_check<op::SplitWithSizes, S, Dim>::value;
  return detail::split_sizes_dyn<P>(v, sizes);
}
// requires: as split_with_sizes<Dim>(v, sizes). ensures: the same (torch.split with a list of sizes).
template <int Dim, class T, class S, class D>
auto split(const TensorView<T, S, D>& v, const std::vector<index_t>& sizes) {
  return split_with_sizes<Dim>(v, sizes);
}

// On a Tensor: the same, as views of its storage (mutable from Tensor&, const from const Tensor&);
// deleted on an rvalue Tensor, whose views would dangle.
CTORCH_VIEW_FORWARD_TENSOR(split, (int Dim, index_t Size), (Dim, Size))
CTORCH_VIEW_FORWARD_TENSOR(split, (int Dim), (Dim))
template <int Dim, index_t... Sizes, class T, class S, class D>
requires(sizeof...(Sizes) > 0) auto split_with_sizes(Tensor<T, S, D>& t) {
  return split_with_sizes<Dim, Sizes...>(t.view());
}
template <int Dim, index_t... Sizes, class T, class S, class D>
requires(sizeof...(Sizes) > 0) auto split_with_sizes(const Tensor<T, S, D>& t) {
  return split_with_sizes<Dim, Sizes...>(t.view());
}
template <int Dim, index_t... Sizes, class T, class S, class D, class... A>
void split_with_sizes(Tensor<T, S, D>&& t, A... a) = delete;
// A braced list of sizes on a tensor: split<0>(t, {2, 3}).
template <int Dim, class T, class S, class D>
auto split(Tensor<T, S, D>& t, const std::vector<index_t>& sizes) {
  return split_with_sizes<Dim>(t.view(), sizes);
}
template <int Dim, class T, class S, class D>
auto split(const Tensor<T, S, D>& t, const std::vector<index_t>& sizes) {
  return split_with_sizes<Dim>(t.view(), sizes);
}
template <int Dim, class T, class S, class D>
auto split_with_sizes(Tensor<T, S, D>& t, const std::vector<index_t>& sizes) {
  return split_with_sizes<Dim>(t.view(), sizes);
}
template <int Dim, class T, class S, class D>
auto split_with_sizes(const Tensor<T, S, D>& t, const std::vector<index_t>& sizes) {
  return split_with_sizes<Dim>(t.view(), sizes);
}
template <int Dim, class T, class S, class D>
void split(Tensor<T, S, D>&& t, const std::vector<index_t>& sizes) = delete;
template <int Dim, class T, class S, class D>
void split_with_sizes(Tensor<T, S, D>&& t, const std::vector<index_t>& sizes) = delete;

// On a Var: the same pieces as Vars (detail::track_pieces), each with its slice's VJP.
template <int Dim, index_t Size, class T, class S, class D>
requires(Size != Dyn) auto split(const Var<T, S, D>& v) {
  return detail::track_pieces("SplitBackward0", v, split<Dim, Size>(v.value().view()));
}
template <int Dim, class T, class S, class D>
auto split(const Var<T, S, D>& v, index_t size) {
  return detail::track_pieces("SplitBackward0", v, split<Dim>(v.value().view(), size));
}
template <int Dim, class T, class S, class D>
auto split(const Var<T, S, D>& v, const std::vector<index_t>& sizes) {
  return detail::track_pieces("SplitWithSizesBackward0", v, split_with_sizes<Dim>(v.value().view(), sizes));
}
template <int Dim, index_t... Sizes, class T, class S, class D>
requires(sizeof...(Sizes) > 0) auto split_with_sizes(const Var<T, S, D>& v) {
  return detail::track_pieces("SplitWithSizesBackward0", v, split_with_sizes<Dim, Sizes...>(v.value().view()));
}
template <int Dim, class T, class S, class D>
auto split_with_sizes(const Var<T, S, D>& v, const std::vector<index_t>& sizes) {
  return detail::track_pieces("SplitWithSizesBackward0", v, split_with_sizes<Dim>(v.value().view(), sizes));
}

}  // namespace ctorch
