// ctorch/core/broadcast.hpp: PyTorch's broadcasting rule, at compile time on static extents and at
// run time on Dyn ones, through the same per-dim rule.
//
// Shapes are aligned on the right; in each dim the extents must be equal or 1. A static mismatch is a
// compile error from broadcast_check<Op, Shapes...>, whose instantiation (the first lines of the
// error) names the op and every shape; a dynamic one throws shape_error naming the op and the shapes.
#pragma once
#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "shape.hpp"

namespace ctorch {

namespace detail {

template <std::size_t R, class S>
constexpr std::array<index_t, R> right_aligned_static() {
  std::array<index_t, R> a{};
  for (std::size_t i = 0; i < R; ++i) a[i] = 1;
  for (std::size_t i = 0; i < S::rank; ++i) a[R - S::rank + i] = S::static_extents[i];
  return a;
}

template <std::size_t R>
struct static_broadcast_result {
  std::array<index_t, R> ext{};
  bool ok = true;
};

template <class... S>
constexpr auto static_broadcast() {
  constexpr std::size_t R = std::max({std::size_t(0), S::rank...});
  const std::array<std::array<index_t, R>, sizeof...(S)> in{right_aligned_static<R, S>()...};
  static_broadcast_result<R> r;
  for (std::size_t d = 0; d < R; ++d) {
    index_t fixed = 1;  // the one static extent other than 1, if any
    bool any_dyn = false;
    for (const auto& e : in) {
      if (e[d] == Dyn) {
        any_dyn = true;
      } else if (e[d] != 1) {
        if (fixed != 1 && fixed != e[d]) r.ok = false;
        fixed = e[d];
      }
    }
    r.ext[d] = fixed != 1 ? fixed : (any_dyn ? Dyn : 1);
  }
  return r;
}

template <auto Ext, std::size_t... I>
Shape<Ext[I]...> shape_from_array(std::index_sequence<I...>);

// broadcast_dims' error, compiled once rather than per combination of shapes.
[[noreturn, gnu::noinline, gnu::cold]] inline void throw_not_broadcastable(const char* op, const std::string* shapes,
                                                                           std::size_t n) {
  std::string msg = std::string("ctorch: ") + op + ": shapes";
  for (std::size_t k = 0; k < n; ++k) msg += (k ? " and " : " ") + shapes[k];
  throw shape_error(msg + " are not broadcastable");
}

}  // namespace detail

// Compile-time check; its template arguments are what the compiler prints first on a mismatch.
template <class Op, class... Shapes>
struct broadcast_check {
  static constexpr auto result = detail::static_broadcast<Shapes...>();
  static_assert(result.ok,
                "ctorch: the shapes of this op are not broadcastable (the op and the shapes are the template "
                "arguments of broadcast_check above)");
  using type = decltype(detail::shape_from_array<result.ext>(std::make_index_sequence<result.ext.size()>{}));
};

template <class Op, class... Shapes>
using broadcast_shape_t = typename broadcast_check<Op, Shapes...>::type;

// Run-time broadcast of several operands' extents into the result shape R. Throws shape_error.
template <class R, class... S>
Dims<R> broadcast_dims(const char* op, const Dims<S>&... in) {
  constexpr std::size_t rank = R::rank;
  std::array<index_t, rank> out{};
  out.fill(1);
  bool ok = true;
  auto merge = [&](const auto& d) {
    constexpr std::size_t r = std::remove_cvref_t<decltype(d)>::rank;
    for (std::size_t i = 0; i < r; ++i) {
      const index_t e = d[i];
      index_t& o = out[rank - r + i];
      if (e == o || e == 1) continue;
      if (o == 1)
        o = e;
      else
        ok = false;
    }
  };
  (merge(in), ...);
  if (!ok) {
    const std::array<std::string, sizeof...(S)> strs{in.str()...};
    detail::throw_not_broadcastable(op, strs.data(), strs.size());
  }
  return Dims<R>::from_array(out, op);
}

// Strides that read a tensor of extents `ext`/strides `st` as if broadcast to rank R: missing leading
// dims and broadcast (size 1 -> n) dims get stride 0.
template <std::size_t R, std::size_t r>
constexpr std::array<index_t, R> broadcast_strides(const std::array<index_t, r>& ext, const std::array<index_t, r>& st,
                                                   const std::array<index_t, R>& out_ext) {
  static_assert(r <= R);
  std::array<index_t, R> s{};
  for (std::size_t i = 0; i < r; ++i) {
    const std::size_t o = R - r + i;
    s[o] = (ext[i] == 1 && out_ext[o] != 1) ? 0 : st[i];
  }
  return s;
}

}  // namespace ctorch
