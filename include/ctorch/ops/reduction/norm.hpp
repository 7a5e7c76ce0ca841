// ctorch/ops/reduction/norm.hpp: norm (torch.norm, torch.linalg.vector_norm), the p-norm of the
// flattened input or along one dim.
// p = 2 (default): sqrt(sum x^2); p = inf: max |x|; p = -inf: min |x|; p = 0: the number of non-zero
// elements; any other p: (sum |x|^p)^(1/p). A nan p throws value_error. Shape: as sum. dtype: floating
// point only (PyTorch rejects integer and bool input: here a compile error). Empty input gives 0
// (inf for p = -inf). NaN propagates. Fused like sum.
#pragma once
#include <string>

#include "../comparison/eq.hpp"
#include "../pointwise/abs.hpp"
#include "../pointwise/cast.hpp"
#include "../pointwise/div.hpp"
#include "../pointwise/mul.hpp"
#include "../pointwise/pow.hpp"
#include "../pointwise/sign.hpp"
#include "../pointwise/where.hpp"
#include "amax.hpp"
#include "mean.hpp"  // red::Mean names the op in the dim check of norm along a dim
#include "sum.hpp"

namespace ctorch {
namespace op {
// pow(|x|, p), the element function of a general p-norm (and, on the sum, its root).
struct NormPow : float_op<NormPow> {
  static constexpr const char* name = "norm";
  template <class T>
  CTORCH_HD static T f(T x, T p) {
    return std::pow(std::fabs(x), p);
  }
  template <class B>
  static B packet(const B& x, const B& p) {
    return xsimd::pow(xsimd::abs(x), p);
  }
};
}  // namespace op

namespace red {
struct NormL2 : Sum {
  static constexpr const char* name = "norm";
  template <class Acc, class V>
  CTORCH_HD static Acc step(Acc a, V x, index_t) {
    const Acc v = static_cast<Acc>(x);
    return a + v * v;
  }
  template <class Acc>
  CTORCH_HD static Acc finalize(Acc a, index_t) {
    return std::sqrt(a);
  }
  template <class B>
  static B pstep(const B& a, const B& x) {
    return xsimd::fma(x, x, a);
  }
};
struct NormL1 : Sum {
  static constexpr const char* name = "norm";
  template <class Acc, class V>
  CTORCH_HD static Acc step(Acc a, V x, index_t) {
    return a + std::fabs(static_cast<Acc>(x));
  }
  template <class B>
  static B pstep(const B& a, const B& x) {
    return a + xsimd::abs(x);
  }
};
struct NormL0 : Sum {
  static constexpr const char* name = "norm";
  template <class Acc, class V>
  CTORCH_HD static Acc step(Acc a, V x, index_t) {
    return a + (x != V(0) ? Acc(1) : Acc(0));
  }
  template <class B>
  static B pstep(const B& a, const B& x) {
    using T = typename B::value_type;
    // Not x != 0: xsimd 8.1's AVX-512 != is an ordered compare, false for NaN (which counts here).
    return a + xsimd::select(x == B(T(0)), B(T(0)), B(T(1)));
  }
};
// max |x| (IsMax) or min |x|, NaN-propagating; the empty norm is 0 (inf for min).
template <bool IsMax>
struct NormInf : Extreme<IsMax> {
  static constexpr const char* name = "norm";
  using Base = Extreme<IsMax>;
  template <class Acc>
  CTORCH_HD static Acc init() {
    return IsMax ? Acc(0) : std::numeric_limits<Acc>::infinity();
  }
  template <class Acc, class V>
  CTORCH_HD static Acc step(Acc a, V x, index_t k) {
    return Base::step(a, std::fabs(static_cast<Acc>(x)), k);
  }
  template <class B>
  static B pstep(const B& a, const B& x) {
    return Base::pstep(a, xsimd::abs(x));
  }
};
}  // namespace red

namespace detail {
enum class norm_kind { l2, l1, l0, inf, neg_inf, general };

inline norm_kind norm_kind_of(double p) {
  if (std::isnan(p)) throw value_error("ctorch: norm: p must be a number, got nan");
  if (p == 2) return norm_kind::l2;
  if (p == 1) return norm_kind::l1;
  if (p == 0) return norm_kind::l0;
  if (std::isinf(p)) return p > 0 ? norm_kind::inf : norm_kind::neg_inf;
  return norm_kind::general;
}

// A class, not a function: its static_assert fires at once, before the caller's return type is deduced.
template <class T>
struct norm_dtype_check {
  static constexpr bool ok = true;
  static_assert(std::is_floating_point_v<T>,
                "ctorch: norm(): input dtype should be either floating point or complex (convert first, e.g. "
                "x.to<float>())");
};

template <Expression X>
auto norm_full(const X& x, double p) {
  using T = expr_value_t<X>;
  (void)norm_dtype_check<T>::ok;
  if constexpr (std::is_floating_point_v<T>) {
    using Out = Tensor<T, Shape<>, expr_device_t<X>>;
    switch (norm_kind_of(p)) {
      case norm_kind::l2:
        return Out(red::NormL2::finalize(reduce_full_acc<red::NormL2, T>(x), 0));
      case norm_kind::l1:
        return Out(reduce_full_acc<red::NormL1, T>(x));
      case norm_kind::l0:
        return Out(reduce_full_acc<red::NormL0, T>(x));
      case norm_kind::inf:
        return Out(reduce_full_acc<red::NormInf<true>, T>(x));
      case norm_kind::neg_inf:
        return Out(reduce_full_acc<red::NormInf<false>, T>(x));
      default:
        break;
    }
    const T s = reduce_full_acc<red::Sum, T>(make_map<op::NormPow>(x, p));
    return Out(op::NormPow::f(s, T(1 / p)));
  }
}

template <int Dim, bool Keep, Expression X>
auto norm_dim(const X& x, double p) {
  using T = expr_value_t<X>;
  (void)norm_dtype_check<T>::ok;
  if constexpr (std::is_floating_point_v<T>) {
    using S = expr_shape_t<X>;
    constexpr std::size_t d = reduce_dim_check<red::NormL2, S, Dim>::value;
    using RS = reduced_shape_t<S, d, Keep>;
    switch (norm_kind_of(p)) {
      case norm_kind::l2:
        return reduce_along<red::NormL2, T, T, RS>(x, d, "norm");
      case norm_kind::l1:
        return reduce_along<red::NormL1, T, T, RS>(x, d, "norm");
      case norm_kind::l0:
        return reduce_along<red::NormL0, T, T, RS>(x, d, "norm");
      case norm_kind::inf:
        return reduce_along<red::NormInf<true>, T, T, RS>(x, d, "norm");
      case norm_kind::neg_inf:
        return reduce_along<red::NormInf<false>, T, T, RS>(x, d, "norm");
      default:
        break;
    }
    auto out = reduce_along<red::Sum, T, T, RS>(make_map<op::NormPow>(x, p), d, "norm");
    out.view() = make_map<op::NormPow>(out, T(1 / p));  // same layout: evaluated in place
    return out;
  }
}
}  // namespace detail

// requires: a floating-point x; p not nan. ensures: a 0-d tensor holding the p-norm of every element.
template <Expression X>
auto norm(const X& x, double p = 2) {
  return detail::norm_full(x, p);
}
// requires: a floating-point x, Dim in [-rank, rank); p not nan. ensures: the p-norms along Dim.
template <int Dim, bool Keep = false, Expression X>
auto norm(const X& x, double p = 2) {
  return detail::norm_dim<Dim, Keep>(x, p);
}

namespace detail {
// d ||x||_p / dx = sign(x) |x|^(p-1) / ||x||^(p-1) (0 where the norm is 0); p = inf shares the
// gradient among the elements of largest magnitude; p = 0 has a zero gradient.
template <class V, class G, class Y>
void norm_backward(const V& in, const G& g, const Y& y, double p) {
  using T = typename V::value_type;
  const auto& x = in.value();
  if (p == 0) {
    autograd::accumulate(in, x * T(0));
  } else if (p == 1) {
    autograd::accumulate(in, g * sign(x));
  } else if (p == 2) {
    autograd::accumulate(in, where(y == T(0), T(0), g * x / y));
  } else if (std::isinf(p)) {
    const auto hit = abs(x) == y;
    const auto count = sum(cast<T>(hit));
    autograd::accumulate(in, where(hit, g * sign(x) / count, T(0)));
  } else {
    autograd::accumulate(in, where(y == T(0), T(0), g * sign(x) * pow(abs(x), T(p - 1)) / pow(y, T(p - 1))));
  }
}
// The create_graph form for finite p > 0: the same formula over recorded Vars; g and y broadcast to x's
// extents by the caller.
template <class V, class G, class Y>
void norm_backward_graph(const V& in, const G& g, const Y& y, double p) {
  using T = typename V::value_type;
  if (p == 0 || std::isinf(p))
    throw autograd_error(autograd::detail::graph_unsupported("norm with p = 0 or inf"));
  if (p == 1)
    autograd::accumulate_graph(in, V(g * sign(in)));
  else if (p == 2)
    autograd::accumulate_graph(in, V(where(y == T(0), T(0), g * in / y)));
  else
    autograd::accumulate_graph(in, V(where(y == T(0), T(0), g * sign(in) * pow(abs(in), T(p - 1)) / pow(y, T(p - 1)))));
}
}  // namespace detail

// Autograd: the vector p-norm over every element or along one dim.
template <Tracked X>
auto norm(const X& x, double p = 2) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  return autograd::record_graph(
      "NormBackward0", norm(v.value(), p),
      [p](const auto& g, const auto& y, const V& in) { detail::norm_backward(in, g, y, p); },
      [p](const auto& g, const V& in) {
        const auto dims = in.dims();
        detail::norm_backward_graph(in, autograd::bcast_to(g, dims), autograd::bcast_to(norm(in, p), dims), p);
      },
      v);
}
template <int Dim, bool Keep = false, Tracked X>
auto norm(const X& x, double p = 2) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  [[maybe_unused]] constexpr std::size_t d = detail::reduce_dim_check<red::Mean, typename V::shape_type, Dim>::value;
  return autograd::record_graph(
      "NormBackward1", norm<Dim, Keep>(v.value(), p),
      [p](const auto& g, const auto& y, const V& in) {
        if (std::isinf(p) || p == 0)
          throw value_error("ctorch: norm: the gradient of norm along a dim is implemented for finite p > 0");
        detail::norm_backward(in, detail::unreduce<d, Keep>(g), detail::unreduce<d, Keep>(y), p);
      },
      [p](const auto& g, const V& in) {
        const auto dims = in.dims();
        detail::norm_backward_graph(in, detail::unreduce_to<d, Keep>(g, dims),
                                    autograd::bcast_to(norm<Dim, true>(in, p), dims), p);
      },
      v);
}

}  // namespace ctorch
