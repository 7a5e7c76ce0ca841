// ctorch/core/pack.hpp: a flat, trivially copyable tuple for expression operands.
//
// std::tuple is recursive and not trivially copyable on every standard library; CUDA kernels need
// trivially copyable arguments, and compile time wants flat packs (one base per element, no recursion).
#pragma once
#include <cstddef>
#include <utility>

#include "config.hpp"

namespace ctorch::detail {

template <std::size_t I, class T>
struct PackElem {
  T value;
};

template <class Idx, class... T>
struct PackImpl;

template <std::size_t... I, class... T>
struct PackImpl<std::index_sequence<I...>, T...> : PackElem<I, T>... {
  constexpr PackImpl() = default;
  CTORCH_HD constexpr explicit PackImpl(T... v) : PackElem<I, T>{std::move(v)}... {}
};

template <class... T>
struct Pack : PackImpl<std::index_sequence_for<T...>, T...> {
  using PackImpl<std::index_sequence_for<T...>, T...>::PackImpl;
  static constexpr std::size_t size = sizeof...(T);
};

template <std::size_t I, class T>
CTORCH_HD constexpr T& get(PackElem<I, T>& p) {
  return p.value;
}
template <std::size_t I, class T>
CTORCH_HD constexpr const T& get(const PackElem<I, T>& p) {
  return p.value;
}

}  // namespace ctorch::detail
