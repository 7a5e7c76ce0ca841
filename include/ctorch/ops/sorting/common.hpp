// ctorch/ops/sorting/common.hpp: what the sorting and selection ops share: the op tags their static
// errors name, the messaged compile-time check, NaN-aware orders (NaN above every number, as PyTorch
// sorts), and a host loop over the lanes of a dim (every 1-D slice along it).
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../../core/error.hpp"
#include "../../core/shape.hpp"
#include "../../core/tensor.hpp"
#include "../../eval/assign.hpp"
#include "../joining/common.hpp"
#include "../joining/split.hpp"
#include "../reduction/common.hpp"
#include "../reduction/max.hpp"

namespace ctorch {

namespace op {
#define CTORCH_SORT_OP(Name, str)            \
  struct Name {                              \
    static constexpr const char* name = str; \
  };
CTORCH_SORT_OP(Sort, "sort")
CTORCH_SORT_OP(Argsort, "argsort")
CTORCH_SORT_OP(Topk, "topk")
CTORCH_SORT_OP(Kthvalue, "kthvalue")
CTORCH_SORT_OP(Median, "median")
CTORCH_SORT_OP(Nanmedian, "nanmedian")
CTORCH_SORT_OP(Mode, "mode")
CTORCH_SORT_OP(Unique, "unique")
CTORCH_SORT_OP(Cross, "cross")
CTORCH_SORT_OP(Histc, "histc")
CTORCH_SORT_OP(Renorm, "renorm")
CTORCH_SORT_OP(Dist, "dist")
CTORCH_SORT_OP(Isclose, "isclose")
#undef CTORCH_SORT_OP
}  // namespace op

// A sorting/selection op whose static arguments or shapes do not fit: the op, its arguments (as an Args
// list) and the operands' shapes are the template arguments the compiler prints first.
template <class Op, class Asked, bool Ok, class... Shapes>
struct sorting_check {
  static_assert(Ok,
                "ctorch: sorting op: the static arguments or shapes do not fit this op (the op, its arguments and "
                "the shapes are the template arguments of sorting_check above)");
  static constexpr bool ok = Ok;
};

namespace detail {

// PyTorch's sort order: NaN compares above every number (and equal to NaN).
template <class T>
bool nan_less(T a, T b) {
  return !is_nan(a) && (is_nan(b) || a < b);
}
template <class T>
bool nan_greater(T a, T b) {
  return !is_nan(b) && (is_nan(a) || a > b);
}
template <class T>
bool nan_equal(T a, T b) {
  return a == b || (is_nan(a) && is_nan(b));
}

// An entry of a lane: its value and its position along the dim.
template <class T>
struct Entry {
  T value;
  int64_t index;
};

// The entries of x along dim P, one lane at a time: f(lane number, entries) for every index of the other
// dims, in row-major order (lane k is element k of the reduced shape).
template <std::size_t P, class T, class S, class D, class F>
void for_each_lane(const TensorView<const T, S, D>& x, F&& f) {
  constexpr std::size_t R = S::rank;
  auto ext = x.dims().array();
  const auto st = x.strides();
  const index_t n = ext[P];
  ext[P] = 1;
  std::vector<Entry<T>> lane(static_cast<std::size_t>(n));
  index_t k = 0;
  for_each_index(ext, [&](const std::array<index_t, R>& idx) {
    const T* p = x.data() + offset_of(idx, st);
    for (index_t j = 0; j < n; ++j) lane[std::size_t(j)] = Entry<T>{p[j * st[P]], int64_t(j)};
    f(k++, lane);
  });
}

// Entries sorted, stably, ascending or descending with NaN above every number.
template <class T>
void sort_entries(std::vector<Entry<T>>& e, bool descending) {
  if (descending)
    std::stable_sort(e.begin(), e.end(),
                     [](const Entry<T>& a, const Entry<T>& b) { return nan_greater(a.value, b.value); });
  else
    std::stable_sort(e.begin(), e.end(),
                     [](const Entry<T>& a, const Entry<T>& b) { return nan_less(a.value, b.value); });
}

// A reduction over the lanes of dim Dim: {values, indices} of shape reduced_shape_t<S, P, Keep>, lane k's
// pair being pick(lane) (given a non-empty lane; an empty dim throws value_error naming op).
template <class Op, int Dim, bool Keep, class X, class Pick>
auto lane_reduce(const X& x, Pick&& pick) {
  using S = typename X::shape_type;
  using T = std::remove_const_t<typename X::value_type>;
  using Dev = typename X::device_type;
  static_assert(std::is_same_v<Dev, Cpu>, "ctorch: sorting ops: host tensors only for now");
  constexpr std::size_t P = view_dim_check<Op, S, Dim>::value;
  using RS = reduced_shape_t<S, P, Keep>;
  const auto xm = materialize(x);
  const auto xv = as_view(xm);
  const auto ext = xv.dims().array();
  require_nonempty_dim(ext, P, Op::name);
  const Dims<RS> od = reduced_dims<RS>(ext, P, Op::name);
  values_indices<T, RS, Dev> out{Tensor<T, RS, Dev>(od), Tensor<int64_t, RS, Dev>(od)};
  for_each_lane<P>(xv, [&](index_t k, std::vector<Entry<T>>& lane) {
    const Entry<T> e = pick(lane);
    out.values.data()[k] = e.value;
    out.indices.data()[k] = e.index;
  });
  return out;
}

inline std::string sort_error(const char* op, const std::string& what) {
  return std::string("ctorch: ") + op + ": " + what;
}

}  // namespace detail
}  // namespace ctorch
