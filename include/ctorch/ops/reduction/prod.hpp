// ctorch/ops/reduction/prod.hpp: prod (torch.prod), over every element or along one dim.
// Shape: as sum. dtype: bool and integers give int64, floating point keeps its dtype. Empty input
// gives 1. Fused like sum.
#pragma once
#include <vector>

#include "../comparison/eq.hpp"
#include "../pointwise/mul.hpp"
#include "common.hpp"

namespace ctorch {
namespace red {
struct Prod {
  static constexpr const char* name = "prod";
  template <class Acc>
  CTORCH_HD static Acc init() {
    return Acc(1);
  }
  template <class Acc, class V>
  CTORCH_HD static Acc step(Acc a, V x, index_t) {
    return a * static_cast<Acc>(x);
  }
  template <class Acc>
  CTORCH_HD static Acc merge(Acc a, Acc b) {
    return a * b;
  }
  template <class Acc>
  CTORCH_HD static Acc finalize(Acc a, index_t) {
    return a;
  }
  template <class B>
  static B pstep(const B& a, const B& x) {
    return a * x;
  }
  template <class B>
  static B pmerge(const B& a, const B& b) {
    return a * b;
  }
  template <class Acc, class B>
  static Acc phorizontal(const B& b) {
    return detail::fold_lanes<Prod, Acc>(b);
  }
};
}  // namespace red

// ensures: a 0-d tensor holding the product of every element of x.
template <Expression X>
auto prod(const X& x) {
  using T = detail::sum_acc_t<detail::expr_value_t<X>>;
  return Tensor<T, Shape<>, detail::expr_device_t<X>>(detail::reduce_full_acc<red::Prod, T>(x));
}

// requires: Dim in [-rank, rank). ensures: the products along Dim.
template <int Dim, bool Keep = false, Expression X>
auto prod(const X& x) {
  using S = detail::expr_shape_t<X>;
  constexpr std::size_t d = detail::reduce_dim_check<red::Prod, S, Dim>::value;
  using T = detail::sum_acc_t<detail::expr_value_t<X>>;
  return detail::reduce_along<red::Prod, T, T, detail::reduced_shape_t<S, d, Keep>>(x, d, "prod");
}

namespace detail {
// others[i] = the product of the other elements of x's lane, along dim D of a contiguous tensor (D == rank:
// the whole tensor): prefix times suffix, no division, so exact with zeros (one zero: the product of the
// rest; two or more: every gradient zero). d prod / dx_i.
template <std::size_t D, class T, class S, class Dev>
Tensor<T, S, Dev> prod_others(const Tensor<T, S, Dev>& x) {
  Tensor<T, S, Dev> out(uninitialized, x.dims());
  const T* xp = x.data();
  T* op = out.data();
  for_each_lane(x.sizes(), D, [&](index_t base, index_t st, index_t n) {
    T p(1);
    for (index_t j = 0; j < n; ++j) {
      op[base + j * st] = p;
      p *= xp[base + j * st];
    }
    T q(1);
    for (index_t j = n; j-- > 0;) {
      op[base + j * st] *= q;
      q *= xp[base + j * st];
    }
  });
  return out;
}

// Along one lane (elements at base + k * st, k < n), for k = 0 .. n: p[k] = x_0 ... x_{k-1} and
// a[k] = sum_{i < k} u_i prod_{l < k, l != i} x_l, by a[k+1] = a[k] x_k + u_k p[k] (no division): the prefix
// half of the VJPs of prod_others and cumprod_vjp.
template <class T>
void lane_prefix(const T* x, const T* u, index_t base, index_t st, index_t n, std::vector<T>& a, std::vector<T>& p) {
  a.assign(std::size_t(n) + 1, T(0));
  p.assign(std::size_t(n) + 1, T(1));
  for (index_t k = 0; k < n; ++k) {
    const T xk = x[base + k * st];
    a[std::size_t(k + 1)] = a[std::size_t(k)] * xk + u[base + k * st] * p[std::size_t(k)];
    p[std::size_t(k + 1)] = p[std::size_t(k)] * xk;
  }
}

// prod_others as a recorded op (the create_graph VJP of prod multiplies by it). Its VJP: for upstream u,
// dx_k = sum_{i != k} u_i prod_{l != i, k} x_l = A_k S_k + P_k B_k, with P_k, S_k the products before and
// after k and A_{k+1} = A_k x_k + u_k P_k, B_{k-1} = B_k x_k + u_k S_k (again no division).
template <std::size_t D, class T, class S, class Dev>
Var<T, S, Dev> prod_others(const Var<T, S, Dev>& x) {
  return autograd::record(
      "ProdBackwardBackward0", prod_others<D>(x.value()),
      [](const auto& u, const auto&, const Var<T, S, Dev>& in) {
        if (!in.requires_grad()) return;
        bool fresh;
        T* out = autograd::grad_buffer(in, fresh).data();  // a fresh buffer holds zeros: += is right either way
        const T* xp = in.value().data();
        const T* up = u.data();
        std::vector<T> a, p;
        for_each_lane(u.sizes(), D, [&](index_t base, index_t st, index_t n) {
          lane_prefix(xp, up, base, st, n, a, p);
          T b(0), q(1);  // B_k and S_k, from the end of the lane
          for (index_t k = n; k-- > 0;) {
            out[base + k * st] += a[std::size_t(k)] * q + p[std::size_t(k)] * b;
            const T xk = xp[base + k * st];
            b = b * xk + up[base + k * st] * q;
            q *= xk;
          }
        });
      },
      x);
}
}  // namespace detail

// Autograd: d prod / dx_i = the product of the other elements (detail::prod_others). Under create_graph the
// same product, recorded.
template <Tracked X>
auto prod(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  constexpr std::size_t whole = V::shape_type::rank;
  return autograd::record_graph(
      "ProdBackward0", prod(v.value()),
      [](const auto& g, const auto&, const V& in) {
        autograd::accumulate(in, g * detail::prod_others<whole>(in.value()));
      },
      [](const auto& g, const V& in) {
        autograd::accumulate_graph(in, V(autograd::bcast_to(g, in.dims()) * detail::prod_others<whole>(in)));
      },
      v);
}
template <int Dim, bool Keep = false, Tracked X>
auto prod(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  constexpr std::size_t d = detail::reduce_dim_check<red::Prod, typename V::shape_type, Dim>::value;
  return autograd::record_graph(
      "ProdBackward1", prod<Dim, Keep>(v.value()),
      [](const auto& g, const auto&, const V& in) {
        autograd::accumulate(in, detail::unreduce<d, Keep>(g) * detail::prod_others<d>(in.value()));
      },
      [](const auto& g, const V& in) {
        autograd::accumulate_graph(in, V(detail::unreduce_to<d, Keep>(g, in.dims()) * detail::prod_others<d>(in)));
      },
      v);
}

}  // namespace ctorch
