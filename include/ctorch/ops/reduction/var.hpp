// ctorch/ops/reduction/var.hpp: var and std (torch.var, torch.std), over every element or along one dim.
// unbiased (default true) divides by n - 1 (Bessel's correction), else by n; n - 1 <= 0 gives nan, as
// in PyTorch. Shape: as sum. dtype: floating point only (PyTorch rejects integer and bool input: here a
// compile error); the result keeps the input's dtype.
// Two passes, both fused: the mean, then sum((x - mean)^2); the expression x is evaluated twice and
// never materialised.
#pragma once
#include <algorithm>

#include "../comparison/eq.hpp"
#include "../pointwise/div.hpp"
#include "../pointwise/mul.hpp"
#include "../pointwise/sub.hpp"
#include "../pointwise/where.hpp"
#include "mean.hpp"

namespace ctorch {
namespace red {
// Sum of squares divided by max(0, n - Ddof), then the square root with Sqrt.
template <int Ddof, bool Sqrt>
struct SquaredDeviation {
  static constexpr const char* name = Sqrt ? "std" : "var";
  template <class Acc>
  CTORCH_HD static Acc init() {
    return Acc(0);
  }
  template <class Acc, class V>
  CTORCH_HD static Acc step(Acc a, V x, index_t) {
    const Acc v = static_cast<Acc>(x);
    return a + v * v;
  }
  template <class Acc>
  CTORCH_HD static Acc merge(Acc a, Acc b) {
    return a + b;
  }
  template <class Acc>
  CTORCH_HD static Acc finalize(Acc a, index_t n) {
    const Acc r = a / static_cast<Acc>(n > Ddof ? n - Ddof : 0);
    if constexpr (Sqrt)
      return std::sqrt(r);
    else
      return r;
  }
  template <class B>
  static B pstep(const B& a, const B& x) {
    return xsimd::fma(x, x, a);
  }
  template <class B>
  static B pmerge(const B& a, const B& b) {
    return a + b;
  }
  template <class Acc, class B>
  static Acc phorizontal(const B& b) {
    return xsimd::hadd(b);
  }
};
}  // namespace red

namespace detail {
// A class, not a function: its static_assert fires at once, before the caller's return type is deduced.
template <class T>
struct var_dtype_check {
  static constexpr bool ok = true;
  static_assert(std::is_floating_point_v<T>,
                "ctorch: std and var only support floating point dtypes (convert first, e.g. x.to<float>())");
};

template <bool Sqrt, Expression X>
auto var_full(const X& x, bool unbiased) {
  using T = expr_value_t<X>;
  (void)var_dtype_check<T>::ok;
  if constexpr (std::is_floating_point_v<T>) {
    const index_t n = expr_numel(x);
    const T m = red::Mean::finalize(reduce_full_acc<red::Sum, T>(x), n);
    const auto dev = x - m;
    const T acc = reduce_full_acc<red::SquaredDeviation<0, Sqrt>, T>(dev);
    const T r =
        unbiased ? red::SquaredDeviation<1, Sqrt>::finalize(acc, n) : red::SquaredDeviation<0, Sqrt>::finalize(acc, n);
    return Tensor<T, Shape<>, expr_device_t<X>>(r);
  }
}

template <bool Sqrt, int Dim, bool Keep, Expression X>
auto var_dim(const X& x, bool unbiased) {
  using T = expr_value_t<X>;
  (void)var_dtype_check<T>::ok;
  if constexpr (std::is_floating_point_v<T>) {
    using S = expr_shape_t<X>;
    constexpr std::size_t d = reduce_dim_check<red::SquaredDeviation<1, Sqrt>, S, Dim>::value;
    using RS = reduced_shape_t<S, d, Keep>;
    const auto m = mean<Dim, true>(x);
    const char* op = Sqrt ? "std" : "var";
    if (unbiased) return reduce_along<red::SquaredDeviation<1, Sqrt>, T, T, RS>(x - m, d, op);
    return reduce_along<red::SquaredDeviation<0, Sqrt>, T, T, RS>(x - m, d, op);
  }
}
}  // namespace detail

// requires: a floating-point x. ensures: a 0-d tensor holding the variance of every element.
template <Expression X>
auto var(const X& x, bool unbiased = true) {
  return detail::var_full<false>(x, unbiased);
}
// requires: a floating-point x, Dim in [-rank, rank). ensures: the variances along Dim.
template <int Dim, bool Keep = false, Expression X>
auto var(const X& x, bool unbiased = true) {
  return detail::var_dim<false, Dim, Keep>(x, unbiased);
}
// As var, the square root (standard deviation).
template <Expression X>
auto std(const X& x, bool unbiased = true) {
  return detail::var_full<true>(x, unbiased);
}
template <int Dim, bool Keep = false, Expression X>
auto std(const X& x, bool unbiased = true) {
  return detail::var_dim<true, Dim, Keep>(x, unbiased);
}

namespace detail {
// d var / dx = 2 (x - mean) / (n - ddof); d std / dx = (x - mean) / ((n - ddof) std), 0 where std = 0.
template <bool Sqrt, class V, class G, class Y, class M>
void var_backward(const V& in, const G& g, const Y& y, const M& mean_k, index_t n, bool unbiased) {
  using T = typename V::value_type;
  const T denom = T(n - (unbiased ? 1 : 0));
  if constexpr (Sqrt)
    autograd::accumulate(in, where(y == T(0), T(0), g * (in.value() - mean_k) / (y * denom)));
  else
    autograd::accumulate(in, g * (in.value() - mean_k) * (T(2) / denom));
}
// The create_graph form: the same formulas over recorded Vars. g, mean_k and y_k (the result, for std)
// are broadcast to x's extents by the caller.
template <bool Sqrt, class V, class G, class M, class Y>
void var_backward_graph(const V& in, const G& g, const M& mean_k, const Y& y, index_t n, bool unbiased) {
  using T = typename V::value_type;
  const T denom = T(n - (unbiased ? 1 : 0));
  if constexpr (Sqrt)
    autograd::accumulate_graph(in, V(where(y == T(0), T(0), g * (in - mean_k) / (y * denom))));
  else
    autograd::accumulate_graph(in, V(g * (in - mean_k) * (T(2) / denom)));
}
}  // namespace detail

// Autograd: var and std over every element or along one dim.
template <Tracked X>
auto var(const X& x, bool unbiased = true) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  return autograd::record_graph(
      "VarBackward0", var(v.value(), unbiased),
      [unbiased](const auto& g, const auto& y, const V& in) {
        detail::var_backward<false>(in, g, y, mean(in.value()), in.numel(), unbiased);
      },
      [unbiased](const auto& g, const V& in) {
        const auto dims = in.dims();
        detail::var_backward_graph<false>(in, autograd::bcast_to(g, dims), autograd::bcast_to(mean(in), dims), 0,
                                          in.numel(), unbiased);
      },
      v);
}
template <Tracked X>
auto std(const X& x, bool unbiased = true) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  return autograd::record_graph(
      "StdBackward0", ctorch::std(v.value(), unbiased),
      [unbiased](const auto& g, const auto& y, const V& in) {
        detail::var_backward<true>(in, g, y, mean(in.value()), in.numel(), unbiased);
      },
      [unbiased](const auto& g, const V& in) {
        const auto dims = in.dims();
        detail::var_backward_graph<true>(in, autograd::bcast_to(g, dims), autograd::bcast_to(mean(in), dims),
                                         autograd::bcast_to(ctorch::std(in, unbiased), dims), in.numel(), unbiased);
      },
      v);
}
template <int Dim, bool Keep = false, Tracked X>
auto var(const X& x, bool unbiased = true) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  [[maybe_unused]] constexpr std::size_t d = detail::reduce_dim_check<red::Mean, typename V::shape_type, Dim>::value;
  return autograd::record_graph(
      "VarBackward0", var<Dim, Keep>(v.value(), unbiased),
      [unbiased](const auto& g, const auto& y, const V& in) {
        detail::var_backward<false>(in, detail::unreduce<d, Keep>(g), detail::unreduce<d, Keep>(y),
                                    mean<Dim, true>(in.value()), in.size(int(d)), unbiased);
      },
      [unbiased](const auto& g, const V& in) {
        const auto dims = in.dims();
        detail::var_backward_graph<false>(in, detail::unreduce_to<d, Keep>(g, dims),
                                          autograd::bcast_to(mean<Dim, true>(in), dims), 0, in.size(int(d)), unbiased);
      },
      v);
}
template <int Dim, bool Keep = false, Tracked X>
auto std(const X& x, bool unbiased = true) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  [[maybe_unused]] constexpr std::size_t d = detail::reduce_dim_check<red::Mean, typename V::shape_type, Dim>::value;
  return autograd::record_graph(
      "StdBackward0", ctorch::std<Dim, Keep>(v.value(), unbiased),
      [unbiased](const auto& g, const auto& y, const V& in) {
        detail::var_backward<true>(in, detail::unreduce<d, Keep>(g), detail::unreduce<d, Keep>(y),
                                   mean<Dim, true>(in.value()), in.size(int(d)), unbiased);
      },
      [unbiased](const auto& g, const V& in) {
        const auto dims = in.dims();
        detail::var_backward_graph<true>(
            in, detail::unreduce_to<d, Keep>(g, dims), autograd::bcast_to(mean<Dim, true>(in), dims),
            autograd::bcast_to(ctorch::std<Dim, true>(in, unbiased), dims), in.size(int(d)), unbiased);
      },
      v);
}

}  // namespace ctorch
