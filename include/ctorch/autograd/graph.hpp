// ctorch/autograd/graph.hpp: the create_graph pass (torch.autograd.grad(..., create_graph=True)).
//
// In this pass the gradient arriving at a node is a Var (VarNode::gin) and each node's
// propagate_graph builds its inputs' contributions with recorded Var operations, so the gradients
// carry a graph and can be differentiated again (Hessian-vector products, gradient penalties).
//
// The fused node reuses the ops' declared derivatives `Op::d<I>(y, x...)`: they are evaluated with
// graph::Val, a value type whose arithmetic and dm:: functions record Var operations, so `d` is
// written once for scalars, xsimd batches and the graph. The expression is walked into a run-time
// tape, its values recomputed and its derivatives built as graph::OpNode's: one elementwise op over
// the output's elements flattened to one dim, with scalar loops, so the node types depend on the op
// and the dtype only (not on the expression or the shape), which keeps the added compile time small.
// A part of the expression in another floating dtype (cast<double>(x) of a float x) gets a tape of its own in
// that dtype, joined to the node's by recorded conversions (to_dtype). Products, reductions and views give
// their create_graph VJPs through record_graph. The first-order
// pass (propagate, plain tensors) is untouched: none of this runs without create_graph.
#pragma once
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "../expr/cast.hpp"
#include "../ops/pointwise/abs.hpp"
#include "../ops/pointwise/add.hpp"
#include "../ops/pointwise/cos.hpp"
#include "../ops/pointwise/cosh.hpp"
#include "../ops/pointwise/div.hpp"
#include "../ops/pointwise/exp.hpp"
#include "../ops/pointwise/log.hpp"
#include "../ops/pointwise/mul.hpp"
#include "../ops/pointwise/neg.hpp"
#include "../ops/pointwise/pow.hpp"
#include "../ops/pointwise/sin.hpp"
#include "../ops/pointwise/sinh.hpp"
#include "../ops/pointwise/sqrt.hpp"
#include "../ops/pointwise/sub.hpp"
#include "../ops/pointwise/tanh.hpp"
#include "../ops/pointwise/where.hpp"
#include "function.hpp"

namespace ctorch::autograd {

namespace detail {
// The shape the create_graph pass of a fused node works in: its output's elements, flattened.
using flat_shape = Shape<Dyn>;

// Op::d<I> on the J-th operands, as functions rather than nested generic lambdas: nvcc's front end rejects a
// lambda pack (J...) inside a fold over an outer pack (I) ("parameter pack I was referenced but not expanded").
template <class Op, std::size_t I, class Y, class K, std::size_t... J>
auto op_d_at(const Y& y, const K* k, std::index_sequence<J...>) {
  return Op::template d<I>(y, k[J]...);
}
template <class Op, std::size_t I, class T, std::size_t N, std::size_t... J>
auto op_d_elem(T y, const std::array<const T*, N>& p, index_t i, std::index_sequence<J...>) {
  return Op::template d<I>(y, p[J][i]...);
}
}  // namespace detail

// ensures: a + b (equal extents), recorded with plain loops: the create_graph pass sums contributions
// with it (one small node type per shape, not a fused expression).
template <class T, class S, class D>
Var<T, S, D> add_graph(const Var<T, S, D>& a, const Var<T, S, D>& b) {
  Tensor<T, S, D> out(uninitialized, a.dims());
  const T* ap = a.value().data();
  const T* bp = b.value().data();
  for (index_t i = 0; i < out.numel(); ++i) out.data()[i] = ap[i] + bp[i];
  auto add_to = [](const Var<T, S, D>& v, const Tensor<T, S, D>& g) {
    if (!v.requires_grad()) return;
    bool fresh;
    T* d = grad_buffer(v, fresh).data();
    for (index_t i = 0; i < g.numel(); ++i) d[i] += g.data()[i];
  };
  return record_graph(
      "AddBackward0", std::move(out),
      [add_to](const Tensor<T, S, D>& g, const auto&, const Var<T, S, D>& x, const Var<T, S, D>& y) {
        add_to(x, g);
        add_to(y, g);
      },
      [](const Var<T, S, D>& g, const Var<T, S, D>& x, const Var<T, S, D>& y) {
        accumulate_graph(x, g);
        accumulate_graph(y, g);
      },
      a, b);
}

// requires: c has v's extents. ensures: v's create_graph gradient += c (a recorded add when a
// contribution is already there); nothing when v does not require grad.
template <class T, class S, class D>
void accumulate_graph(const Var<T, S, D>& v, const Var<T, S, D>& c) {
  if (!v.requires_grad()) return;
  if (c.dims() != v.dims())
    throw shape_error("ctorch: backward: a create_graph gradient has shape " + shape_string(c.sizes()) +
                      " but its input has shape " + shape_string(v.sizes()));
  auto* n = v.node();
  if (!n->gin) {
    n->gin = c.node();
    n->gin->retain();
    return;
  }
  const Var<T, S, D> sum = add_graph(Var<T, S, D>(n->gin), c);
  n->gin->release();
  n->gin = sum.node();
  n->gin->retain();
}

// requires: n.gin set (a create_graph gradient arrived at n). ensures: n.grad_graph = the .grad so far
// (its graph, or a constant for a .grad from a plain backward) + n.gin, recorded.
template <DType T, ShapeType S, Device D>
void accumulate_grad_graph(VarNode<T, S, D>& n) {
  Var<T, S, D> g(n.gin);
  if (n.grad_graph) {
    const Var<T, S, D> before(n.grad_graph);
    std::exchange(n.grad_graph, nullptr)->release();
    g = add_graph(before, g);
  } else if (n.grad) {
    g = add_graph(Var<T, S, D>(*n.grad), g);
  }
  n.grad_graph = g.node();
  n.grad_graph->retain();
}

template <class S2, class T, class S, class D>
Var<T, S2, D> sum_to(const Var<T, S, D>& g, const Dims<S2>& to);

// requires: v broadcasts to `to`. ensures: v broadcast to extents `to` (shape type S2), recorded: its
// VJP sums over the broadcast dims (sum_to), so it also converts between shape types (static <-> Dyn).
template <class S2, class T, class S, class D>
Var<T, S2, D> bcast_to(const Var<T, S, D>& v, const Dims<S2>& to) {
  if constexpr (std::is_same_v<S, S2>)
    if (v.dims() == to) return v;
  Tensor<T, S2, D> out(to);
  assign(out.view(), v.value());
  return record_graph(
      "ExpandBackward0", std::move(out),
      [](const auto& g, const auto&, const Var<T, S, D>& in) { accumulate_sum_to(in, g); },
      [](const Var<T, S2, D>& g, const Var<T, S, D>& in) { accumulate_graph(in, sum_to(g, in.dims())); }, v);
}

// requires: `to` broadcasts to g's extents. ensures: g summed over the dims along which a tensor of
// extents `to` is broadcast to g's (the VJP of bcast_to), recorded: its VJP is the broadcast back.
template <class S2, class T, class S, class D>
Var<T, S2, D> sum_to(const Var<T, S, D>& g, const Dims<S2>& to) {
  if constexpr (std::is_same_v<S, S2>)
    if (g.dims() == to) return g;
  Tensor<T, S2, D> out(to);
  add_sum_to(out, g.value());
  return record_graph(
      "SumToBackward0", std::move(out), [](const auto& h, const auto&, const Var<T, S, D>& in) { accumulate(in, h); },
      [](const Var<T, S2, D>& h, const Var<T, S, D>& in) { accumulate_graph(in, bcast_to(h, in.dims())); }, g);
}

// requires: `to` has v's number of elements. ensures: v's elements (row-major) with extents `to`,
// recorded: its VJP is the reshape back. (The fused node's create_graph pass flattens with it.)
template <class S2, class T, class S, class D>
Var<T, S2, D> reshape_to(const Var<T, S, D>& v, const Dims<S2>& to) {
  if constexpr (std::is_same_v<S, S2>)
    if (v.dims() == to) return v;
  if (to.numel() != v.numel())
    throw shape_error("ctorch: backward: cannot reshape " + shape_string(v.sizes()) + " to " + to.str());
  Tensor<T, S2, D> out(uninitialized, to);
  std::copy_n(v.value().data(), v.numel(), out.data());
  return record_graph(
      "ViewBackward0", std::move(out),
      [](const auto& g, const auto&, const Var<T, S, D>& in) {
        if (!in.requires_grad()) return;
        bool fresh;
        T* d = grad_buffer(in, fresh).data();
        const T* gp = g.data();
        for (index_t i = 0; i < in.numel(); ++i) d[i] += gp[i];
      },
      [](const Var<T, S2, D>& g, const Var<T, S, D>& in) { accumulate_graph(in, reshape_to(g, in.dims())); }, v);
}

// ensures: v converted to dtype T, recorded: its VJP converts the gradient back (to_dtype again, so every
// order is recorded). The create_graph pass joins the parts of a fused expression in other dtypes with it.
template <DType T, class U, class S, class D>
Var<T, S, D> to_dtype(const Var<U, S, D>& v) {
  Tensor<T, S, D> out(uninitialized, v.dims());
  const U* vp = v.value().data();
  for (index_t i = 0; i < out.numel(); ++i) out.data()[i] = static_cast<T>(vp[i]);
  return record_graph(
      "ToCopyBackward0", std::move(out),
      [](const auto& g, const auto&, const Var<U, S, D>& in) {
        if (!in.requires_grad()) return;
        bool fresh;
        U* d = grad_buffer(in, fresh).data();
        const T* gp = g.data();
        for (index_t i = 0; i < in.numel(); ++i) d[i] += static_cast<U>(gp[i]);
      },
      [](const Var<T, S, D>& g, const Var<U, S, D>& in) { accumulate_graph(in, to_dtype<U>(g)); }, v);
}

namespace graph {

template <class T, class D>
struct Val;

template <class Op, std::size_t N, class T, class D>
Var<T, detail::flat_shape, D> make_op(const std::array<Var<T, detail::flat_shape, D>, N>& x);

// One elementwise op over flat Vars of equal length, recorded by the create_graph pass (the values
// and derivatives it builds). Plain scalar loops: these nodes are few and small, and a node type per
// op (not per expression, and without the vectorized fused kernels) keeps the compile time down.
template <class Op, std::size_t N, class T, class D>
class OpNode final : public VarNode<T, detail::flat_shape, D> {
  using S = detail::flat_shape;
  using V = Var<T, S, D>;
  using VT = Val<T, D>;

 public:
  OpNode(Tensor<T, S, D> v, const std::array<V, N>& in) : VarNode<T, S, D>(std::move(v)), in_(in) {
    this->requires_grad = true;
    this->is_leaf = false;
    for (std::size_t k = 0; k < N; ++k) {
      versions_[k] = in[k].version();
      input_nodes_[k] = in[k].node();
    }
    this->set_inputs(input_nodes_.data(), N);
  }
  void destroy() noexcept override { this->~OpNode(); }
  const char* name() const noexcept override { return Op::name; }
  void propagate() override {
    check_versions();
    const auto& in = *in_;
    const T* g = this->incoming->data();
    const T* y = this->value.data();
    const index_t n = this->value.numel();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            if (!in[I].requires_grad()) return;
            if constexpr (fused::has_derivative<Op, I, T, N>) {
              bool fresh;
              T* d = grad_buffer(in[I], fresh).data();
              std::array<const T*, N> p{};
              for (std::size_t j = 0; j < N; ++j) p[j] = in[j].value().data();
              for (index_t i = 0; i < n; ++i)
                d[i] += g[i] * static_cast<T>(detail::op_d_elem<Op, I>(y[i], p, i, std::make_index_sequence<N>{}));
            } else {
              throw autograd_error(detail::graph_unsupported(Op::name));
            }
          }(),
          ...);
    }
    (std::make_index_sequence<N>{});
  }
  void propagate_graph() override {
    check_versions();
    const auto& in = *in_;
    const VT g(V(this->gin));
    const VT y(make_op<Op, N, T, D>(in));  // recomputed: `this` may be freed before the new graph is used
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (
          [&] {
            if (!in[I].requires_grad()) return;
            if constexpr (fused::has_derivative<Op, I, VT, N>) {
              std::array<VT, N> k;
              for (std::size_t j = 0; j < N; ++j) k[j] = VT(in[j]);
              accumulate_graph(in[I], (g * detail::op_d_at<Op, I>(y, k.data(), std::make_index_sequence<N>{})).full());
            } else {
              throw autograd_error(detail::graph_unsupported(Op::name));
            }
          }(),
          ...);
    }
    (std::make_index_sequence<N>{});
  }
  void release_saved() noexcept override {
    this->clear_inputs();
    in_.reset();
  }

 private:
  void check_versions() const { detail::check_versions(input_nodes_.data(), versions_.data(), N); }
  std::optional<std::array<V, N>> in_;
  std::array<Node*, N> input_nodes_{};  // kept alive by in_
  std::array<std::uint32_t, N> versions_{};
};

// requires: the x have one length. ensures: Op applied elementwise, recorded when an x requires grad.
template <class Op, std::size_t N, class T, class D>
Var<T, detail::flat_shape, D> make_op(const std::array<Var<T, detail::flat_shape, D>, N>& x) {
  using S = detail::flat_shape;
  const index_t n = x[0].numel();
  Tensor<T, S, D> out(uninitialized, Dims<S>(n));
  T* o = out.data();
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    const std::array<const T*, N> p{x[I].value().data()...};
    for (index_t i = 0; i < n; ++i) o[i] = static_cast<T>(Op::apply(p[I][i]...));
  }
  (std::make_index_sequence<N>{});
  bool track = false;
  if (is_grad_enabled())
    for (const auto& v : x) track |= v.requires_grad();
  if (track) return Var<T, S, D>(new_node<OpNode<Op, N, T, D>>(std::move(out), x));
  return Var<T, S, D>(std::move(out));
}

// A comparison of Vals: a bool per element (or one bool between constants). Never differentiated: it
// only selects between branches (dm::where).
template <class T, class D>
struct Mask {
  std::optional<Tensor<bool, detail::flat_shape, D>> m;  // empty: the constant c
  bool c = false;

  friend Mask operator&&(const Mask& a, const Mask& b) {
    if (!a.m && !b.m) return Mask{std::nullopt, a.c && b.c};
    Tensor<bool, detail::flat_shape, D> out(Val<T, D>::ext());
    bool* o = out.data();
    for (index_t i = 0; i < out.numel(); ++i) o[i] = (a.m ? a.m->data()[i] : a.c) && (b.m ? b.m->data()[i] : b.c);
    return Mask{std::move(out), false};
  }
};

// A value of the create_graph pass: a Var over the node's elements (flattened), or a constant.
// Arithmetic and the dm:: functions on it record Var operations (constants fold; a constant meeting a
// Var becomes a filled Var, so every recorded node is Map<Op, Var, ...> of one type per op), so an
// op's `d<I>` evaluated on Vals is a differentiable derivative.
template <class T, class D>
struct Val {
  using dm_recorded = T;  // dm:: functions call the dm_* members below (expr/dmath.hpp)
  using S = detail::flat_shape;
  using V = Var<T, S, D>;

  std::optional<V> v;  // empty: the constant c
  T c{};

  Val() = default;
  template <Arithmetic A>
  Val(A x) : c(static_cast<T>(x)) {}  // implicit: dm::k<V>(c) and V(1) in derivatives are constants
  explicit Val(V x) : v(std::move(x)) {}

  // The number of elements of the node whose derivative is being built (set by propagate_graph).
  static Dims<S>& ext() {
    thread_local Dims<S> e;
    return e;
  }
  // ensures: a Var (a constant becomes a filled tensor that does not require grad).
  V full() const {
    if (v) return *v;
    Tensor<T, S, D> t(uninitialized, ext());
    t.fill_(c);
    return V(std::move(t));
  }

  friend Val operator+(const Val& a, const Val& b) {
    if (!a.v && !b.v) return Val(T(a.c + b.c));
    if (!a.v && a.c == T(0)) return b;
    if (!b.v && b.c == T(0)) return a;
    return Val(make_op<op::Add, 2, T, D>({a.full(), b.full()}));
  }
  friend Val operator-(const Val& a, const Val& b) {
    if (!a.v && !b.v) return Val(T(a.c - b.c));
    if (!b.v && b.c == T(0)) return a;
    return Val(make_op<op::Sub, 2, T, D>({a.full(), b.full()}));
  }
  friend Val operator*(const Val& a, const Val& b) {
    if (!a.v && !b.v) return Val(T(a.c * b.c));
    if (!a.v && a.c == T(1)) return b;
    if (!b.v && b.c == T(1)) return a;
    return Val(make_op<op::Mul, 2, T, D>({a.full(), b.full()}));
  }
  friend Val operator/(const Val& a, const Val& b) {
    if (!a.v && !b.v) return Val(T(a.c / b.c));
    if (!b.v && b.c == T(1)) return a;
    return Val(make_op<op::Div, 2, T, D>({a.full(), b.full()}));
  }
  friend Val operator-(const Val& a) {
    if (!a.v) return Val(T(-a.c));
    return Val(make_op<op::Neg, 1, T, D>({*a.v}));
  }

  template <class F>
  static Mask<T, D> compare(const Val& a, const Val& b, F f) {
    if (!a.v && !b.v) return Mask<T, D>{std::nullopt, f(a.c, b.c)};
    Tensor<bool, S, D> out(ext());
    const T* ap = a.v ? a.v->value().data() : nullptr;
    const T* bp = b.v ? b.v->value().data() : nullptr;
    bool* o = out.data();
    for (index_t i = 0; i < out.numel(); ++i) o[i] = f(ap ? ap[i] : a.c, bp ? bp[i] : b.c);
    return Mask<T, D>{std::move(out), false};
  }
  friend Mask<T, D> operator>(const Val& a, const Val& b) {
    return compare(a, b, [](T x, T y) { return x > y; });
  }
  friend Mask<T, D> operator<(const Val& a, const Val& b) {
    return compare(a, b, [](T x, T y) { return x < y; });
  }
  friend Mask<T, D> operator>=(const Val& a, const Val& b) {
    return compare(a, b, [](T x, T y) { return x >= y; });
  }
  friend Mask<T, D> operator<=(const Val& a, const Val& b) {
    return compare(a, b, [](T x, T y) { return x <= y; });
  }
  friend Mask<T, D> operator==(const Val& a, const Val& b) {
    return compare(a, b, [](T x, T y) { return x == y; });
  }

#define CTORCH_GRAPH_UNARY(fn, Op)                \
  static Val dm_##fn(const Val& x) {              \
    if (!x.v) return Val(T(std::fn(x.c)));        \
    return Val(make_op<op::Op, 1, T, D>({*x.v})); \
  }
  CTORCH_GRAPH_UNARY(exp, Exp)
  CTORCH_GRAPH_UNARY(log, Log)
  CTORCH_GRAPH_UNARY(sqrt, Sqrt)
  CTORCH_GRAPH_UNARY(sin, Sin)
  CTORCH_GRAPH_UNARY(cos, Cos)
  CTORCH_GRAPH_UNARY(tanh, Tanh)
  CTORCH_GRAPH_UNARY(cosh, Cosh)
  CTORCH_GRAPH_UNARY(sinh, Sinh)
  CTORCH_GRAPH_UNARY(abs, Abs)
#undef CTORCH_GRAPH_UNARY

  static Val dm_pow(const Val& a, const Val& b) {
    if (!a.v && !b.v) return Val(T(std::pow(a.c, b.c)));
    return Val(make_op<op::Pow, 2, T, D>({a.full(), b.full()}));
  }
  static Val dm_where(const Mask<T, D>& m, const Val& a, const Val& b) {
    if (!m.m) return m.c ? a : b;
    if (!a.v && !b.v) {
      Tensor<T, S, D> out(uninitialized, ext());
      for (index_t i = 0; i < out.numel(); ++i) out.data()[i] = m.m->data()[i] ? a.c : b.c;
      return Val(V(std::move(out)));
    }
    Tensor<T, S, D> c(uninitialized, ext());  // the condition as 0 or 1, as op::Where's d reads it
    for (index_t i = 0; i < c.numel(); ++i) c.data()[i] = m.m->data()[i] ? T(1) : T(0);
    return Val(make_op<op::Where, 3, T, D>({V(std::move(c)), a.full(), b.full()}));
  }
};

// ---- the expression as a run-time tape -----------------------------------------------------------------
// The pass runs over a flat list of the expression's nodes built by a small compile-time walk; the
// work itself (recompute, derivatives, chain rule) is in functions of the op and dtype only, so a new
// expression type adds little code.
template <class E>
inline constexpr bool is_map_v = false;
template <class Op, class... A>
inline constexpr bool is_map_v<Map<Op, A...>> = true;
template <class E>
inline constexpr bool is_scalar_v = false;
template <class U>
inline constexpr bool is_scalar_v<Scalar<U>> = true;
template <class E>
inline constexpr std::size_t arity = 0;
template <class Op, class... A>
inline constexpr std::size_t arity<Map<Op, A...>> = sizeof...(A);

// A subexpression the gradient flows through: it reads a Var and has the node's (floating) dtype. One
// that reads a Var in another floating dtype gets a tape of its own (build); others (constants,
// comparisons, integers) enter the derivatives as constants.
template <class T, class A>
inline constexpr bool graphable = detail::var_count<A> > 0 && std::is_same_v<typename A::value_type, T>;

// What the tape knows of an op: its arity, how to recompute it on recorded Vars, and its derivatives.
template <class T, class D>
struct OpInfo {
  const char* name;
  typename Val<T, D>::V (*recompute)(const Val<T, D>* kids);
  Val<T, D> (*derivative)(std::size_t i, const Val<T, D>& y, const Val<T, D>* kids);
};

template <class Op, std::size_t N, class T, class D>
const OpInfo<T, D>& op_info() {
  using VT = Val<T, D>;
  static const OpInfo<T, D> info{Op::name,
                                 [](const VT* k) {
                                   // Every operand a flat Var (constants too): one recorded node type per op and arity.
                                   return [&]<std::size_t... I>(std::index_sequence<I...>) {
                                     return make_op<Op, N, T, D>({k[I].full()...});
                                   }
                                   (std::make_index_sequence<N>{});
                                 },
                                 [](std::size_t i, const VT& y, const VT* k) {
                                   VT r;
                                   [&]<std::size_t... I>(std::index_sequence<I...>) {
                                     (
                                         [&] {
                                           if (i != I) return;
                                           if constexpr (fused::has_derivative<Op, I, VT, N>) {
                                             r = detail::op_d_at<Op, I>(y, k, std::make_index_sequence<N>{});
                                           } else {
                                             throw autograd_error(detail::graph_unsupported(Op::name));
                                           }
                                         }(),
                                         ...);
                                   }
                                   (std::make_index_sequence<N>{});
                                   return r;
                                 }};
  return info;
}

template <class T, class D>
struct Tape {
  struct Node {
    const OpInfo<T, D>* op = nullptr;  // nullptr: a leaf or a constant
    std::size_t first = 0, n = 0;      // operands: kids[first, first + n)
    Val<T, D> y;
    bool graphable = false;                                                                    // a gradient flows here
    void (*put)(const void* leaf, const typename Val<T, D>::V& g, const void* out) = nullptr;  // a Var leaf
    const void* leaf = nullptr;
  };
  std::vector<Node> nodes;        // post-order: operands before their op, the root last
  std::vector<std::size_t> kids;  // operand node indices, per op node
  std::vector<Val<T, D>> scratch;
  std::vector<std::shared_ptr<const void>> subs;  // the tapes of subexpressions in other dtypes (build)
};

// The value of a constant subexpression over the elements, in T (it may read Vars: their values).
template <class T, class D, class SO, class E>
Val<T, D> constant(const E& e, const Dims<SO>& out) {
  using VT = Val<T, D>;
  if constexpr (is_scalar_v<E>) {
    return VT(static_cast<T>(e.value));
  } else {
    Tensor<T, SO, D> t(uninitialized, out);
    if constexpr (std::is_same_v<typename E::value_type, T>)
      assign(t.view(), e);
    else
      assign(t.view(), Map<op::Cast<T>, E>(e));
    Tensor<T, typename VT::S, D> flat(uninitialized, VT::ext());
    std::copy_n(t.data(), t.numel(), flat.data());
    return VT(typename VT::V(std::move(flat)));
  }
}

// A Var leaf's contribution: the flat gradient reshaped to the output, summed to the leaf's extents.
template <class L, class SO, class T, class D>
void put_leaf(const void* leaf, const typename Val<T, D>::V& g, const void* out) {
  const L& v = *static_cast<const L*>(leaf);
  const auto go = reshape_to(g, *static_cast<const Dims<SO>*>(out));
  if constexpr (std::is_same_v<typename L::shape_type, SO> && SO::is_static)
    accumulate_graph(v, go);
  else
    accumulate_graph(v, sum_to(go, v.dims()));
}

template <class T, class D>
void run(const Tape<T, D>& tp, Val<T, D> g_root, const void* out);

// The gradient reaching a subexpression of dtype U (build): cast to U and sent through its tape.
template <class U, class T, class D>
void run_sub(const void* sub, const typename Val<T, D>::V& g, const void* out) {
  run(*static_cast<const Tape<U, D>*>(sub), Val<U, D>(to_dtype<U>(g)), out);
}

// Appends e (post-order) and returns its node index.
template <class T, class D, class SO, class E>
std::size_t build(Tape<T, D>& tp, const E& e, const Dims<SO>& out) {
  using VT = Val<T, D>;
  using N = typename Tape<T, D>::Node;
  if constexpr (is_var_v<E> && graphable<T, E>) {
    N n;
    if constexpr (std::is_same_v<typename E::shape_type, SO> && SO::is_static)
      n.y = VT(reshape_to(e, VT::ext()));  // nothing to broadcast (and no broadcast node type to compile)
    else
      n.y = VT(reshape_to(bcast_to(e, out), VT::ext()));
    n.graphable = true;
    if (e.requires_grad()) {
      n.put = &put_leaf<E, SO, T, D>;
      n.leaf = &e;
    }
    tp.nodes.push_back(std::move(n));
  } else if constexpr (is_map_v<E> && graphable<T, E>) {
    constexpr std::size_t K = arity<E>;
    std::array<std::size_t, K> idx{};
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((idx[I] = build(tp, e.template arg<I>(), out)), ...);
    }
    (std::make_index_sequence<K>{});
    N n;
    n.op = &op_info<typename E::op_type, K, T, D>();
    n.first = tp.kids.size();
    n.n = K;
    n.graphable = true;
    tp.kids.insert(tp.kids.end(), idx.begin(), idx.end());
    // Recomputed as a recorded Var so that a derivative using y (tanh's 1 - y^2) is differentiable.
    tp.scratch.clear();
    for (std::size_t k : idx) tp.scratch.push_back(tp.nodes[k].y);
    n.y = VT(n.op->recompute(tp.scratch.data()));
    tp.nodes.push_back(std::move(n));
  } else if constexpr (detail::var_count<E> > 0 && std::is_floating_point_v<typename E::value_type>) {
    // A subexpression of another floating dtype U (cast<double>(x) of a float x, or x in x_float * y_double):
    // a tape of its own in U, its value cast to T and the arriving gradient cast back, both recorded
    // (to_dtype); the sub-tape sends its gradients to its Var leaves as this one does.
    using U = typename E::value_type;
    Val<U, D>::ext() = VT::ext();
    auto sub = std::make_shared<Tape<U, D>>();
    build(*sub, e, out);
    N n;
    n.y = VT(to_dtype<T>(sub->nodes.back().y.full()));
    n.graphable = true;
    n.put = &run_sub<U, T, D>;
    n.leaf = sub.get();
    tp.subs.push_back(std::move(sub));
    tp.nodes.push_back(std::move(n));
  } else {
    N n;
    n.y = constant<T, D>(e, out);
    tp.nodes.push_back(std::move(n));
  }
  return tp.nodes.size() - 1;
}

// The chain rule over the tape, root first: each op node sends g * d<i> to its graphable operands.
// (grads grows by emplace_back: a sized vector inlines operator new and delete here, and g++ 12 then
// warns -Wmismatched-new-delete in a program that replaces them with malloc/free, as the zero-alloc
// test does.)
template <class T, class D>
void run(const Tape<T, D>& tp, Val<T, D> g_root, const void* out) {
  using VT = Val<T, D>;
  std::vector<std::optional<VT>> grads;
  for (std::size_t j = 0; j < tp.nodes.size(); ++j) grads.emplace_back();
  grads.back() = std::move(g_root);
  std::vector<VT> args;
  for (std::size_t j = tp.nodes.size(); j-- > 0;) {
    if (!grads[j]) continue;
    const auto& n = tp.nodes[j];
    const VT g = std::move(*grads[j]);
    grads[j].reset();
    if (!n.op) {
      if (n.put) n.put(n.leaf, g.full(), out);
      continue;
    }
    args.clear();
    for (std::size_t k = 0; k < n.n; ++k) args.push_back(tp.nodes[tp.kids[n.first + k]].y);
    for (std::size_t k = 0; k < n.n; ++k) {
      const std::size_t c = tp.kids[n.first + k];
      if (!tp.nodes[c].graphable) continue;
      grads[c] = g * n.op->derivative(k, n.y, args.data());
    }
  }
}

}  // namespace graph

// The fused node's create_graph VJP: the values of the expression are recomputed as recorded Vars,
// the ops' derivatives evaluated on them (graph::Val), and the gradient sent top-down.
template <DType T, ShapeType S, Device D, class E>
void FusedNode<T, S, D, E>::propagate_graph() {
  if constexpr (!std::is_floating_point_v<T>) {
    VarNode<T, S, D>::propagate_graph();
  } else {
    detail::check_versions(inputs_.data(), versions_.data(), N);
    using VT = graph::Val<T, D>;
    VT::ext() = Dims<detail::flat_shape>(this->value.numel());
    const Dims<S> out = this->value.dims();
    graph::Tape<T, D> tp;
    graph::build(tp, *expr_, out);
    const Var<T, S, D> g(this->gin);
    graph::run(tp, VT(reshape_to(g, VT::ext())), &out);
  }
}

}  // namespace ctorch::autograd
