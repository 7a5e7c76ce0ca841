// ctorch/nn/functional/linear.hpp: linear (torch.nn.functional.linear), y = x W^T + b.
// Shape: x [N, In] (N static or Dyn), W [Out, In], b [Out] -> [N, Out]; a static In mismatch is a compile
// error naming both shapes. dtype: float or double. One GEMM forward whose epilogue adds the bias (and,
// for linear_act, applies the activation) while each tile is in registers; W^T read in place. Gradient:
// dx = G W, dW = G^T x, db = column sums of G (GEMMs, transposes in place); for linear_act, G is first
// multiplied by the activation's derivative, computed from the saved output.
#pragma once
#include "../../autograd/function.hpp"
#include "../../eval/cpu/gemm.hpp"
#if CTORCH_CREATE_GRAPH  // the create_graph VJPs' recorded ops
#include "../../ops/comparison/gt.hpp"
#include "../../ops/linalg/mm.hpp"
#include "../../ops/pointwise/mul.hpp"
#include "../../ops/pointwise/relu.hpp"
#include "../../ops/pointwise/sigmoid.hpp"
#include "../../ops/pointwise/sub.hpp"
#include "../../ops/pointwise/tanh.hpp"
#include "../../ops/pointwise/where.hpp"
#include "../../ops/reduction/sum.hpp"
#include "../../ops/view/transpose.hpp"
#endif

namespace ctorch::nn::functional {

namespace detail {
template <class SX, class SW>
struct linear_check {
  static_assert(SX::rank == 2 && SW::rank == 2, "ctorch: linear: expects x [N, in] and weight [out, in]");
  static constexpr index_t in_x = SX::static_extents[1], in_w = SW::static_extents[1];
  static_assert(in_x == Dyn || in_w == Dyn || in_x == in_w,
                "ctorch: linear: x's last dim differs from the weight's in_features (see linear_check's arguments: "
                "the input shape, then the weight shape)");
  using out_shape = Shape<SX::static_extents[0], SW::static_extents[0]>;
};

// The GEMM epilogue of linear: + bias[j] (bias may be null), then the activation Act (void: none).
template <class T, class Act>
struct BiasActivation {
  static constexpr bool active = true;
  const T* bias;
  template <class V>
  V packet(V v, index_t j) const {
    if (bias) v += V::load_unaligned(bias + j);
    if constexpr (std::is_void_v<Act>)
      return v;
    else
      return Act::packet(v);
  }
  T scalar(T v, index_t j) const {
    if (bias) v += bias[j];
    if constexpr (std::is_void_v<Act>)
      return v;
    else
      return Act::f(v);
  }
};

template <class T, class VX, class VW, class VB, class Act = void>
auto linear_forward(const VX& x, const VW& w, const VB* b, Act* = nullptr) {
  using SX = typename VX::shape_type;
  using SW = typename VW::shape_type;
  using Out = typename linear_check<SX, SW>::out_shape;
  const index_t N = x.size(0), In = x.size(1), O = w.size(0);
  if (w.size(1) != In)
    throw shape_error("ctorch: linear: input of shape " + shape_string(x.sizes()) + " and weight of shape " +
                      shape_string(w.sizes()) + " do not fit (in_features)");
  Tensor<T, Out> y(uninitialized, Dims<Out>::from_array(std::array<index_t, 2>{N, O}, "linear"));
  linalg::gemm_ep<T>(N, O, In, T(1), x.data(), In, 1, w.data(), 1, In, T(0), y.data(), O, 1,
                     BiasActivation<T, Act>{b ? b->data() : nullptr});
  return y;
}

template <class G, class VX, class VW>
void linear_backward_xw(const G& g, const VX& x, const VW& w) {
  using T = typename VX::value_type;
  const index_t N = x.value().size(0), In = x.value().size(1), O = w.value().size(0);
  if (x.requires_grad()) {  // dx [N, In] = G [N, O] W [O, In]
    bool fresh;
    T* gx = autograd::overwrite_buffer(x, fresh).data();
    linalg::gemm<T>(N, In, O, T(1), g.data(), O, 1, w.value().data(), In, 1, fresh ? T(0) : T(1), gx, In, 1);
  }
  if (w.requires_grad()) {  // dW [O, In] = G^T [O, N] x [N, In]
    bool fresh;
    T* gw = autograd::overwrite_buffer(w, fresh).data();
    linalg::gemm<T>(O, In, N, T(1), g.data(), 1, O, x.value().data(), In, 1, fresh ? T(0) : T(1), gw, In, 1);
  }
}
}  // namespace detail

namespace detail {
// The create_graph VJP of linear: the same products as recorded ops (dx = G W, dW = G^T x, db = column sums
// of G), with G first multiplied by the activation's derivative, from the output recomputed as recorded
// ops (so that the derivative itself depends on x, W and b). Instantiated only with CTORCH_CREATE_GRAPH.
template <class Act, class G, class VX, class VW, class... VB>
void linear_backward_graph(const G& g, const VX& x, const VW& w, const VB&... b) {
  using T = typename VX::value_type;
  const G gp = [&] {
    if constexpr (std::is_void_v<Act>) {
      return g;
    } else {
      const G pre((mm(x, t(w)) + ... + b));
      const G y(make_map<Act>(pre));
      if constexpr (std::is_same_v<Act, ctorch::op::Relu>)
        return G(where(y > T(0), g, T(0)));
      else if constexpr (std::is_same_v<Act, ctorch::op::Tanh>)
        return G(g * (T(1) - y * y));
      else {
        static_assert(std::is_same_v<Act, ctorch::op::Sigmoid>,
                      "ctorch: linear_act: create_graph for relu, tanh, sigmoid");
        return G(g * (T(1) - y) * y);
      }
    }
  }();
  if (x.requires_grad()) autograd::accumulate_graph(x, VX(mm(gp, w)));
  if (w.requires_grad()) autograd::accumulate_graph(w, VW(mm(t(gp), x)));
  if constexpr (sizeof...(VB) == 1)
    if ((b.requires_grad() && ...)) (autograd::accumulate_graph(b, VB(sum<0>(gp))), ...);
}

// Act(x W^T + b) (Act void: none), one GEMM; records one node when any operand is tracked.
template <class Act, class X, class W, class B>
auto linear_bias(const X& x, const W& weight, const B& bias) {
  using T = typename W::value_type;
  if constexpr (autograd::AnyTracked<X, W, B>) {
    auto vx = autograd::as_var(x);
    auto vw = autograd::as_var(weight);
    auto vb = autograd::as_var(bias);
    using VX = decltype(vx);
    using VW = decltype(vw);
    using VB = decltype(vb);
    auto y = linear_forward<T>(vx.value(), vw.value(), &vb.value(), static_cast<Act*>(nullptr));
    auto backward = [](const auto& g, const auto& yv, const VX& x, const VW& w, const VB& b) {
      auto through = [&](const auto& gp) {
        linear_backward_xw(gp, x, w);
        if (b.requires_grad()) autograd::accumulate_sum_to(b, gp);
      };
      if constexpr (std::is_void_v<Act>) {
        through(g);
      } else {
        std::decay_t<decltype(g)> gp(uninitialized, g.dims());  // grad at the pre-activation: g * Act'(y)
        const T *yd = yv.data(), *gd = g.data();
        T* pd = gp.data();
        for (index_t i = 0; i < gp.numel(); ++i) pd[i] = gd[i] * Act::template d<0>(yd[i], yd[i]);
        through(gp);
      }
    };
    return autograd::record_graph(
        std::is_void_v<Act> ? "AddmmBackward0" : "LinearActivationBackward", std::move(y), std::move(backward),
        [](const auto& g, const VX& x, const VW& w, const VB& b) { linear_backward_graph<Act>(g, x, w, b); }, vx, vw,
        vb);
  } else {
    const Tensor<T, typename B::shape_type> bt(bias);
    return linear_forward<T>(Tensor<T, typename X::shape_type>(x), Tensor<T, typename W::shape_type>(weight), &bt,
                             static_cast<Act*>(nullptr));
  }
}
}  // namespace detail

// requires: x [N, In], weight [Out, In], bias [Out]. ensures: x W^T + b; records one node when any
// operand is tracked.
template <class X, class W, class B>
auto linear(const X& x, const W& weight, const B& bias) {
  return detail::linear_bias<void>(x, weight, bias);
}

// requires: x [N, In], weight [Out, In], bias [Out]; Act a pointwise op whose derivative needs only the
// result (Act::d_from_result: relu, tanh, sigmoid). ensures: Act(x W^T + b) in one GEMM pass; records one
// node when any operand is tracked (nn::Sequential uses it for a Linear followed by such an activation).
template <class Act, class X, class W, class B>
auto linear_act(const X& x, const W& weight, const B& bias) {
  static_assert(Act::d_from_result, "ctorch: linear_act: the activation's derivative must follow from its result");
  return detail::linear_bias<Act>(x, weight, bias);
}

// requires: x [N, In], weight [Out, In]. ensures: x W^T (no bias).
template <class X, class W>
auto linear(const X& x, const W& weight) {
  using T = typename W::value_type;
  if constexpr (autograd::AnyTracked<X, W>) {
    auto vx = autograd::as_var(x);
    auto vw = autograd::as_var(weight);
    using VX = decltype(vx);
    using VW = decltype(vw);
    auto y = detail::linear_forward<T>(vx.value(), vw.value(), static_cast<const Tensor<T, Shape<1>>*>(nullptr));
    return autograd::record_graph(
        "MmBackward0", std::move(y),
        [](const auto& g, const auto&, const VX& x, const VW& w) { detail::linear_backward_xw(g, x, w); },
        [](const auto& g, const VX& x, const VW& w) { detail::linear_backward_graph<void>(g, x, w); }, vx, vw);
  } else {
    return detail::linear_forward<T>(Tensor<T, typename X::shape_type>(x), Tensor<T, typename W::shape_type>(weight),
                                     static_cast<const Tensor<T, Shape<1>>*>(nullptr));
  }
}

}  // namespace ctorch::nn::functional
