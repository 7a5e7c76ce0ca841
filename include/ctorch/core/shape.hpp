// ctorch/core/shape.hpp: static extents, Dyn, and the run-time extents of a shape.
//
// A Shape lists extents; each is a compile-time integer or Dyn (decided at run time, like
// std::dynamic_extent). Dims<S> stores only the Dyn extents, so a fully static shape costs nothing
// and every query on it folds to a constant.
#pragma once
#include <array>
#include <initializer_list>
#include <string>

#include "config.hpp"
#include "error.hpp"

namespace ctorch {

inline constexpr index_t Dyn = -1;

template <index_t... E>
struct Shape {
  static_assert(((E >= 0 || E == Dyn) && ...), "ctorch: an extent is a non-negative integer or Dyn");
  static constexpr std::size_t rank = sizeof...(E);
  static constexpr std::array<index_t, rank> static_extents{E...};
  static constexpr std::size_t num_dyn = (std::size_t(E == Dyn) + ... + 0);
  static constexpr bool is_static = num_dyn == 0;
  // Product of the extents, or Dyn when any is dynamic.
  static constexpr index_t static_numel = is_static ? (index_t(1) * ... * (E == Dyn ? 1 : E)) : Dyn;
};

template <class T>
inline constexpr bool is_shape_v = false;
template <index_t... E>
inline constexpr bool is_shape_v<Shape<E...>> = true;

template <class T>
concept ShapeType = is_shape_v<T>;

// Row-major (contiguous) strides for given extents.
template <std::size_t R>
constexpr std::array<index_t, R> contiguous_strides(const std::array<index_t, R>& ext) {
  std::array<index_t, R> s{};
  index_t acc = 1;
  for (std::size_t i = R; i-- > 0;) {
    s[i] = acc;
    acc *= ext[i];
  }
  return s;
}

// Number of elements of extents `ext`.
template <std::size_t R>
constexpr index_t numel_of(const std::array<index_t, R>& ext) {
  index_t n = 1;
  for (index_t e : ext) n *= e;
  return n;
}

namespace detail {
// The body of shape_string, one instance for every rank (messages are built on error paths only).
[[gnu::noinline]] inline std::string shape_string_n(const index_t* ext, std::size_t rank) {
  std::string s = "[";
  for (std::size_t i = 0; i < rank; ++i) {
    if (i) s += ", ";
    s += ext[i] == Dyn ? std::string("?") : std::to_string(ext[i]);
  }
  return s + "]";
}

// Dims::from_array's error: out of line and rank-erased, so the per-shape function stays a loop
// (the message building and its exception cleanups are compiled once, not once per shape).
[[noreturn, gnu::noinline, gnu::cold]] inline void throw_extents_mismatch(const char* op, const index_t* ext,
                                                                          const index_t* static_ext, std::size_t rank) {
  for (std::size_t i = 0; i < rank; ++i)
    if (ext[i] < 0)
      throw shape_error(std::string("ctorch: ") + op + ": negative extent in " + shape_string_n(ext, rank));
  throw shape_error(std::string("ctorch: ") + op + ": shape " + shape_string_n(ext, rank) +
                    " does not match the static shape " + shape_string_n(static_ext, rank));
}
}  // namespace detail

// "[2, 3]", the way PyTorch prints a torch.Size; "?" marks an extent not known at compile time.
template <std::size_t R>
std::string shape_string(const std::array<index_t, R>& ext) {
  return detail::shape_string_n(ext.data(), R);
}

// Run-time extents of shape S: the static ones are constants, the Dyn ones are stored.
template <ShapeType S>
class Dims {
 public:
  using shape_type = S;
  static constexpr std::size_t rank = S::rank;

  constexpr Dims() = default;

  // requires: one value per Dyn extent, each >= 0.
  template <class... I>
  requires(sizeof...(I) == S::num_dyn && (std::is_integral_v<I> && ...)) constexpr explicit Dims(I... dyn)
      : dyn_{static_cast<index_t>(dyn)...} {
    for (index_t d : dyn_)
      if (d < 0) throw shape_error("ctorch: a dynamic extent must be non-negative, got " + std::to_string(d));
  }

  // From a full list of extents; static ones must agree. Throws shape_error naming `op`.
  static Dims from_array(const std::array<index_t, rank>& ext, const char* op = "tensor") {
    Dims d;
    std::size_t k = 0;
    for (std::size_t i = 0; i < rank; ++i) {
      const index_t se = S::static_extents[i];
      if (ext[i] < 0 || (se != Dyn && se != ext[i]))
        detail::throw_extents_mismatch(op, ext.data(), S::static_extents.data(), rank);
      if (se == Dyn) d.dyn_[k++] = ext[i];
    }
    return d;
  }

  constexpr index_t operator[](std::size_t i) const {
    if constexpr (S::num_dyn == 0) {
      return S::static_extents[i];
    } else {
      return S::static_extents[i] != Dyn ? S::static_extents[i] : dyn_[dyn_pos_[i]];
    }
  }

  constexpr index_t numel() const {
    if constexpr (S::is_static) {
      return S::static_numel;
    } else {
      index_t n = 1;
      for (std::size_t i = 0; i < rank; ++i) n *= (*this)[i];
      return n;
    }
  }

  constexpr std::array<index_t, rank> array() const {
    std::array<index_t, rank> a{};
    for (std::size_t i = 0; i < rank; ++i) a[i] = (*this)[i];
    return a;
  }

  constexpr friend bool operator==(const Dims& a, const Dims& b) { return a.dyn_ == b.dyn_; }

  std::string str() const { return shape_string(array()); }

 private:
  static constexpr std::array<std::size_t, rank> dyn_pos_ = [] {
    std::array<std::size_t, rank> p{};
    std::size_t k = 0;
    for (std::size_t i = 0; i < rank; ++i) p[i] = S::static_extents[i] == Dyn ? k++ : 0;
    return p;
  }();
  std::array<index_t, S::num_dyn> dyn_{};
};

// A dim given as a possibly negative integer, normalised against a rank (PyTorch's wrap_dim).
template <int D, std::size_t R>
constexpr std::size_t wrap_dim() {
  static_assert(D >= -int(R) && D < int(R > 0 ? R : 1), "ctorch: dim out of range for this rank");
  return D < 0 ? std::size_t(D + int(R)) : std::size_t(D);
}

}  // namespace ctorch
