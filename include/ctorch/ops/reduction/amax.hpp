// ctorch/ops/reduction/amax.hpp: amax and amin (torch.amax, torch.amin): the largest / smallest value,
// over every element or along one dim.
// Shape: as sum. dtype: the input's. NaN propagates (any NaN makes the result NaN). Empty input (or an
// empty reduced dim) throws value_error, as PyTorch does. Fused like sum.
#pragma once
#include "../comparison/eq.hpp"
#include "../pointwise/cast.hpp"
#include "../pointwise/where.hpp"
#include "common.hpp"
#include "sum.hpp"

namespace ctorch {
namespace red {

// Largest (Max = true) or smallest value; a NaN wins over every number.
template <bool IsMax>
struct Extreme {
  static constexpr const char* name = IsMax ? "amax" : "amin";
  template <class Acc>
  CTORCH_HD static Acc init() {
    if constexpr (std::is_floating_point_v<Acc>)
      return IsMax ? -std::numeric_limits<Acc>::infinity() : std::numeric_limits<Acc>::infinity();
    else
      return IsMax ? std::numeric_limits<Acc>::lowest() : std::numeric_limits<Acc>::max();
  }
  // True when x should replace a (strictly better, or the first NaN).
  template <class T>
  CTORCH_HD static bool better(T x, T a) {
    if constexpr (std::is_floating_point_v<T>)
      if (x != x) return a == a;
    if constexpr (IsMax)
      return x > a;
    else
      return x < a;
  }
  template <class Acc, class V>
  CTORCH_HD static Acc step(Acc a, V x, index_t) {
    return better(static_cast<Acc>(x), a) ? static_cast<Acc>(x) : a;
  }
  template <class Acc>
  CTORCH_HD static Acc merge(Acc a, Acc b) {
    return better(b, a) ? b : a;
  }
  template <class Acc>
  CTORCH_HD static Acc finalize(Acc a, index_t) {
    return a;
  }
  template <class B>
  static B pstep(const B& a, const B& x) {
    // Not x != x: xsimd 8.1's AVX-512 != is an ordered compare, false for NaN.
    if constexpr (std::is_floating_point_v<typename B::value_type>) {
      if constexpr (IsMax)
        return xsimd::select((x > a) | xsimd::isnan(x), x, a);
      else
        return xsimd::select((x < a) | xsimd::isnan(x), x, a);
    } else {
      if constexpr (IsMax)
        return xsimd::max(a, x);
      else
        return xsimd::min(a, x);
    }
  }
  template <class B>
  static B pmerge(const B& a, const B& b) {
    return pstep(a, b);  // a NaN in a stays: neither b > NaN nor b < NaN holds
  }
  template <class Acc, class B>
  static Acc phorizontal(const B& b) {
    return detail::fold_lanes<Extreme, Acc>(b);
  }
};
using Amax = Extreme<true>;
using Amin = Extreme<false>;

}  // namespace red

namespace detail {
template <class Red, Expression X>
auto extreme_full(const X& x, const char* op) {
  using T = expr_value_t<X>;
  require_nonempty_full(expr_numel(x), op);
  return Tensor<T, Shape<>, expr_device_t<X>>(reduce_full_acc<Red, T>(x));
}
template <class Red, int Dim, bool Keep, Expression X>
auto extreme_dim(const X& x, const char* op) {
  using S = expr_shape_t<X>;
  using T = expr_value_t<X>;
  constexpr std::size_t d = reduce_dim_check<Red, S, Dim>::value;
  require_nonempty_dim(x.dims().array(), d, op);
  return reduce_along<Red, T, T, reduced_shape_t<S, d, Keep>>(x, d, op);
}
}  // namespace detail

// requires: x not empty (value_error). ensures: a 0-d tensor holding the largest element (NaN if any).
template <Expression X>
auto amax(const X& x) {
  return detail::extreme_full<red::Amax>(x, "amax()");
}
// requires: Dim in [-rank, rank); the dim not empty (value_error). ensures: the largest values along Dim.
template <int Dim, bool Keep = false, Expression X>
auto amax(const X& x) {
  return detail::extreme_dim<red::Amax, Dim, Keep>(x, "amax()");
}
// As amax, for the smallest values.
template <Expression X>
auto amin(const X& x) {
  return detail::extreme_full<red::Amin>(x, "amin()");
}
template <int Dim, bool Keep = false, Expression X>
auto amin(const X& x) {
  return detail::extreme_dim<red::Amin, Dim, Keep>(x, "amin()");
}

namespace detail {
// The VJP of amax/amin: the gradient is shared evenly among the elements that attain the extreme.
template <std::size_t D, bool Keep, bool Full, class V, class G, class Y>
void extreme_backward(const V& in, const G& g, const Y& y) {
  using T = typename V::value_type;
  const auto& x = in.value();
  if constexpr (Full) {
    const T count = sum(cast<T>(x == y)).item();
    autograd::accumulate(in, where(x == y, g * (T(1) / count), T(0)));
  } else {
    const auto yk = unreduce<D, Keep>(y);
    const auto count = sum<int(D), true>(cast<T>(x == yk));
    autograd::accumulate(in, where(x == yk, unreduce<D, Keep>(g) / count, T(0)));
  }
}
// The create_graph form: each element's share (1 / count where it attains the extreme, else 0) is a
// constant, so the gradient is g times it, recorded.
template <std::size_t D, bool Keep, bool Full, class V, class G, class Y>
void extreme_backward_graph(const V& in, const G& g, const Y& y) {
  using T = typename V::value_type;
  const auto& x = in.value();
  const auto dims = in.dims();
  if constexpr (Full) {
    const T count = sum(cast<T>(x == y)).item();
    const typename V::tensor_type share(where(x == y, T(1) / count, T(0)));
    autograd::accumulate_graph(in, V(autograd::bcast_to(g, dims) * share));
  } else {
    const auto yk = unreduce<D, Keep>(y);
    const auto count = sum<int(D), true>(cast<T>(x == yk));
    const typename V::tensor_type share(where(x == yk, T(1) / count, T(0)));
    autograd::accumulate_graph(in, V(unreduce_to<D, Keep>(g, dims) * share));
  }
}
}  // namespace detail

// Autograd: amax / amin; ties share the gradient evenly, as PyTorch.
template <Tracked X>
auto amax(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  return autograd::record_graph(
      "AmaxBackward0", amax(v.value()),
      [](const auto& g, const auto& y, const V& in) { detail::extreme_backward<0, false, true>(in, g, y); },
      [](const auto& g, const V& in) { detail::extreme_backward_graph<0, false, true>(in, g, amax(in.value())); }, v);
}
template <int Dim, bool Keep = false, Tracked X>
auto amax(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  [[maybe_unused]] constexpr std::size_t d =
      detail::reduce_dim_check<red::Extreme<true>, typename V::shape_type, Dim>::value;
  return autograd::record_graph(
      "AmaxBackward0", amax<Dim, Keep>(v.value()),
      [](const auto& g, const auto& y, const V& in) { detail::extreme_backward<d, Keep, false>(in, g, y); },
      [](const auto& g, const V& in) {
        detail::extreme_backward_graph<d, Keep, false>(in, g, amax<Dim, Keep>(in.value()));
      },
      v);
}
template <Tracked X>
auto amin(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  return autograd::record_graph(
      "AminBackward0", amin(v.value()),
      [](const auto& g, const auto& y, const V& in) { detail::extreme_backward<0, false, true>(in, g, y); },
      [](const auto& g, const V& in) { detail::extreme_backward_graph<0, false, true>(in, g, amin(in.value())); }, v);
}
template <int Dim, bool Keep = false, Tracked X>
auto amin(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  [[maybe_unused]] constexpr std::size_t d =
      detail::reduce_dim_check<red::Extreme<false>, typename V::shape_type, Dim>::value;
  return autograd::record_graph(
      "AminBackward0", amin<Dim, Keep>(v.value()),
      [](const auto& g, const auto& y, const V& in) { detail::extreme_backward<d, Keep, false>(in, g, y); },
      [](const auto& g, const V& in) {
        detail::extreme_backward_graph<d, Keep, false>(in, g, amin<Dim, Keep>(in.value()));
      },
      v);
}

}  // namespace ctorch
