// ctorch/autograd/fused.hpp: the node recorded for an elementwise expression, and its fused VJP.
//
// `Var y = tanh(a * x + b) * sigmoid(c);` records one FusedNode holding the expression (its Var leaves
// are the node's inputs). Backward walks the output once: at each element (or xsimd batch) it
// recomputes the expression's intermediate values bottom-up, then sends the incoming gradient top-down
// through each op's declared derivative `Op::d<I>(y, x...)` (in the op's header) to every Var leaf. The
// chain rule is unrolled at compile time over the expression type, so the pass is one loop with no
// temporaries. A leaf that is broadcast in the expression receives the sum over its broadcast dims
// (an indexed, sequential pass, since several output elements add into one gradient element).
#pragma once
#include <algorithm>
#include <array>
#include <string>
#include <tuple>
#include <type_traits>

#include "../core/parallel.hpp"
#include "../expr/dmath.hpp"
#include "var.hpp"

namespace ctorch::autograd {
namespace fused {

// ---- compile-time facts about an evaluator tree ------------------------------------------------------
template <class EV>
inline constexpr std::size_t nvar = 0;
template <class T, std::size_t R>
inline constexpr std::size_t nvar<VarLeafEval<T, R>> = 1;
template <class Op, class... E>
inline constexpr std::size_t nvar<MapEval<Op, E...>> = (std::size_t(0) + ... + nvar<E>);

template <class EV>
struct var_types {
  using type = std::tuple<>;
};
template <class T, std::size_t R>
struct var_types<VarLeafEval<T, R>> {
  using type = std::tuple<T>;
};
template <class Op, class... E>
struct var_types<MapEval<Op, E...>> {
  using type = decltype(std::tuple_cat(std::declval<typename var_types<E>::type>()...));
};

template <class... E>
constexpr std::array<std::size_t, sizeof...(E)> var_offsets() {
  std::array<std::size_t, sizeof...(E)> off{};
  std::size_t acc = 0, k = 0;
  ((off[k++] = acc, acc += nvar<E>), ...);
  return off;
}

// Which Var leaves the chain rule reaches (`back` below): none under a comparison or an integer op. Such a
// leaf gets no contribution at all, so its gradient buffer must hold zeros.
template <class EV>
struct reach {  // a leaf: a Var (reached) or a constant (no entry)
  static constexpr std::array<bool, nvar<EV>> value = [] {
    std::array<bool, nvar<EV>> r{};
    for (auto& b : r) b = true;
    return r;
  }();
};
template <class Op, class... E>
struct reach<MapEval<Op, E...>> {
  static constexpr std::array<bool, nvar<MapEval<Op, E...>>> value = [] {
    std::array<bool, nvar<MapEval<Op, E...>>> r{};
    if constexpr (std::is_floating_point_v<typename MapEval<Op, E...>::value_type>) {
      std::size_t k = 0;
      (
          [&] {
            for (bool b : reach<E>::value) r[k++] = b;
          }(),
          ...);
    }
    return r;
  }();
};

// Whether Op declares a derivative for operand I of N (checked only where a gradient must flow).
template <class Op, std::size_t I, class V, class Seq>
inline constexpr bool has_derivative_v = false;
template <class Op, std::size_t I, class V, std::size_t... J>
requires requires(V v) {
  Op::template d<I>(v, (void(J), v)...);
}
inline constexpr bool has_derivative_v<Op, I, V, std::index_sequence<J...>> = true;
template <class Op, std::size_t I, class V, std::size_t N>
concept has_derivative = has_derivative_v<Op, I, V, std::make_index_sequence<N>>;

// ---- the values of every node at one element ---------------------------------------------------------
struct ScalarMode {
  static constexpr bool packet = false;
  template <class T>
  using type = T;
};
template <class B>
struct PacketMode {
  static constexpr bool packet = true;
  template <class T>
  using type = B;
};

template <class M, class EV>
struct Vals {
  typename M::template type<typename EV::value_type> y;
};
template <class M, class Op, class... E>
struct Vals<M, MapEval<Op, E...>> {
  typename M::template type<typename MapEval<Op, E...>::value_type> y;
  std::tuple<Vals<M, E>...> kids;
};

struct LinearAt {
  index_t i;
  template <class EV>
  auto leaf(const EV& e) const {
    return e.linear(i);
  }
};
struct IndexAt {
  const index_t* idx;
  template <class EV>
  auto leaf(const EV& e) const {
    return e.at(idx);
  }
};
template <class B>
struct PacketAt {
  index_t i;
  template <class EV>
  B leaf(const EV& e) const {
    return e.template linear_packet<B>(i);
  }
};

template <class M, class Acc, class EV>
CTORCH_ALWAYS_INLINE void fill(Vals<M, EV>& v, const EV& ev, const Acc& acc) {
  v.y = acc.leaf(ev);
}
template <class M, class Acc, class Op, class... E>
CTORCH_ALWAYS_INLINE void fill(Vals<M, MapEval<Op, E...>>& v, const MapEval<Op, E...>& ev, const Acc& acc) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (fill(std::get<I>(v.kids), ctorch::detail::get<I>(ev.a), acc), ...);
    if constexpr (M::packet)
      v.y = Op::packet(std::get<I>(v.kids).y...);
    else
      v.y = Op::apply(std::get<I>(v.kids).y...);
  }
  (std::index_sequence_for<E...>{});
}

template <class V, class X>
V cvt(const X& x) {
  if constexpr (std::is_same_v<X, V>)
    return x;
  else
    return static_cast<V>(x);
}

// ---- the chain rule, top-down ---------------------------------------------------------------------
// Sends gradient g (of the node whose values are v) to the Var leaves below, numbered from P.
template <std::size_t P, class V, class M, class EV, class G, class Sink>
CTORCH_ALWAYS_INLINE void back(const Vals<M, EV>&, const G& g, Sink& sink) {
  if constexpr (nvar<EV> == 1) sink.template put<P>(g);
}
template <std::size_t P, class V, class M, class Op, class... E, class G, class Sink>
CTORCH_ALWAYS_INLINE void back(const Vals<M, MapEval<Op, E...>>& v, const G& g, Sink& sink) {
  using R = typename MapEval<Op, E...>::value_type;
  if constexpr (std::is_floating_point_v<R>) {  // no gradient flows through comparisons or integer ops
    constexpr auto off = var_offsets<E...>();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            using Ei = std::tuple_element_t<I, std::tuple<E...>>;
            if constexpr (nvar < Ei >> 0) {
              static_assert(has_derivative<Op, I, V, sizeof...(E)>,
                            "ctorch: backward: this op is not differentiable with respect to this operand (the "
                            "op is has_derivative's first argument); compute it under no_grad or on detach()ed "
                            "values");
              const G gi = g * cvt<G>(Op::template d<I>(cvt<G>(v.y), cvt<G>(std::get<I>(v.kids).y)...));
              back<P + off[I], V>(std::get<I>(v.kids), gi, sink);
            }
          }(),
          ...);
    }
    (std::index_sequence_for<E...>{});
  }
}

// Where each Var leaf's gradient goes: the incoming buffer of its node (nullptr: no grad wanted).
template <class Types, std::size_t N, std::size_t R>
struct Sink {
  std::array<void*, N> dst{};
  std::array<bool, N> overwrite{};             // the first and only contribution: store, do not add
  std::array<std::array<index_t, R>, N> st{};  // the leaf's strides over the output's index (0: broadcast)
  index_t i = 0;
  const index_t* idx = nullptr;
  bool indexed = false;

  template <std::size_t P, class G>
  CTORCH_ALWAYS_INLINE void put(const G& g) {
    using LT = std::tuple_element_t<P, Types>;
    auto* d = static_cast<LT*>(dst[P]);
    if (!d) return;
    if constexpr (dm::is_batch<G>) {
      if (overwrite[P])
        g.store_unaligned(d + i);
      else
        (G::load_unaligned(d + i) + g).store_unaligned(d + i);
    } else if (indexed) {
      index_t off = 0;
      for (std::size_t k = 0; k < R; ++k) off += idx[k] * st[P][k];
      d[off] += static_cast<LT>(g);
    } else if (overwrite[P]) {
      d[i] = static_cast<LT>(g);
    } else {
      d[i] += static_cast<LT>(g);
    }
  }
};

template <class T, class EV>
inline constexpr bool packet_ok = [] {
  if constexpr (!cpu::vectorizable<EV> || !std::is_same_v<typename EV::value_type, T>) {
    return false;
  } else {
    return []<class... L>(std::tuple<L...>*) {
      return (std::is_same_v<L, T> && ...);
    }(static_cast<typename var_types<EV>::type*>(nullptr));
  }
}();

// The fused VJP: for every Var leaf of `expr` that requires grad, adds d(out)/d(leaf)^T g into the
// leaf node's incoming gradient. g == nullptr: the incoming gradient is g_uniform at every element.
template <class T, std::size_t R, class E>
void backward(const E& expr, const std::array<index_t, R>& ext, const T* g, T g_uniform = T(0)) {
  // A uniform gradient is read from a packet of copies at offset i & gmask = 0, so one loop serves both.
  std::array<T, xsimd::batch<T>::size> g_copies;
  index_t gmask = ~index_t(0);
  if (!g) {
    g_copies.fill(g_uniform);
    g = g_copies.data();
    gmask = 0;
  }
  auto ev = make_evaluator<R>(expr, ext);
  using EV = decltype(ev);
  constexpr std::size_t N = nvar<EV>;
  using Types = typename var_types<EV>::type;
  Sink<Types, N, R> sink;
  bool broadcast = false;
  std::size_t p = 0;
  std::array<const void*, N> nodes{};
  detail::for_each_var(expr, [&](auto* node) {
    nodes[p++] = node;
    if (!node->requires_grad) return;
    const auto le = node->value.sizes();
    if constexpr (std::tuple_size_v<decltype(le)> != R) {
      broadcast = true;
    } else {
      for (std::size_t k = 0; k < R; ++k) broadcast |= le[k] != ext[k];
    }
  });
  const auto cst = contiguous_strides(ext);
  const bool linear = !broadcast && ev.linear_ok(ext, cst);
  p = 0;
  detail::for_each_var(expr, [&](auto* node) {
    if (node->requires_grad) {
      node->settle();
      // On the linear path (one output element per gradient element), a leaf that occurs once, is reached by
      // the chain rule and has no gradient yet gets its buffer written, not zero-filled and added to.
      if (linear && reach<EV>::value[p] && !node->incoming && std::count(nodes.begin(), nodes.end(), nodes[p]) == 1) {
        node->incoming.emplace(uninitialized, node->value.dims());
        sink.overwrite[p] = true;
      }
      sink.dst[p] = node->incoming_buffer().data();
      const auto le = node->value.sizes();
      const auto ls = contiguous_strides(le);
      sink.st[p] = broadcast_strides<R>(le, ls, ext);
    }
    ++p;
  });
  index_t n = 1;
  for (auto e : ext) n *= e;
  if (n == 0) return;
  if (linear) {
    parallel_for(
        n, 32768,
        [&](index_t b, index_t e) {
          Sink<Types, N, R> s = sink;
          index_t i = b;
          if constexpr (packet_ok<T, EV>) {
            using B = xsimd::batch<T>;
            constexpr index_t W = index_t(B::size);
            Vals<PacketMode<B>, EV> v;
            for (; i + W <= e; i += W) {
              fill(v, ev, PacketAt<B>{i});
              s.i = i;
              back<0, T>(v, B::load_unaligned(g + (i & gmask)), s);
            }
          }
          Vals<ScalarMode, EV> v;
          for (; i < e; ++i) {
            fill(v, ev, LinearAt{i});
            s.i = i;
            back<0, T>(v, g[i & gmask], s);
          }
        },
        64);
  } else {
    // Broadcast leaves: several output elements add into one gradient element, so one thread walks
    // the output in row-major order with a running multi-index.
    std::array<index_t, R> idx{};
    sink.idx = idx.data();
    sink.indexed = true;
    Vals<ScalarMode, EV> v;
    for (index_t i = 0; i < n; ++i) {
      fill(v, ev, IndexAt{idx.data()});
      back<0, T>(v, g[i & gmask], sink);
      for (std::size_t k = R; k-- > 0;) {
        if (++idx[k] < ext[k]) break;
        idx[k] = 0;
      }
    }
  }
}

// An expression whose tensor-view leaves are replaced by owned copies: a node may outlive the tensors
// the expression was written over (saved tensors, in PyTorch's words).
template <class A>
struct owned {
  using type = A;
  static const A& make(const A& a) { return a; }
};
template <class U, class S, class D>
struct owned<TensorView<const U, S, D>> {
  using type = Tensor<U, S, D>;
  static type make(const TensorView<const U, S, D>& a) { return type(a); }
};
template <class Op, class... A>
struct owned<Map<Op, A...>> {
  using type = Map<Op, typename owned<A>::type...>;
  static type make(const Map<Op, A...>& m) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return type(typename owned<A>::type(owned<A>::make(m.template arg<I>()))...);
    }
    (std::index_sequence_for<A...>{});
  }
};

}  // namespace fused

namespace detail {
inline std::string version_message(std::uint32_t now, std::uint32_t saved) {
  return "ctorch: backward: one of the variables needed for gradient computation has been modified by an "
         "inplace operation: it is at version " +
         std::to_string(now) + "; expected version " + std::to_string(saved) + " instead.";
}
// Throws when an input was changed in place since the node saved it (versions[k] is input k's version
// then). One function for every node type.
inline void check_versions(const Node* const* inputs, const std::uint32_t* versions, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k)
    if (inputs[k]->version != versions[k]) throw autograd_error(version_message(inputs[k]->version, versions[k]));
}
}  // namespace detail

template <DType T, ShapeType S, Device D, class E>
class FusedNode final : public VarNode<T, S, D> {
  static constexpr std::size_t N = detail::var_count<E>;

 public:
  FusedNode(Tensor<T, S, D> v, E e) : VarNode<T, S, D>(std::move(v)), expr_(std::move(e)) {
    this->requires_grad = true;
    this->is_leaf = false;
    this->reads_uniform = std::is_same_v<D, Cpu>;
    std::size_t p = 0;
    detail::for_each_var(*expr_, [&](auto* n) {
      inputs_[p] = n;
      versions_[p++] = n->version;
    });
    this->set_inputs(inputs_.data(), N);
  }
  void destroy() noexcept override { this->~FusedNode(); }
  const char* name() const noexcept override { return E::op_type::name; }
  void propagate() override {
    detail::check_versions(inputs_.data(), versions_.data(), N);
    if (this->incoming)
      fused::backward<T>(*expr_, this->value.sizes(), this->incoming->data());
    else  // one value for every element (VarNode::settle): not materialised, not read from memory
      fused::backward<T>(*expr_, this->value.sizes(), nullptr, *this->uniform_incoming);
  }
#if CTORCH_CREATE_GRAPH
  // The same chain rule over recorded Vars (autograd/graph.hpp).
  void propagate_graph() override;
#endif
  void release_saved() noexcept override {
    this->clear_inputs();
    expr_.reset();
  }

 private:
  maybe<E> expr_;
  std::array<std::uint32_t, N> versions_{};
  std::array<Node*, N> inputs_{};  // the Var leaves' nodes, in expr_ (which keeps them alive)
};

}  // namespace ctorch::autograd

namespace ctorch::autograd::detail {

template <class T, class S, class D, class E>
VarNode<T, S, D>* evaluate_node(const E& e) {
  Tensor<T, S, D> v(e);
  if constexpr (has_var<E>) {
    bool track = false;
    if (is_grad_enabled()) for_each_var(e, [&](Node* n) { track |= n->requires_grad; });
    if (track) {
      static_assert(std::is_same_v<typename E::value_type, T>,
                    "ctorch: Var: a tracked expression must have the Var's dtype (convert with cast<U>(...))");
      using O = fused::owned<E>;
      return new_node<FusedNode<T, S, D, typename O::type>>(std::move(v), O::make(e));
    }
  }
  return new_node<VarNode<T, S, D>>(std::move(v));
}

}  // namespace ctorch::autograd::detail

// Record (function.hpp) and the create_graph pass (graph.hpp, included at its end when
// CTORCH_CREATE_GRAPH is on) build on FusedNode.
#include "function.hpp"
