// ctorch/autograd/function.hpp: nodes with hand-written VJPs (products, reductions, views, layers) and
// user-defined functions (torch.autograd.Function).
//
// An op that is a materialization point computes its value with tensors, then `record`s a node that
// keeps its input Vars and a backward callable. The callable receives the gradient arriving at the
// output, the output's value and the inputs, and sends each input its contribution through
// `accumulate` (or writes straight into `grad_buffer`, as the GEMM-based VJPs do).
#pragma once
#include <array>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

#include "var.hpp"

namespace ctorch::autograd {

// requires: v requires grad. ensures: the buffer v's gradient is summed into in this backward pass;
// `fresh` says it holds zeros that may be overwritten instead of added to (beta = 0 for a GEMM).
template <class T, class S, class D>
Tensor<T, S, D>& grad_buffer(const Var<T, S, D>& v, bool& fresh) {
  auto* n = v.node();
  fresh = !n->incoming.has_value() && !n->uniform_incoming.has_value();
  return n->incoming_buffer();
}

// requires: v requires grad; when `fresh` comes back true, the caller overwrites every element (a GEMM
// with beta = 0). ensures: as grad_buffer, but a fresh buffer is not zero-filled first (that fill is a
// pass over the whole gradient: 400 KB for the MLP's first weight).
template <class T, class S, class D>
Tensor<T, S, D>& overwrite_buffer(const Var<T, S, D>& v, bool& fresh) {
  auto* n = v.node();
  n->settle();
  fresh = !n->incoming;
  if (fresh) n->incoming.emplace(uninitialized, n->value.dims());
  return *n->incoming;
}

// ensures: v's incoming gradient += contribution (broadcast to v's shape), when v requires grad.
template <class T, class S, class D, class E>
void accumulate(const Var<T, S, D>& v, const E& contribution) {
  if (!v.requires_grad()) return;
  auto* n = v.node();
  if constexpr (std::is_same_v<D, Cpu> && S::rank > 0 && std::remove_cvref_t<E>::shape_type::rank == 0) {
    // One value for every element (a full sum's or mean's VJP): kept as the value (VarNode::settle), where
    // the tensor it saves is large enough to pay for the bookkeeping.
    if (!n->incoming && n->value.numel() >= 1024) {
      const T g = static_cast<T>(make_evaluator<0>(contribution, std::array<index_t, 0>{}).linear(0));
      n->uniform_incoming = n->uniform_incoming ? *n->uniform_incoming + g : g;
      return;
    }
  }
  n->settle();
  if (!n->incoming) {
    // The first contribution is written, not added to a zero-filled buffer (one pass instead of two).
    n->incoming.emplace(uninitialized, n->value.dims());
    assign(n->incoming->view(), contribution);
  } else {
    assign(n->incoming->view(), n->incoming->view() + contribution);
  }
}
// A contribution that is a new tensor of v's own type and extents: the first one is moved in, not copied
// (conv and pooling VJPs produce whole input gradients).
template <class T, class S, class D>
void accumulate(const Var<T, S, D>& v, Tensor<T, S, D>&& contribution) {
  if (!v.requires_grad()) return;
  auto* n = v.node();
  n->settle();
  if (!n->incoming && contribution.dims() == n->value.dims()) {
    n->incoming.emplace(std::move(contribution));
    return;
  }
  accumulate(v, static_cast<const Tensor<T, S, D>&>(contribution));
}

// No create_graph form: the node's propagate_graph refuses, naming the op.
struct no_graph {};

namespace detail {
inline void retain_all(Node* const* n, std::size_t k) noexcept {
  for (std::size_t i = 0; i < k; ++i) n[i]->retain();
}
inline void release_all(Node* const* n, std::size_t k) noexcept {
  for (std::size_t i = 0; i < k; ++i) n[i]->release();
}
}  // namespace detail

// The node of an op with a hand-written VJP: fn(grad_out, value, inputs...) and, under create_graph,
// gfn(grad_out as a Var, inputs...). The inputs are kept as retained node pointers, not as a tuple of
// Vars: a std::tuple instantiates a chain of small class templates per node type, and a model has a
// node type per op and shape. The Var handles are made when the VJP runs.
template <DType T, ShapeType S, Device D, class Fn, class GFn, class... In>
class FnNode final : public VarNode<T, S, D> {
  static constexpr bool has_graph = !std::is_same_v<GFn, no_graph>;
  static constexpr std::size_t K = sizeof...(In);

 public:
  FnNode(const char* name, Tensor<T, S, D> v, Fn fn, GFn gfn, const In&... in)
      : VarNode<T, S, D>(std::move(v)), name_(name), fn_(std::move(fn)) {
    this->requires_grad = true;
    this->is_leaf = false;
    if constexpr (has_graph)
      gfn_.emplace(std::move(gfn));
    else
      (void)gfn;
    versions_ = {in.version()...};
    input_nodes_ = {static_cast<Node*>(in.node())...};
    detail::retain_all(input_nodes_.data(), K);  // last: nothing after it throws
    this->set_inputs(input_nodes_.data(), K);
  }
  void destroy() noexcept override { this->~FnNode(); }
  const char* name() const noexcept override { return name_; }
  void propagate() override {
    check_versions();
    call(*fn_, std::as_const(*this->incoming), std::as_const(this->value));
  }
  // gfn(G, inputs...) with G the arriving gradient as a Var; it calls accumulate_graph per input.
  void propagate_graph() override {
    if constexpr (has_graph) {
      check_versions();
      const Var<T, S, D> g(this->gin);
      call(*gfn_, g);
    } else {
      VarNode<T, S, D>::propagate_graph();
    }
  }
  void release_saved() noexcept override {
    if (fn_) detail::release_all(input_nodes_.data(), K);
    this->clear_inputs();
    fn_.reset();
    if constexpr (has_graph) gfn_.reset();
  }

 private:
  ~FnNode() {
    if (fn_) detail::release_all(input_nodes_.data(), K);
  }
  void check_versions() const { detail::check_versions(input_nodes_.data(), versions_.data(), K); }
  // f(pre..., inputs as Var handles...). requires: the inputs not released (release_saved).
  template <class F, class... Pre>
  void call(F& f, const Pre&... pre) const {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      f(pre..., In(static_cast<typename In::node_type*>(input_nodes_[I]))...);
    }
    (std::index_sequence_for<In...>{});
  }
  const char* name_;
  maybe<Fn> fn_;  // empty after release_saved, with the inputs released
  [[no_unique_address]] std::conditional_t<has_graph, maybe<GFn>, no_graph> gfn_{};
  std::array<std::uint32_t, K> versions_{};
  std::array<Node*, K> input_nodes_{};  // retained while fn_ holds a value
};

// ensures: a Var holding `value`; when grad mode is on and an input requires grad, it records a node
// named `name` whose backward is fn(grad_out, value, inputs...) and whose create_graph backward is
// gfn(grad_out as a Var, inputs...) (record_graph; with record, create_graph through it throws).
template <DType T, ShapeType S, Device D, class Fn, class GFn, class... In>
Var<T, S, D> record_graph(const char* name, Tensor<T, S, D> value, Fn fn, GFn gfn, const In&... in) {
  using VN = VarNode<T, S, D>;
  VN* n;
  if (is_grad_enabled() && (in.requires_grad() || ...)) {
#if CTORCH_CREATE_GRAPH
    n = new_node<FnNode<T, S, D, Fn, GFn, In...>>(name, std::move(value), std::move(fn), std::move(gfn), in...);
#else
    // Compiled out: gfn is dropped unused, so its body (a generic lambda) is never instantiated.
    (void)gfn;
    n = new_node<FnNode<T, S, D, Fn, no_graph, In...>>(name, std::move(value), std::move(fn), no_graph{}, in...);
#endif
  } else {
    n = new_node<VN>(std::move(value));
  }
  return Var<T, S, D>(n);
}
template <DType T, ShapeType S, Device D, class Fn, class... In>
Var<T, S, D> record(const char* name, Tensor<T, S, D> value, Fn fn, const In&... in) {
  return record_graph(name, std::move(value), std::move(fn), no_graph{}, in...);
}

// requires: buf's extents broadcast to g's. ensures: buf += g summed over the dims along which buf
// is broadcast to g's shape (the VJP of broadcasting: a bias added to every row gets the column sums).
template <class T, class S, class D, class GT, class GS>
void add_sum_to(Tensor<T, S, D>& buf, const Tensor<GT, GS, D>& g) {
  constexpr std::size_t R = GS::rank;
  const auto ext = g.sizes();
  const auto bst = broadcast_strides<R>(buf.sizes(), buf.strides(), ext);
  index_t n = g.numel();
  if (n == 0) return;
  std::array<index_t, R> idx{};
  T* d = buf.data();
  const GT* gp = g.data();
  const index_t last = R ? ext[R - 1] : 1, lst = R ? bst[R - 1] : 0;
  for (index_t i = 0; i < n; i += last) {
    index_t off = 0;
    for (std::size_t k = 0; k + 1 < R; ++k) off += idx[k] * bst[k];
    for (index_t j = 0; j < last; ++j) d[off + j * lst] += static_cast<T>(gp[i + j]);
    if constexpr (R > 1) {
      for (std::size_t k = R - 1; k-- > 0;) {
        if (++idx[k] < ext[k]) break;
        idx[k] = 0;
      }
    }
  }
}

// ensures: v's incoming gradient += g summed over the dims along which v was broadcast to g's shape.
template <class T, class S, class D, class GT, class GS>
void accumulate_sum_to(const Var<T, S, D>& v, const Tensor<GT, GS, D>& g) {
  if (!v.requires_grad()) return;
  bool fresh;
  add_sum_to(grad_buffer(v, fresh), g);
}

template <class T, class S, class D, class F, class SG>
Var<T, S, D> view_scatter(const char* name, const Var<T, SG, D>& g, const Dims<S>& in_dims, F f);
template <class T, class S, class D>
void accumulate_graph(const Var<T, S, D>& v, const Var<T, S, D>& c);  // graph.hpp
template <class S2, class T, class S, class D>
Var<T, S2, D> bcast_to(const Var<T, S, D>& v, const Dims<S2>& to);  // graph.hpp

// A view op on a Var (transpose, select, reshape, ...): the value is copied out (a Var owns its value),
// and the VJP adds the gradient back through the same view of the input's gradient buffer (under
// create_graph, the recorded view_scatter, whose own VJP is this view again).
// requires: f maps a TensorView to a view that does not overlap itself (not expand or unfold).
template <class T, class S, class D, class F>
auto view_op(const char* name, const Var<T, S, D>& v, F f) {
  auto out_view = f(v.value().view());
  using OV = decltype(out_view);
  using SO = typename OV::shape_type;
  Tensor<T, SO, D> out(out_view);
  return record_graph(
      name, std::move(out),
      [f](const auto& g, const auto&, const Var<T, S, D>& in) {
        if (!in.requires_grad()) return;
        bool fresh;
        auto& buf = grad_buffer(in, fresh);
        auto bv = f(buf.view());
        assign(bv, bv + g);
      },
      // Generic lambdas (here and below): without CTORCH_CREATE_GRAPH their bodies are never instantiated.
      [f, name](const auto& g, const auto& in) { accumulate_graph(in, view_scatter(name, g, in.dims(), f)); }, v);
}

// ensures: zeros of extents in_dims with g added through the view f (the VJP of view_op), recorded.
template <class T, class S, class D, class F, class SG>
Var<T, S, D> view_scatter(const char* name, const Var<T, SG, D>& g, const Dims<S>& in_dims, F f) {
  Tensor<T, S, D> out(in_dims);
  auto ov = f(out.view());
  assign(ov, ov + g.value());
  return record_graph(
      "ViewScatterBackward", std::move(out),
      [f](const auto& h, const auto&, const Var<T, SG, D>& gv) { accumulate(gv, f(h.view())); },
      [f, name](const auto& h, const auto& gv) { accumulate_graph(gv, view_op(name, h, f)); }, g);
}

// An op with operands A... records a node when any operand depends on a Var.
template <class... A>
concept AnyTracked = (Expression<A> && ...) && (detail::has_var<std::remove_cvref_t<A>> || ...);

// What an op turns each operand into: a Var (a tracked expression is materialized by its fused node;
// a tensor or untracked expression becomes a constant leaf holding a copy, so the graph never points
// at memory the caller may free).
template <class X>
auto as_var(X&& x) {
  using U = std::remove_cvref_t<X>;
  if constexpr (is_var_v<U>) {
    return U(std::forward<X>(x));
  } else if constexpr (is_tensor_v<U>) {
    return Var<typename U::value_type, typename U::shape_type, typename U::device_type>(U(std::forward<X>(x)));
  } else {
    return Var(x);
  }
}
template <class X>
using as_var_t = decltype(as_var(std::declval<X>()));

namespace detail {
// F's backward in the form that is given the inputs (see apply): with the values as tensors...
template <class F, class O, class... X>
concept backward_with_inputs = requires(F& f, const O& g, const X&... x) {
  f.backward(g, x.value()...);
};
// ...and, for create_graph, with the arriving gradient and the inputs as Vars, giving Vars or expressions of
// them (a backward taking tensors also accepts Vars, converted to plain tensors: not differentiable).
template <class O>
using grad_var_t = Var<typename O::value_type, typename O::shape_type, typename O::device_type>;
template <class F, class O, class... X>
using var_backward_t =
    decltype(std::declval<F&>().backward(std::declval<const grad_var_t<O>&>(), std::declval<const X&>()...));
template <class R>
inline constexpr bool all_tracked = Tracked<R>;
template <class... R>
inline constexpr bool all_tracked<std::tuple<R...>> = (Tracked<R> && ...);
template <class F, class O, class... X>
concept backward_with_vars = all_tracked<var_backward_t<F, O, X...>>;  // false when the call is ill-formed

// requires: c is a Var or an expression of Vars whose dtype is in's and whose shape broadcasts to in's.
// ensures: in's create_graph gradient += c (a custom function's create_graph backward's result).
template <class V, class C>
void accumulate_custom_graph(const V& in, const C& c) {
  auto cv = as_var(c);
  using CV = decltype(cv);
  static_assert(std::is_same_v<typename CV::value_type, typename V::value_type>,
                "ctorch: apply: backward must return each input's gradient in that input's dtype");
  if constexpr (std::is_same_v<CV, V>)
    accumulate_graph(in, cv);
  else
    accumulate_graph(in, bcast_to(cv, in.dims()));
}
}  // namespace detail

// A user-defined differentiable function, as torch.autograd.Function. F is a class with
//   Tensor<...> forward(const Tensor<...>&... inputs);
// and a backward in one of two forms (R: one gradient for one input, else a std::tuple of them, each an
// expression or tensor that broadcasts to its input's shape):
//   R backward(const Tensor<...>& grad_output);     // forward keeps what it needs as members
//   R backward(const auto& grad_output, const auto&... inputs);
// apply(F{}, x...) runs forward on the inputs' values and records a node that owns the F object.
// The second form is given the inputs (what PyTorch's ctx.save_for_backward(*inputs) keeps): their values
// as tensors in a plain backward, and, under create_graph, the arriving gradient and the inputs as Vars, so
// a backward written with differentiable ops (generic: `const auto&`) is recorded and differentiable again,
// to any order, its second derivatives reaching the inputs. The first form, or a second form that takes
// only tensors, has no create_graph backward: create_graph through it throws naming CustomFunctionBackward
// (its members are plain tensors, so second derivatives through them would be silently lost).
// requires: x... are Vars; F as above. ensures: a Var holding forward's value, recorded when an x requires
// grad.
template <class F, class... X>
auto apply(F f, const X&... x) {
  auto out = f.forward(x.value()...);
  using O = decltype(out);
  // Sends each input its part of backward's result r (the inputs as a tuple: g++ 12 loses a captured pack in
  // the nested lambda).
  auto send = [](const auto& r, auto acc, const std::tuple<const X&...>& in) {
    if constexpr (sizeof...(X) == 1) {
      acc(std::get<0>(in), r);
    } else {
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        (acc(std::get<I>(in), std::get<I>(r)), ...);
      }
      (std::index_sequence_for<X...>{});
    }
  };
  auto plain = [](const auto& v, const auto& c) { accumulate(v, c); };
  if constexpr (detail::backward_with_inputs<F, O, X...>) {
#if CTORCH_CREATE_GRAPH
    if constexpr (detail::backward_with_vars<F, O, X...>) {
      // One F shared by both backward forms, as PyTorch's ctx.
      auto fp = std::make_shared<F>(std::move(f));
      return record_graph(
          "CustomFunctionBackward", std::move(out),
          [fp, send, plain](const O& g, const O&, const X&... in) {
            send(fp->backward(g, in.value()...), plain, std::tie(in...));
          },
          [fp, send](const auto& g, const X&... in) {
            auto graph = [](const auto& v, const auto& c) { detail::accumulate_custom_graph(v, c); };
            send(fp->backward(g, in...), graph, std::tie(in...));
          },
          x...);
    } else
#endif
    {
      auto fn = [f = std::move(f), send, plain](const O& g, const O&, const X&... in) mutable {
        send(f.backward(g, in.value()...), plain, std::tie(in...));
      };
      return record("CustomFunctionBackward", std::move(out), std::move(fn), x...);
    }
  } else {
    auto fn = [f = std::move(f), send, plain](const O& g, const O&, const X&... in) mutable {
      send(f.backward(g), plain, std::tie(in...));
    };
    return record("CustomFunctionBackward", std::move(out), std::move(fn), x...);
  }
}

}  // namespace ctorch::autograd

// The create_graph machinery (FusedNode::propagate_graph, recorded broadcasts) needs everything above.
#if CTORCH_CREATE_GRAPH
#include "graph.hpp"
#endif
