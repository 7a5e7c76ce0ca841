// ctorch/nn/functional/loss.hpp: cross_entropy, nll_loss and mse_loss (torch.nn.functional).
//
// cross_entropy fuses log-softmax and the negative log-likelihood in one pass over [N, C] logits (the
// log-sum-exp subtracts the row max, so large logits cannot overflow), with PyTorch's weight,
// ignore_index, label_smoothing and reduction. Its VJP is one pass too:
//   d loss / d x[i, c] = s_i ((1 - eps) w[t_i] (p_ic - [c == t_i]) + eps / C (W p_ic - w_c)),
// with p = softmax(x), W = sum of the class weights and s_i the reduction's scale for row i.
// Under create_graph that VJP is g * (A p + B) in recorded ops, with p a recorded softmax of x and the
// constants A[i] = s_i ((1 - eps) w[t_i] + eps W / C), B[i, c] = -s_i ((1 - eps) w[t_i] [c == t_i] + eps w_c / C)
// (zero rows for ignored targets); nll_loss's is g times a constant.
#pragma once
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "../../autograd/function.hpp"
#include "../../ops/pointwise/exp.hpp"
#include "../../ops/pointwise/square.hpp"
#include "../../ops/pointwise/sub.hpp"
#include "../../ops/reduction/mean.hpp"
#include "../../ops/reduction/sum.hpp"
#include "softmax.hpp"
#if CTORCH_CREATE_GRAPH  // the create_graph VJPs' recorded ops
#include "../../ops/view/unsqueeze.hpp"
#endif

namespace ctorch::nn::functional {

enum class Reduction { none, mean, sum };

struct CrossEntropyOptions {
  std::optional<std::vector<double>> weight{};  // one per class
  index_t ignore_index = -100;
  double label_smoothing = 0.0;
  Reduction reduction = Reduction::mean;
};

namespace detail {
template <class T, class TT>
void check_targets(const TT& target, index_t N, index_t C, index_t ignore, const char* op) {
  if (target.size(0) != N)
    throw shape_error(std::string("ctorch: ") + op + ": Expected input batch_size (" + std::to_string(N) +
                      ") to match target batch_size (" + std::to_string(target.size(0)) + ")");
  for (index_t i = 0; i < N; ++i) {
    const index_t t = index_t(target.data()[i]);
    if (t != ignore && (t < 0 || t >= C))
      throw index_error(std::string("ctorch: ") + op + ": Target " + std::to_string(t) + " is out of bounds (" +
                        std::to_string(C) + " classes, row " + std::to_string(i) + ")");
  }
}

// p[k] = exp(p[k]) for k < n.
template <class T>
void exp_in_place(T* p, index_t n) {
  using B = xsimd::batch<T>;
  constexpr index_t W = index_t(B::size);
  index_t k = 0;
  for (; k + W <= n; k += W) ctorch::op::Exp::packet(B::load_unaligned(p + k)).store_unaligned(p + k);
  for (; k < n; ++k) p[k] = std::exp(p[k]);
}

#if CTORCH_CREATE_GRAPH
// The create_graph VJP of cross_entropy (see the top of the file): a constant state built from the targets
// and weights, copied into the node only under CTORCH_CREATE_GRAPH (the first-order node keeps its own).
template <class T>
struct CrossEntropyGraph {
  Tensor<std::int64_t, Shape<Dyn>> tgt;
  Tensor<T, Shape<Dyn>> wts;
  index_t ignore;
  double eps;
  T wsum, scale;  // scale: the reduction's 1 / denominator (1 for sum and none)

  // requires: g of the loss's shape (0-d, or [N] for Reduction::none), in the logits. ensures: the
  // logits' gradient as recorded ops.
  template <class G, class V>
  V vjp(const G& g, const V& in) const {
    const index_t N = in.value().size(0), C = in.value().size(1);
    typename V::tensor_type a(in.value().dims()), b(in.value().dims());
    const T* w = wts.data();
    const T ec = T(eps / double(C));
    for (index_t i = 0; i < N; ++i) {
      const index_t t = index_t(tgt.data()[i]);
      if (t == ignore) continue;  // zero rows
      for (index_t c = 0; c < C; ++c) {
        a.data()[i * C + c] = scale * (T(1 - eps) * w[t] + ec * wsum);
        b.data()[i * C + c] = -scale * (T(1 - eps) * w[t] * (c == t ? T(1) : T(0)) + ec * w[c]);
      }
    }
    const V p = softmax_recorded<false>(in);
    const V av(std::move(a)), bv(std::move(b));
    if constexpr (G::rank == 0)
      return V(g * (av * p + bv));
    else
      return V(unsqueeze<1>(g) * (av * p + bv));
  }
};
#endif
}  // namespace detail

// requires: logits [N, C] (float or double), target [N] int64 class indices in [0, C) or ignore_index,
// label_smoothing in [0, 1], weight of C entries. ensures: the loss (0-d for mean/sum, [N] for none).
// Throws index_error naming the target for a class out of range.
template <Reduction R = Reduction::mean, class X, class TT>
auto cross_entropy(const X& logits, const TT& target, const CrossEntropyOptions& opt = {}) {
  auto v = autograd::as_var(logits);
  using V = decltype(v);
  using T = typename V::value_type;
  static_assert(V::rank == 2, "ctorch: cross_entropy: expects logits of shape [N, C]");
  static_assert(std::is_same_v<typename TT::value_type, std::int64_t>, "ctorch: cross_entropy: targets are int64");
  if (R != opt.reduction && opt.reduction != Reduction::mean)
    throw value_error("ctorch: cross_entropy: give the reduction as the template argument");
  const auto& x = v.value();
  const index_t N = x.size(0), C = x.size(1);
  const double eps = opt.label_smoothing;
  if (!(eps >= 0 && eps <= 1)) throw value_error("ctorch: cross_entropy: label_smoothing must be in [0, 1]");
  if (opt.weight && index_t(opt.weight->size()) != C)
    throw shape_error("ctorch: cross_entropy: weight has " + std::to_string(opt.weight->size()) + " entries for " +
                      std::to_string(C) + " classes");
  detail::check_targets<T>(target, N, C, opt.ignore_index, "cross_entropy");
  // The class weights, targets and softmax the backward needs are pooled tensors owned by the node (no
  // reference to `opt`, which may be a temporary; no heap allocation in a steady-state step).
  Tensor<T, Shape<Dyn>> wts(uninitialized, Dims<Shape<Dyn>>(C));
  for (index_t c = 0; c < C; ++c) wts.data()[c] = opt.weight ? T((*opt.weight)[std::size_t(c)]) : T(1);
  const index_t ignore = opt.ignore_index;
  T wsum = 0;
  for (index_t c = 0; c < C; ++c) wsum += wts.data()[c];
  // The per-row loss, and the softmax kept for backward: e = exp(x - row max) once per element, on xsimd
  // batches over the whole [N, C] block (a row of 10 classes fills no batch), then p = e / sum(e).
  typename V::tensor_type p(uninitialized, x.dims());
  const auto row_max = [&](const T* r) {
    T m = r[0];
    for (index_t c = 1; c < C; ++c) m = std::max(m, r[c]);
    return m;
  };
  for (index_t i = 0; i < N; ++i) {
    const T* r = x.data() + i * C;
    const T m = row_max(r);
    for (index_t c = 0; c < C; ++c) p.data()[i * C + c] = r[c] - m;
  }
  detail::exp_in_place(p.data(), N * C);
  Tensor<T, Shape<Dyn>> rows(N);
  T denom = 0;
  Tensor<std::int64_t, Shape<Dyn>> tgt(uninitialized, Dims<Shape<Dyn>>(N));
  const T* w = wts.data();
  for (index_t i = 0; i < N; ++i) {
    const T* r = x.data() + i * C;
    T* pr = p.data() + i * C;
    T s = 0;
    for (index_t c = 0; c < C; ++c) s += pr[c];
    const T lse = row_max(r) + std::log(s), inv = T(1) / s;
    T smooth = 0;
    for (index_t c = 0; c < C; ++c) {
      pr[c] *= inv;
      smooth -= w[c] * (r[c] - lse);
    }
    const index_t t = index_t(target.data()[i]);
    tgt.data()[i] = t;
    if (t == ignore) {
      rows.data()[i] = 0;
      continue;
    }
    const T nll = -w[t] * (r[t] - lse);
    rows.data()[i] = T(1 - eps) * nll + T(eps / double(C)) * smooth;
    denom += w[t];
  }
  const T scale = R == Reduction::mean ? T(1) / denom : T(1);
#if CTORCH_CREATE_GRAPH
  auto gfn = [st = detail::CrossEntropyGraph<T>{tgt, wts, ignore, eps, wsum, scale}](const auto& g, const V& in) {
    if (in.requires_grad()) autograd::accumulate_graph(in, st.vjp(g, in));
  };
#else
  autograd::no_graph gfn;
#endif
  auto grad_rows = [=, p = std::move(p), tgt = std::move(tgt), wts = std::move(wts)](const V& in, auto scale_of_row) {
    const T* w = wts.data();
    typename V::tensor_type d(in.value().dims());
    for (index_t i = 0; i < N; ++i) {
      const index_t t = index_t(tgt.data()[i]);
      T* o = d.data() + i * C;
      if (t == ignore) continue;  // zero row
      const T s = scale_of_row(i);
      for (index_t c = 0; c < C; ++c) {
        const T pc = p.data()[i * C + c];
        o[c] = s * (T(1 - eps) * w[t] * (pc - (c == t ? T(1) : T(0))) + T(eps / double(C)) * (wsum * pc - w[c]));
      }
    }
    autograd::accumulate(in, std::move(d));
  };
  if constexpr (R == Reduction::none) {
    return autograd::record_graph(
        "NllLossBackward0", std::move(rows),
        [gr = std::move(grad_rows)](const auto& g, const auto&, const V& in) {
          if (in.requires_grad()) gr(in, [&](index_t i) { return g.data()[i]; });
        },
        std::move(gfn), v);
  } else {
    T total = 0;
    for (index_t i = 0; i < N; ++i) total += rows.data()[i];
    return autograd::record_graph(
        "NllLossBackward0", Tensor<T, Shape<>>(total * scale),
        [gr = std::move(grad_rows), scale](const auto& g, const auto&, const V& in) {
          const T gs = g.item() * scale;
          if (in.requires_grad()) gr(in, [&](index_t) { return gs; });
        },
        std::move(gfn), v);
  }
}

// requires: log-probabilities [N, C], int64 targets [N]. ensures: -sum w[t_i] x[i, t_i] / sum w[t_i] (mean).
template <Reduction R = Reduction::mean, class X, class TT>
auto nll_loss(const X& logp, const TT& target, const std::optional<std::vector<double>>& weight = {},
              index_t ignore_index = -100) {
  auto v = autograd::as_var(logp);
  using V = decltype(v);
  using T = typename V::value_type;
  const auto& x = v.value();
  const index_t N = x.size(0), C = x.size(1);
  detail::check_targets<T>(target, N, C, ignore_index, "nll_loss");
  Tensor<T, Shape<Dyn>> coef(N);  // pooled, owned by the node
  Tensor<std::int64_t, Shape<Dyn>> tgt(uninitialized, Dims<Shape<Dyn>>(N));
  T total = 0, denom = 0;
  for (index_t i = 0; i < N; ++i) {
    const index_t t = index_t(target.data()[i]);
    tgt.data()[i] = t;
    if (t == ignore_index) continue;
    const T wt = weight ? T((*weight)[std::size_t(t)]) : T(1);
    coef.data()[i] = wt;
    total -= wt * x.data()[i * C + t];
    denom += wt;
  }
  static_assert(R != Reduction::none, "ctorch: nll_loss: reduction none is not implemented yet");
  const T scale = R == Reduction::mean ? T(1) / denom : T(1);
#if CTORCH_CREATE_GRAPH
  // The VJP is g times a constant (-w[t_i] * scale at (i, t_i)), here recorded.
  auto gfn = [coef, tgt, scale, C, ignore_index](const auto& g, const V& in) {
    if (!in.requires_grad()) return;
    typename V::tensor_type m(in.value().dims());
    for (index_t i = 0; i < tgt.numel(); ++i)
      if (tgt.data()[i] != ignore_index) m.data()[i * C + tgt.data()[i]] = -coef.data()[i] * scale;
    const V mv(std::move(m));
    autograd::accumulate_graph(in, V(g * mv));
  };
#else
  autograd::no_graph gfn;
#endif
  return autograd::record_graph(
      "NllLossBackward0", Tensor<T, Shape<>>(total * scale),
      [coef = std::move(coef), tgt = std::move(tgt), scale, C, ignore_index](const auto& g, const auto&, const V& in) {
        if (!in.requires_grad()) return;
        typename V::tensor_type d(in.value().dims());
        for (index_t i = 0; i < tgt.numel(); ++i)
          if (tgt.data()[i] != ignore_index) d.data()[i * C + tgt.data()[i]] = -coef.data()[i] * scale * g.item();
        autograd::accumulate(in, d);
      },
      std::move(gfn), v);
}

// ensures: mean((x - y)^2) (sum for Reduction::sum); fused: one node, one pass each way.
template <Reduction R = Reduction::mean, class X, class Y>
auto mse_loss(const X& x, const Y& y) {
  if constexpr (R == Reduction::sum)
    return sum(square(x - y));
  else
    return mean(square(x - y));
}

}  // namespace ctorch::nn::functional
