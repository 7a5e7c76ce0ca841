// ctorch/ops/reduction/cumprod.hpp: cumprod (torch.cumprod), the running product along one dim.
// Shape: the input's. dtype: bool and integers give int64, floating point keeps its dtype; float32
// accumulates in float64 as PyTorch's CPU kernel does. Fused like cumsum. Gradient: exact with zeros in
// the input (see the Var form).
#pragma once
#include <vector>

#include "cumsum.hpp"
#include "prod.hpp"

namespace ctorch {

// requires: Dim in [-rank, rank). ensures: out[..., i, ...] = product of x[..., :i+1, ...] along Dim.
template <int Dim, Expression X>
auto cumprod(const X& x) {
  using S = detail::expr_shape_t<X>;
  constexpr std::size_t d = detail::reduce_dim_check<red::Prod, S, Dim>::value;
  using V = detail::expr_value_t<X>;
  return detail::reduce_along<red::Prod, detail::scan_acc_t<V>, detail::sum_acc_t<V>, S, true>(x, d, "cumprod");
}

namespace detail {
// cumprod's VJP along D, added into out: dy_j/dx_i = prod_{l <= j, l != i} x_l for j >= i, so
//   dx_i = P_{i-1} * S_i,  P_{i-1} = x_0 ... x_{i-1},  S_i = sum_{j >= i} g_j x_{i+1} ... x_j,
// and S obeys S_{n-1} = g_{n-1}, S_i = g_i + x_{i+1} S_{i+1}. Two O(n) passes per lane, no division:
// exact with zeros in the input (PyTorch's cumprod_backward divides by x where x has no zero and
// special-cases the first zero; this gives the same values without the case split).
template <std::size_t D, class T, std::size_t R>
void cumprod_vjp_into(const std::array<index_t, R>& ext, const T* g, const T* x, T* out) {
  using A = scan_acc_t<T>;
  std::vector<A> s;
  for_each_lane(ext, D, [&](index_t base, index_t st, index_t n) {
    s.resize(std::size_t(n));
    s[std::size_t(n - 1)] = static_cast<A>(g[base + (n - 1) * st]);
    for (index_t j = n - 1; j-- > 0;)
      s[std::size_t(j)] =
          static_cast<A>(g[base + j * st]) + static_cast<A>(x[base + (j + 1) * st]) * s[std::size_t(j + 1)];
    A prefix = 1;
    for (index_t j = 0; j < n; ++j) {
      out[base + j * st] += static_cast<T>(prefix * s[std::size_t(j)]);
      prefix *= static_cast<A>(x[base + j * st]);
    }
  });
}

// The VJP as a recorded op of (g, x) (cumprod's create_graph VJP): dx_i = P_{i-1} S_i with the prefix
// products P_{i-1} = linrec<false>(e_first, shifted x)_i and S = linrec<true>(g, x) (S_i = g_i + x_{i+1}
// S_{i+1}), both recorded lane recurrences (prod.hpp), so every order is recorded, exact with zeros.
template <std::size_t D, class T, class S, class Dev>
Var<T, S, Dev> cumprod_vjp(const Var<T, S, Dev>& g, const Var<T, S, Dev>& x) {
  const auto before = linrec<false, D>(lane_onehot<false, D, T, S, Dev>(x.dims()), lane_shift<true, D>(x));
  return Var<T, S, Dev>(before * linrec<true, D>(g, x));
}
}  // namespace detail

// Autograd: detail::cumprod_vjp_into; under create_graph, detail::cumprod_vjp, recorded.
template <int Dim, Tracked X>
auto cumprod(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  [[maybe_unused]] constexpr std::size_t d = detail::reduce_dim_check<red::Prod, typename V::shape_type, Dim>::value;
  return autograd::record_graph(
      "CumprodBackward0", cumprod<Dim>(v.value()),
      [](const auto& g, const auto&, const V& in) {
        if (!in.requires_grad()) return;
        bool fresh;  // a fresh buffer holds zeros: += is right either way
        detail::cumprod_vjp_into<d>(g.sizes(), g.data(), in.value().data(), autograd::grad_buffer(in, fresh).data());
      },
      [](const auto& g, const V& in) { autograd::accumulate_graph(in, detail::cumprod_vjp<d>(g, in)); }, v);
}

}  // namespace ctorch
