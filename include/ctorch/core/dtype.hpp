// ctorch/core/dtype.hpp: the element types ctorch supports and PyTorch's type promotion.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace ctorch {

// float32, float64, int32, int64 and bool, as torch.float, torch.double, torch.int, torch.long, torch.bool.
template <class T>
concept DType = std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, std::int32_t> ||
                std::is_same_v<T, std::int64_t> || std::is_same_v<T, bool>;

// A plain C++ number that may stand in an expression as a scalar operand.
template <class T>
concept Arithmetic = std::is_arithmetic_v<T>;

namespace detail {
// Order used by promotion: bool < int32 < int64 < float < double.
template <class T>
inline constexpr int dtype_rank = std::is_same_v<T, bool>           ? 0
                                  : std::is_same_v<T, std::int32_t> ? 1
                                  : std::is_same_v<T, std::int64_t> ? 2
                                  : std::is_same_v<T, float>        ? 3
                                                                    : 4;
// 0 bool, 1 integral, 2 floating: scalars only promote a tensor across these categories.
template <class T>
inline constexpr int category = std::is_same_v<T, bool> ? 0 : std::is_integral_v<T> ? 1 : 2;
}  // namespace detail

// Promotion of two tensor dtypes (torch.promote_types).
template <DType A, DType B>
using promote_t = std::conditional_t<(detail::dtype_rank<A> >= detail::dtype_rank<B>), A, B>;

// The dtype a C++ scalar stands for when it meets a tensor of dtype T (torch.result_type with a
// Python number): it keeps T unless the scalar is of a higher category, which then picks that
// category's default dtype (int64 for integers, float32 for floating point).
template <DType T, Arithmetic S>
using scalar_promote_t =
    std::conditional_t<(detail::category<S> <= detail::category<T>), T,
                       std::conditional_t<detail::category<S> == 2, float,
                                          std::conditional_t<detail::category<S> == 1, std::int64_t, bool>>>;

// The dtype a lone scalar gets when it is turned into a tensor (torch.tensor(3.0) is float32).
template <Arithmetic S>
using scalar_dtype_t = std::conditional_t<std::is_same_v<S, bool>, bool,
                                          std::conditional_t<std::is_integral_v<S>, std::int64_t, float>>;

// Ops that only make sense on floating point (tanh, exp, true division) promote integers to float32.
template <DType T>
using float_promote_t = std::conditional_t<std::is_floating_point_v<T>, T, float>;

namespace detail {
// -1 stands for "no operand in this tier" (PyTorch's Undefined).
template <class T>
inline constexpr int rank_or_none = std::is_void_v<T> ? -1 : dtype_rank<T>;
template <int R>
using dtype_of_rank_or_none = std::conditional_t<
    R < 0, void,
    std::conditional_t<R == 0, bool,
                       std::conditional_t<R == 1, std::int32_t,
                                          std::conditional_t<R == 2, std::int64_t,
                                                             std::conditional_t<R == 3, float, double>>>>>;
}  // namespace detail

// Promotion within one tier of operands; void entries (not in this tier) are skipped; void if none.
template <class... T>
using promote_tier_t = detail::dtype_of_rank_or_none<std::max({-1, detail::rank_or_none<T>...})>;

// PyTorch's combine_categories(higher, lower): a lower tier (0-d tensors, then C++ numbers) changes the
// result only when it is of a higher category (bool < integral < floating) than the tier above.
template <class H, class L>
using combine_tiers_t = std::conditional_t<
    std::is_void_v<H>, L,
    std::conditional_t<std::is_void_v<L> || std::is_floating_point_v<H>, H,
                       std::conditional_t<std::is_same_v<H, bool> || std::is_floating_point_v<L>,
                                          promote_tier_t<H, L>, H>>>;

// torch.result_type over dimensioned tensors, 0-d tensors and C++ numbers (already mapped to dtypes by
// scalar_dtype_t): the dtype an elementwise op computes in.
template <class DimT, class ZeroT, class NumberT>
using result_type_t = combine_tiers_t<DimT, combine_tiers_t<ZeroT, NumberT>>;

template <DType T>
constexpr std::string_view dtype_name() {
  if constexpr (std::is_same_v<T, float>) return "torch.float32";
  else if constexpr (std::is_same_v<T, double>) return "torch.float64";
  else if constexpr (std::is_same_v<T, std::int32_t>) return "torch.int32";
  else if constexpr (std::is_same_v<T, std::int64_t>) return "torch.int64";
  else return "torch.bool";
}

}  // namespace ctorch
