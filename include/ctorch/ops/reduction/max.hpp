// ctorch/ops/reduction/max.hpp: max and min (torch.max, torch.min) as reductions.
// max(x): a 0-d tensor holding the largest element, as amax(x). max<Dim, Keep>(x): the largest values
// along Dim and their positions, returned together (torch.return_types.max: .values, .indices; also
// `auto [v, i] = max<1>(x)`). Ties give the first position; NaN propagates, with the first NaN's
// position. dtype: values keep the input's, indices are int64. Empty input throws value_error.
// Gradient (on a Var): max(x) shares it evenly among the elements equal to the result (among the NaNs when
// it is NaN), as PyTorch's evenly_distribute_backward; max<Dim>(x) returns {Var values, indices} and the
// gradient goes to the position in indices only, as PyTorch.
#pragma once
#include "../pointwise/mul.hpp"
#include "argmax.hpp"

namespace ctorch {

// torch.return_types.max / min: the values and the int64 positions of a dim reduction.
template <class T, class S, class D = Cpu>
struct values_indices {
  Tensor<T, S, D> values;
  Tensor<std::int64_t, S, D> indices;
};

// The Var form of a {values, indices} result: the values are tracked, the positions are constants.
template <class T, class S, class D = Cpu>
struct var_values_indices {
  Var<T, S, D> values;
  Tensor<std::int64_t, S, D> indices;
};

namespace detail {
// Writes a ValueIndex into two contiguous outputs at once (a sink for executor::reduce_dim).
template <class T>
struct ValueIndexSink {
  T* values;
  std::int64_t* indices;
  struct Ref {
    T* v;
    std::int64_t* i;
    CTORCH_HD void operator=(const ValueIndex<T>& r) const {
      *v = r.value;
      *i = r.index;
    }
  };
  CTORCH_HD Ref operator[](index_t k) const { return {values + k, indices + k}; }
};

template <bool IsMax, int Dim, bool Keep, Expression X>
auto extreme_with_indices(const X& x, const char* op) {
  using S = expr_shape_t<X>;
  using T = expr_value_t<X>;
  using Dev = expr_device_t<X>;
  using Red = red::ExtremeIndex<IsMax, false>;
  constexpr std::size_t d = reduce_dim_check<Red, S, Dim>::value;
  using RS = reduced_shape_t<S, d, Keep>;
  constexpr std::size_t R = S::rank;
  const std::array<index_t, R> ext = x.dims().array();
  require_nonempty_dim(ext, d, op);
  const Dims<RS> od = reduced_dims<RS>(ext, d, op);
  values_indices<T, RS, Dev> out{Tensor<T, RS, Dev>(od), Tensor<std::int64_t, RS, Dev>(od)};
  const auto ev = make_evaluator<R>(x, ext);
  executor<Dev>::template reduce_dim<Red, ValueIndex<T>>(ValueIndexSink<T>{out.values.data(), out.indices.data()}, ext,
                                                         d, ev);
  return out;
}

// Where element k of a picked tensor (indices idx[k] along P) sits in x: for pick_backward and the
// recorded scatter and gather below.
template <std::size_t P>
struct pick_map {
  index_t inner = 1, nx = 0, ng = 1;
  template <std::size_t RX, std::size_t RG>
  pick_map(const std::array<index_t, RX>& xe, const std::array<index_t, RG>& ge) : nx(xe[P]) {
    for (std::size_t k = P + 1; k < RX; ++k) inner *= xe[k];
    if constexpr (RG == RX) ng = ge[P];
  }
  index_t operator()(index_t k, std::int64_t i) const {
    return ((k / inner / ng) * nx + index_t(i)) * inner + k % inner;
  }
};

// The VJP of an op that picks entries along dim P by position (max/min along a dim, sort, topk,
// kthvalue, median, mode): g[k] is added to x at k's position with its index along P replaced by idx[k].
// g and idx are contiguous, of one shape: x's with dim P of any extent (sort, topk), or x's with dim P
// removed (a reduction without Keep). A position picked twice gets both contributions.
template <std::size_t P, class V, class G, class I>
void pick_backward(const V& in, const G& g, const I& idx) {
  if (!in.requires_grad() || g.numel() == 0) return;
  using T = typename V::value_type;
  const pick_map<P> m(in.value().sizes(), g.sizes());
  bool fresh;
  T* out = autograd::grad_buffer(in, fresh).data();  // a fresh buffer holds zeros: += is right either way
  const auto* gp = g.data();
  const std::int64_t* ip = idx.data();
  for (index_t k = 0; k < g.numel(); ++k) out[m(k, ip[k])] += static_cast<T>(gp[k]);
}

template <std::size_t P, class T, class SG, class D, class SX>
Var<T, SX, D> pick_scatter(const Var<T, SG, D>& g, const Tensor<std::int64_t, SG, D>& idx, const Dims<SX>& xd);

// create_graph: h's entries at the picked positions (a gather), recorded; its VJP is pick_scatter.
template <std::size_t P, class T, class SX, class D, class SG>
Var<T, SG, D> pick_gather(const Var<T, SX, D>& h, const Tensor<std::int64_t, SG, D>& idx) {
  const pick_map<P> m(h.sizes(), idx.sizes());
  Tensor<T, SG, D> out(uninitialized, idx.dims());
  const T* hp = h.value().data();
  for (index_t k = 0; k < out.numel(); ++k) out.data()[k] = hp[m(k, idx.data()[k])];
  return autograd::record_graph(
      "GatherBackward0", std::move(out),
      [idx](const auto& g, const auto&, const Var<T, SX, D>& in) { pick_backward<P>(in, g, idx); },
      [idx](const auto& g, const Var<T, SX, D>& in) {
        autograd::accumulate_graph(in, pick_scatter<P>(g, idx, in.dims()));
      },
      h);
}

// create_graph: a tensor of extents xd, zero but for g added at the picked positions (the VJP of a pick),
// recorded; its VJP is pick_gather.
template <std::size_t P, class T, class SG, class D, class SX>
Var<T, SX, D> pick_scatter(const Var<T, SG, D>& g, const Tensor<std::int64_t, SG, D>& idx, const Dims<SX>& xd) {
  const pick_map<P> m(xd.array(), idx.sizes());
  Tensor<T, SX, D> out(xd);
  const T* gp = g.value().data();
  for (index_t k = 0; k < g.numel(); ++k) out.data()[m(k, idx.data()[k])] += gp[k];
  return autograd::record_graph(
      "ScatterAddBackward0", std::move(out),
      [idx](const auto& h, const auto&, const Var<T, SG, D>& in) {
        if (!in.requires_grad()) return;
        const pick_map<P> hm(h.sizes(), idx.sizes());
        bool fresh;
        T* o = autograd::grad_buffer(in, fresh).data();  // a fresh buffer holds zeros: += is right either way
        for (index_t k = 0; k < idx.numel(); ++k) o[k] += h.data()[hm(k, idx.data()[k])];
      },
      [idx](const auto& h, const Var<T, SG, D>& in) { autograd::accumulate_graph(in, pick_gather<P>(h, idx)); }, g);
}

// The Var form of an op returning {values, indices}: r computed on v's value, the values recorded with
// pick_backward (the node keeps its own copy of the indices); under create_graph, with pick_scatter.
template <std::size_t P, class V, class T, class S, class D>
auto tracked_pick(const char* name, const V& v, values_indices<T, S, D> r) {
  auto values = autograd::record_graph(
      name, std::move(r.values),
      [idx = r.indices](const auto& g, const auto&, const V& in) { pick_backward<P>(in, g, idx); },
      [idx = r.indices](const auto& g, const V& in) {
        autograd::accumulate_graph(in, pick_scatter<P>(g, idx, in.dims()));
      },
      v);
  return var_values_indices<T, S, D>{std::move(values), std::move(r.indices)};
}

// The VJP of a full max/min/median: g shared evenly among the elements equal to y, or among the NaNs
// when y is NaN (PyTorch's evenly_distribute_backward).
template <class V, class G, class Y>
void evenly_distribute_backward(const V& in, const G& g, const Y& y) {
  if (!in.requires_grad()) return;
  using T = typename V::value_type;
  const T yv = y.item();
  const bool nan = yv != yv;
  const T* xp = in.value().data();
  const index_t n = in.numel();
  auto hit = [&](T xv) { return nan ? xv != xv : xv == yv; };
  index_t count = 0;
  for (index_t i = 0; i < n; ++i) count += hit(xp[i]) ? 1 : 0;
  if (count == 0) return;  // not for max/min/median, whose result is one of the elements
  const T share = static_cast<T>(g.item()) / static_cast<T>(count);
  bool fresh;
  T* out = autograd::grad_buffer(in, fresh).data();
  for (index_t i = 0; i < n; ++i)
    if (hit(xp[i])) out[i] += share;
}
// The create_graph form: each element's share (1 / count where it equals y, else 0) is a constant.
template <class V, class G, class Y>
void evenly_distribute_backward_graph(const V& in, const G& g, const Y& y) {
  using T = typename V::value_type;
  const T yv = y.item();
  const bool nan = yv != yv;
  typename V::tensor_type share(in.dims());
  const T* xp = in.value().data();
  index_t count = 0;
  for (index_t i = 0; i < in.numel(); ++i) {
    const bool hit = nan ? xp[i] != xp[i] : xp[i] == yv;
    share.data()[i] = hit ? T(1) : T(0);
    count += hit ? 1 : 0;
  }
  if (count == 0) return;
  autograd::accumulate_graph(in, V(autograd::bcast_to(g, in.dims()) * share * (T(1) / T(count))));
}
}  // namespace detail

// requires: x not empty (value_error). ensures: a 0-d tensor holding the largest element (NaN if any).
template <Expression X>
auto max(const X& x) {
  return detail::extreme_full<red::Amax>(x, "max()");
}
// requires: Dim in [-rank, rank); the dim not empty. ensures: {values, indices} of the maxima along Dim.
template <int Dim, bool Keep = false, Expression X>
auto max(const X& x) {
  return detail::extreme_with_indices<true, Dim, Keep>(x, "max()");
}
// As max, for the smallest values.
template <Expression X>
auto min(const X& x) {
  return detail::extreme_full<red::Amin>(x, "min()");
}
template <int Dim, bool Keep = false, Expression X>
auto min(const X& x) {
  return detail::extreme_with_indices<false, Dim, Keep>(x, "min()");
}

// Autograd: max(x) and min(x) share the gradient evenly among ties; along a dim, the result's values
// are a Var whose gradient goes to the reported position.
template <Tracked X>
auto max(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  return autograd::record_graph(
      "MaxBackward1", max(v.value()),
      [](const auto& g, const auto& y, const V& in) { detail::evenly_distribute_backward(in, g, y); },
      [](const auto& g, const V& in) { detail::evenly_distribute_backward_graph(in, g, max(in.value())); }, v);
}
template <int Dim, bool Keep = false, Tracked X>
auto max(const X& x) {
  auto v = autograd::as_var(x);
  constexpr std::size_t d =
      detail::reduce_dim_check<red::ExtremeIndex<true, false>, typename decltype(v)::shape_type, Dim>::value;
  return detail::tracked_pick<d>("MaxBackward0", v, max<Dim, Keep>(v.value()));
}
template <Tracked X>
auto min(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  return autograd::record_graph(
      "MinBackward1", min(v.value()),
      [](const auto& g, const auto& y, const V& in) { detail::evenly_distribute_backward(in, g, y); },
      [](const auto& g, const V& in) { detail::evenly_distribute_backward_graph(in, g, min(in.value())); }, v);
}
template <int Dim, bool Keep = false, Tracked X>
auto min(const X& x) {
  auto v = autograd::as_var(x);
  constexpr std::size_t d =
      detail::reduce_dim_check<red::ExtremeIndex<false, false>, typename decltype(v)::shape_type, Dim>::value;
  return detail::tracked_pick<d>("MinBackward0", v, min<Dim, Keep>(v.value()));
}

}  // namespace ctorch
