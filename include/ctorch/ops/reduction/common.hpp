// ctorch/ops/reduction/common.hpp: what every reduction shares: the reduced shape, the static dim
// check, and the two drivers that evaluate an expression straight into a reducer (fused: the argument
// is never materialised), plus helpers for reducers' packet forms.
//
// A reducer is a struct of static, CTORCH_HD functions (see eval/cpu/executor.hpp for how they are
// called): init<Acc>(), step(acc, x, k), merge(a, b) (associative; commutative too, for CUDA),
// finalize(acc, count), and optionally pstep/pmerge/phorizontal on xsimd batches.
#pragma once
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

#include "../../autograd/function.hpp"
#include "../../core/error.hpp"
#include "../../core/shape.hpp"
#include "../../core/simd.hpp"
#include "../../core/tensor.hpp"
#include "../../eval/assign.hpp"
#include "../../eval/cpu/executor.hpp"
#include "../../expr/map.hpp"
#include "../view/unsqueeze.hpp"

namespace ctorch {

// Reducers live here; their names are what a static error about a reduction prints.
namespace red {}

namespace detail {

// A static dim of a reduction, checked against the input's rank; the op, the shape and the dim are
// the template arguments the compiler prints first.
template <class Op, class S, int Dim>
struct reduce_dim_check {
  static_assert(
      S::rank > 0,
      "ctorch: reduction: a dim reduction needs an input of at least one dim (see reduce_dim_check's arguments)");
  static_assert(Dim >= -int(S::rank) && Dim < int(S::rank),
                "ctorch: reduction: dim out of range for the input's rank (the op, the shape and the dim are the "
                "template arguments of reduce_dim_check)");
  static constexpr std::size_t value = Dim < 0 ? std::size_t(Dim + int(S::rank)) : std::size_t(Dim);
};

template <class S, std::size_t D, bool Keep, std::size_t... I>
auto reduced_shape_impl(std::index_sequence<I...>) {
  if constexpr (Keep)
    return Shape<(I == D ? index_t(1) : S::static_extents[I])...>{};
  else
    return Shape<S::static_extents[I < D ? I : I + 1]...>{};
}

// S with dim D removed (or kept as 1).
template <class S, std::size_t D, bool Keep>
using reduced_shape_t =
    decltype(reduced_shape_impl<S, D, Keep>(std::make_index_sequence < Keep ? S::rank : S::rank - 1 > {}));

template <class RS, std::size_t R>
Dims<RS> reduced_dims(const std::array<index_t, R>& ext, std::size_t dim, const char* op) {
  std::array<index_t, RS::rank> out{};
  std::size_t k = 0;
  for (std::size_t d = 0; d < R; ++d) {
    if (d != dim)
      out[k++] = ext[d];
    else if (RS::rank == R)
      out[k++] = 1;
  }
  return Dims<RS>::from_array(out, op);
}

template <class E>
using expr_device_t = std::conditional_t<std::is_void_v<typename std::remove_cvref_t<E>::device_type>, Cpu,
                                         typename std::remove_cvref_t<E>::device_type>;
template <class E>
using expr_value_t = typename std::remove_cvref_t<E>::value_type;
template <class E>
using expr_shape_t = typename std::remove_cvref_t<E>::shape_type;

// The evaluator a reduction runs on: the expression's own evaluator tree (for sum(a * b), a MapEval
// over two leaves reading a and b), never a temporary tensor.
template <class E>
using reduce_evaluator_t = decltype(make_evaluator<expr_shape_t<E>::rank>(
    std::declval<const std::remove_cvref_t<E>&>(), std::declval<const std::array<index_t, expr_shape_t<E>::rank>&>()));

// Reduces every element of e; returns the accumulator (the caller finalizes).
template <class Red, class Acc, class E>
Acc reduce_full_acc(const E& e) {
  constexpr std::size_t R = E::shape_type::rank;
  const std::array<index_t, R> ext = e.dims().array();
  const auto ev = make_evaluator<R>(e, ext);
  return executor<expr_device_t<E>>::template reduce_all<Red, Acc>(ext, ev);
}

template <class E>
index_t expr_numel(const E& e) {
  return numel_of(e.dims().array());
}

// Reduces e along dim into a new tensor of dtype Out and shape RS (Scan: e's shape).
template <class Red, class Acc, class Out, class RS, bool Scan = false, class E>
Tensor<Out, RS, expr_device_t<E>> reduce_along(const E& e, std::size_t dim, const char* op) {
  constexpr std::size_t R = E::shape_type::rank;
  const std::array<index_t, R> ext = e.dims().array();
  Dims<RS> od;
  if constexpr (Scan)
    od = Dims<RS>::from_array(ext, op);
  else
    od = reduced_dims<RS>(ext, dim, op);
  Tensor<Out, RS, expr_device_t<E>> out(od);
  const auto ev = make_evaluator<R>(e, ext);
  executor<expr_device_t<E>>::template reduce_dim<Red, Acc, Scan>(out.data(), ext, dim, ev);
  return out;
}

// Throws value_error like PyTorch when a reduction with no identity (max, argmax, ...) meets no element.
inline void require_nonempty_full(index_t n, const char* op) {
  if (n == 0)
    throw value_error(std::string("ctorch: ") + op +
                      ": Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim "
                      "with the 'dim' argument.");
}
template <std::size_t R>
void require_nonempty_dim(const std::array<index_t, R>& ext, std::size_t dim, const char* op) {
  if (ext[dim] == 0)
    throw value_error(std::string("ctorch: ") + op + ": Expected reduction dim " + std::to_string(dim) +
                      " to have non-zero size.");
}

// Folds the lanes of a packet accumulator with the reducer's scalar merge.
template <class Red, class Acc, class B>
Acc fold_lanes(const B& b) {
  alignas(64) Acc lanes[B::size];
  b.store_aligned(lanes);
  Acc a = lanes[0];
  for (std::size_t i = 1; i < B::size; ++i) a = Red::merge(a, lanes[i]);
  return a;
}

template <class T>
CTORCH_HD constexpr bool is_nan(T x) {
  if constexpr (std::is_floating_point_v<T>)
    return x != x;
  else
    return false;
}

// The accumulator dtype torch uses for sum and prod: integers and bool widen to int64.
template <class T>
using sum_acc_t = std::conditional_t<std::is_floating_point_v<T>, T, std::int64_t>;

// Calls f(base, stride, n) for every lane along dim d of a contiguous tensor of extents ext (d == R: the
// whole tensor, one lane): the lane's elements are at base + j * stride, j < n.
template <std::size_t R, class F>
void for_each_lane(const std::array<index_t, R>& ext, std::size_t d, F&& f) {
  if (d == R) {
    index_t n = 1;
    for (auto e : ext) n *= e;
    if (n > 0) f(index_t(0), index_t(1), n);
    return;
  }
  index_t outer = 1, inner = 1;
  for (std::size_t k = 0; k < d; ++k) outer *= ext[k];
  for (std::size_t k = d + 1; k < R; ++k) inner *= ext[k];
  const index_t n = ext[d];
  if (n == 0) return;
  for (index_t o = 0; o < outer; ++o)
    for (index_t i = 0; i < inner; ++i) f(o * n * inner + i, inner, n);
}
}  // namespace detail
namespace detail {
// A reduced gradient (or result) seen with the input's rank again: the reduced dim kept as 1, so it
// broadcasts back over the input (the VJP of a reduction is a broadcast).
template <std::size_t D, bool Keep, class T, class S, class Dev>
auto unreduce(const Tensor<T, S, Dev>& g) {
  if constexpr (Keep)
    return g.view();
  else
    return unsqueeze<int(D)>(g.view());
}
}  // namespace detail

}  // namespace ctorch
