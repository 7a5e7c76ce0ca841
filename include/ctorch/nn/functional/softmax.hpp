// ctorch/nn/functional/softmax.hpp: softmax and log_softmax along the last dim of a [N, C] input
// (torch.nn.functional.softmax(x, dim=-1)), computed stably (max subtracted).
// Gradient: log_softmax: g - softmax * sum(g); softmax: y * (g - sum(g * y)).
#pragma once
#include <algorithm>
#include <cmath>

#include "../../autograd/function.hpp"
#if CTORCH_CREATE_GRAPH  // the create_graph VJPs' recorded ops
#include "../../ops/pointwise/exp.hpp"
#include "../../ops/pointwise/mul.hpp"
#include "../../ops/pointwise/sub.hpp"
#include "../../ops/reduction/sum.hpp"
#endif

namespace ctorch::nn::functional {

namespace detail {
template <bool Log, class T, class S>
Tensor<T, S> softmax_rows(const Tensor<T, S>& x) {
  Tensor<T, S> y(x.dims());
  const index_t C = x.size(int(S::rank) - 1), N = C ? x.numel() / C : 0;
  for (index_t i = 0; i < N; ++i) {
    const T* r = x.data() + i * C;
    T* o = y.data() + i * C;
    const T m = *std::max_element(r, r + C);
    T s = 0;
    for (index_t c = 0; c < C; ++c) s += std::exp(r[c] - m);
    const T lse = m + std::log(s);
    for (index_t c = 0; c < C; ++c) o[c] = Log ? r[c] - lse : std::exp(r[c] - lse);
  }
  return y;
}
}  // namespace detail

namespace detail {
// softmax (Log: log_softmax) along the last dim, recorded with its VJP, which reads only the output y:
// softmax: dx = y * (g - sum(g * y)); log_softmax: dx = g - exp(y) * sum(g). Under create_graph the same
// formulas in recorded ops, with y recomputed as a recorded softmax of x (the VJP depends on x through y).
template <bool Log, class X>
auto softmax_recorded(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  return autograd::record_graph(
      Log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", softmax_rows<Log>(v.value()),
      [](const auto& g, const auto& y, const V& in) {
        if (!in.requires_grad()) return;
        using T = typename V::value_type;
        typename V::tensor_type d(y.dims());
        const index_t C = y.size(int(V::rank) - 1), N = C ? y.numel() / C : 0;
        for (index_t i = 0; i < N; ++i) {
          const T *gi = g.data() + i * C, *yi = y.data() + i * C;
          T* di = d.data() + i * C;
          T s = 0;
          for (index_t c = 0; c < C; ++c) s += Log ? gi[c] : gi[c] * yi[c];
          for (index_t c = 0; c < C; ++c) di[c] = Log ? gi[c] - std::exp(yi[c]) * s : yi[c] * (gi[c] - s);
        }
        autograd::accumulate(in, d);
      },
      [](const auto& g, const V& in) {
        if (!in.requires_grad()) return;
        const V y = softmax_recorded<Log>(in);
        if constexpr (Log)
          autograd::accumulate_graph(in, V(g - exp(y) * sum<-1, true>(g)));
        else
          autograd::accumulate_graph(in, V(y * (g - sum<-1, true>(g * y))));
      },
      v);
}
}  // namespace detail

// requires: x of rank >= 1, float or double. ensures: log(softmax(x)) along the last dim.
template <class X>
auto log_softmax(const X& x) {
  return detail::softmax_recorded<true>(x);
}

// requires: x of rank >= 1, float or double. ensures: softmax(x) along the last dim.
template <class X>
auto softmax(const X& x) {
  return detail::softmax_recorded<false>(x);
}

}  // namespace ctorch::nn::functional
