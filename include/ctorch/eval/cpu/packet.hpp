// ctorch/eval/cpu/packet.hpp: which evaluators the CPU evaluator may run on xsimd batches.
//
// A tree is vectorizable when every node computes in one dtype that xsimd has a batch for and every
// op in it declares a packet function for that batch; anything else (mixed dtypes, bool results,
// ops without a packet form) runs the fused scalar loop instead.
#pragma once
#include <type_traits>
#include "../../core/simd.hpp"

#include "../../expr/leaf.hpp"
#include "../../expr/map.hpp"
#include "../../expr/scalar.hpp"

namespace ctorch::cpu {

template <class T>
using batch = xsimd::batch<T>;

template <class T>
inline constexpr bool has_batch = std::is_same_v<T, float> || std::is_same_v<T, double> ||
                                  std::is_same_v<T, std::int32_t> || std::is_same_v<T, std::int64_t>;

template <class Ev>
inline constexpr bool vectorizable = false;

template <class T, std::size_t R>
inline constexpr bool vectorizable<LeafEval<T, R>> = has_batch<T>;

template <class T>
inline constexpr bool vectorizable<ScalarEval<T>> = has_batch<T>;

template <class Op, class C, class... E>
concept has_packet = requires(batch<C> b) {
  { Op::packet((void(sizeof(E)), b)...) } -> std::same_as<batch<C>>;
};

template <class Op, class... E>
inline constexpr bool vectorizable<MapEval<Op, E...>> = [] {
  using C = typename Op::template compute_t<typename E::value_type...>;
  using Rt = typename Op::template result_t<typename E::value_type...>;
  if constexpr (!has_batch<C> || !std::is_same_v<C, Rt> || !(std::is_same_v<typename E::value_type, C> && ...)) {
    return false;
  } else {
    return (vectorizable<E> && ...) && has_packet<Op, C, E...>;
  }
}();

}  // namespace ctorch::cpu
