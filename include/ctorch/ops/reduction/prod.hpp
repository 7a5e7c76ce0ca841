// ctorch/ops/reduction/prod.hpp: prod (torch.prod), over every element or along one dim.
// Shape: as sum. dtype: bool and integers give int64, floating point keeps its dtype. Empty input
// gives 1. Fused like sum.
#pragma once
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

// Two recorded lane ops that make the create_graph VJPs of prod and cumprod differentiable to any order,
// exact with zeros (products only, no division). Along each lane (k = 0 .. n-1), with coefficients c:
//   linrec<false>(w, c): y_j = w_j + c_j y_{j-1}   (y_{-1} = 0), y_j = sum_{i <= j} w_i prod_{i < l <= j} c_l
//   linrec<true>(g, c):  y_i = g_i + c_{i+1} y_{i+1} (y_n = 0),  y_i = sum_{j >= i} g_j prod_{i < l <= j} c_l
// and lane_shift<true>(x)_k = x_{k-1} (0 at k = 0), lane_shift<false>(x)_k = x_{k+1} (0 at k = n-1), each
// the other's adjoint. The two recurrences are linear in their first argument and each other's adjoint
// there; for upstream v, with Y the op's value and Z = linrec<!Rev>(v, c):
//   forward: dw = Z, dc_m = Y_{m-1} Z_m;   reverse: dg = Z, dc_m = Y_m Z_{m-1}
// (dY_j/dc_m factors at m into the part of the lane before m and the part after it). So the family
// {linrec, lane_shift, *} is closed under taking VJPs, and every order is recorded.
template <bool Rev, std::size_t D, class T, std::size_t R>
void linrec_into(const std::array<index_t, R>& ext, const T* w, const T* c, T* out) {
  for_each_lane(ext, D, [&](index_t base, index_t st, index_t n) {
    if constexpr (Rev) {
      T acc = w[base + (n - 1) * st];
      out[base + (n - 1) * st] = acc;
      for (index_t j = n - 1; j-- > 0;) out[base + j * st] = acc = w[base + j * st] + c[base + (j + 1) * st] * acc;
    } else {
      T acc = w[base];
      out[base] = acc;
      for (index_t j = 1; j < n; ++j) out[base + j * st] = acc = w[base + j * st] + c[base + j * st] * acc;
    }
  });
}
// out += x shifted along the lanes by one toward the end (Next) or the start, zero filled.
template <bool Next, std::size_t D, class T, std::size_t R>
void lane_shift_add(const std::array<index_t, R>& ext, const T* x, T* out) {
  for_each_lane(ext, D, [&](index_t base, index_t st, index_t n) {
    for (index_t j = 1; j < n; ++j) {
      if constexpr (Next)
        out[base + j * st] += x[base + (j - 1) * st];
      else
        out[base + (j - 1) * st] += x[base + j * st];
    }
  });
}

template <bool Next, std::size_t D, class T, class S, class Dev>
Var<T, S, Dev> lane_shift(const Var<T, S, Dev>& x) {
  using V = Var<T, S, Dev>;
  Tensor<T, S, Dev> out(x.dims());
  lane_shift_add<Next, D>(x.sizes(), x.value().data(), out.data());
  return autograd::record_graph(
      "LaneShiftBackward", std::move(out),
      [](const auto& g, const auto&, const V& in) {
        if (!in.requires_grad()) return;
        bool fresh;  // a fresh buffer holds zeros: += is right either way
        lane_shift_add<!Next, D>(g.sizes(), g.data(), autograd::grad_buffer(in, fresh).data());
      },
      [](const auto& g, const V& in) { autograd::accumulate_graph(in, lane_shift<!Next, D>(g)); }, x);
}

template <bool Rev, std::size_t D, class T, class S, class Dev>
Var<T, S, Dev> linrec(const Var<T, S, Dev>& w, const Var<T, S, Dev>& c) {
  using V = Var<T, S, Dev>;
  Tensor<T, S, Dev> out(uninitialized, w.dims());
  linrec_into<Rev, D>(w.sizes(), w.value().data(), c.value().data(), out.data());
  return autograd::record_graph(
      Rev ? "LinearRecurrenceReverseBackward" : "LinearRecurrenceBackward", std::move(out),
      [](const auto& v, const auto& y, const V& win, const V& cin) {
        Tensor<T, S, Dev> z(uninitialized, v.dims());
        linrec_into<!Rev, D>(v.sizes(), v.data(), cin.value().data(), z.data());
        if (cin.requires_grad()) {
          Tensor<T, S, Dev> sh(v.dims());  // the shifted factor: Y_{m-1} (forward) or Z_{m-1} (reverse)
          lane_shift_add<true, D>(v.sizes(), Rev ? z.data() : y.data(), sh.data());
          if constexpr (Rev)
            autograd::accumulate(cin, sh * y);
          else
            autograd::accumulate(cin, sh * z);
        }
        if (win.requires_grad()) autograd::accumulate(win, std::move(z));
      },
      [](const auto& v, const V& win, const V& cin) {
        const V y = linrec<Rev, D>(win, cin);  // recomputed as a recorded Var, so dc is differentiable in w
        const V z = linrec<!Rev, D>(v, cin);
        if (cin.requires_grad()) {
          if constexpr (Rev)
            autograd::accumulate_graph(cin, V(y * lane_shift<true, D>(z)));
          else
            autograd::accumulate_graph(cin, V(lane_shift<true, D>(y) * z));
        }
        autograd::accumulate_graph(win, z);
      },
      w, c);
}

// A constant with 1 at the first (Last: the last) element of every lane along D, 0 elsewhere.
template <bool Last, std::size_t D, class T, class S, class Dev>
Var<T, S, Dev> lane_onehot(const Dims<S>& dims) {
  Tensor<T, S, Dev> t(dims);
  T* p = t.data();
  for_each_lane(t.sizes(), D, [&](index_t base, index_t st, index_t n) { p[base + (Last ? n - 1 : 0) * st] = T(1); });
  return Var<T, S, Dev>(std::move(t));
}

// prod_others as a recorded op (the create_graph VJP of prod multiplies by it): the products before k,
// linrec<false>(e_first, shifted x)_k = x_0 ... x_{k-1}, times those after, linrec<true>(e_last, x)_k =
// x_{k+1} ... x_{n-1}; differentiable to any order (see linrec).
template <std::size_t D, class T, class S, class Dev>
Var<T, S, Dev> prod_others(const Var<T, S, Dev>& x) {
  const auto before = linrec<false, D>(lane_onehot<false, D, T, S, Dev>(x.dims()), lane_shift<true, D>(x));
  const auto after = linrec<true, D>(lane_onehot<true, D, T, S, Dev>(x.dims()), x);
  return Var<T, S, Dev>(before * after);
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
