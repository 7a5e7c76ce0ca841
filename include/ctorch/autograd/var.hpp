// ctorch/autograd/var.hpp: Var<T, Shape, Device>, a tensor that records the operations on it.
//
// A Var is a handle (copies share the value, like torch.Tensor references) to a node of the tape. It is
// an Expression, so `tanh(a * x + b)` over Vars builds the same lazy Map as over tensors; materializing
// it into a Var (`Var y = tanh(a * x + b);`) evaluates it in one fused pass and records one node whose
// backward gives the gradients of all its leaves in one fused pass (autograd/fused.hpp). Products,
// reductions and views are materialization points with their own nodes (their VJPs sit in their op
// headers). Inference code uses Tensor and pays nothing for any of this.
#pragma once
#include <optional>
#include <ostream>
#include <sstream>
#include <type_traits>
#include <utility>

#include "../core/print.hpp"
#include "../eval/assign.hpp"
#include "../eval/cpu/executor.hpp"
#include "../eval/cpu/packet.hpp"
#include "../expr/leaf.hpp"
#include "../expr/map.hpp"
#include "node.hpp"

namespace ctorch {

template <DType T, ShapeType S, Device D = Cpu>
class Var;

template <class T>
inline constexpr bool is_var_v = false;
template <class T, class S, class D>
inline constexpr bool is_var_v<Var<T, S, D>> = true;

namespace autograd {
// The options of torch's Tensor.backward: retain_graph defaults to create_graph, as in PyTorch.
struct BackwardOptions {
  std::optional<bool> retain_graph = std::nullopt;
  bool create_graph = false;
};
}  // namespace autograd

namespace autograd::detail {
template <class E>
inline constexpr bool has_var = is_var_v<E>;
template <class Op, class... A>
inline constexpr bool has_var<Map<Op, A...>> = (has_var<A> || ...);

template <class E>
inline constexpr std::size_t var_count = is_var_v<E> ? 1 : 0;
template <class Op, class... A>
inline constexpr std::size_t var_count<Map<Op, A...>> = (std::size_t(0) + ... + var_count<A>);

// Calls f(node) for every Var leaf of an expression, in depth-first order (the order the fused backward
// numbers them).
template <class E, class F>
void for_each_var(const E& e, F&& f);
template <class Op, class... A, class F>
void for_each_var(const Map<Op, A...>& e, F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (for_each_var(e.template arg<I>(), f), ...);
  }
  (std::index_sequence_for<A...>{});
}
template <class E, class F>
void for_each_var(const E& e, F&& f) {
  if constexpr (is_var_v<E>) f(e.node());
}
// The node of a Var built from expression e: a FusedNode when e reads a Var that requires grad and
// grad mode is on, a leaf otherwise (fused.hpp).
template <class T, class S, class D, class E>
VarNode<T, S, D>* evaluate_node(const E& e);
}  // namespace autograd::detail

// An expression a Var<...> V can be built from by evaluation: not V itself, not a Tensor (those are leaves).
template <class E, class V>
concept VarSource = Expression<E> && !std::is_same_v<std::remove_cvref_t<E>, V> && !is_tensor_v<std::remove_cvref_t<E>>;

// An expression whose value depends on at least one Var: operations on it are recorded.
template <class E>
concept Tracked = Expression<E> && autograd::detail::has_var<std::remove_cvref_t<E>>;

// A Var leaf inside an evaluator: reads like a tensor leaf; the fused backward finds Vars by this type.
template <class T, std::size_t R>
struct VarLeafEval : LeafEval<T, R> {};

namespace cpu {
template <class T, std::size_t R>
inline constexpr bool vectorizable<VarLeafEval<T, R>> = has_batch<T>;
}

template <DType T, ShapeType S, Device D>
class Var : public expr_base, public VarMethods<Var<T, S, D>> {
 public:
  using value_type = T;
  using shape_type = S;
  using device_type = D;
  using tensor_type = Tensor<T, S, D>;
  using node_type = autograd::VarNode<T, S, D>;
  static constexpr std::size_t rank = S::rank;

  // A zero-filled leaf that does not require grad (static shapes).
  Var() requires(S::is_static) : Var(tensor_type{}, false) {}

  // ensures: a leaf holding `value`; it accumulates a .grad in backward when requires_grad.
  // requires: requires_grad only for float and double (value_error otherwise, as PyTorch).
  explicit Var(tensor_type value, bool requires_grad = false) : n_(autograd::new_node<node_type>(std::move(value))) {
    n_->retain();
    if (requires_grad) requires_grad_(true);
  }

  // Evaluates e in one fused pass. When e reads a Var that requires grad and grad mode is on, the
  // result records one node whose backward is the fused VJP of e.
  template <VarSource<Var> E>
  Var(const E& e) : n_(autograd::detail::evaluate_node<T, S, D>(e)) {
    n_->retain();
  }

  // Wraps a node (the result of an op); takes one reference.
  explicit Var(node_type* n) noexcept : n_(n) {
    if (n_) n_->retain();
  }

  Var(const Var& o) noexcept : n_(o.n_) {
    if (n_) n_->retain();
  }
  Var(Var&& o) noexcept : n_(std::exchange(o.n_, nullptr)) {}
  Var& operator=(const Var& o) noexcept {
    Var(o).swap(*this);
    return *this;
  }
  Var& operator=(Var&& o) noexcept {
    Var(std::move(o)).swap(*this);
    return *this;
  }
  ~Var() {
    if (n_) n_->release();
  }
  void swap(Var& o) noexcept { std::swap(n_, o.n_); }

  // --- the value ---------------------------------------------------------------------------------
  const tensor_type& value() const noexcept { return n_->value; }
  // The value detached from the graph (torch's .detach()): a Tensor is a constant to autograd.
  const tensor_type& detach() const noexcept { return n_->value; }
  // Mutable access to the value for updates outside the graph (optimizers, init; torch's .data).
  // ensures: the version counter moves, so a backward that saved the old value throws.
  tensor_type& data_() noexcept {
    ++n_->version;
    return n_->value;
  }
  Dims<S> dims() const noexcept { return n_->value.dims(); }
  auto sizes() const { return n_->value.sizes(); }
  index_t size(int d) const { return n_->value.size(d); }
  index_t numel() const { return n_->value.numel(); }
  static constexpr std::size_t dim() noexcept { return rank; }
  T item() const { return n_->value.item(); }
  std::vector<T> tolist() const { return n_->value.tolist(); }
  std::uint32_t version() const noexcept { return n_->version; }

  // --- autograd state ----------------------------------------------------------------------------
  bool requires_grad() const noexcept { return n_->requires_grad; }
  bool is_leaf() const noexcept { return n_->is_leaf; }
  // requires: a leaf (torch raises the same), a floating dtype. ensures: backward fills .grad.
  Var& requires_grad_(bool on = true) {
    if (!n_->is_leaf)
      throw autograd_error(
          "ctorch: requires_grad_: you can only change requires_grad flags of leaf variables (use detach() to get a "
          "constant from a non-leaf)");
    if (on && !std::is_floating_point_v<T>)
      throw value_error(std::string("ctorch: requires_grad_: only Tensors of floating point dtype can require "
                                    "gradients, got ") +
                        std::string(dtype_name<T>()));
    n_->requires_grad = on;
    return *this;
  }
  // ensures: a non-leaf keeps its .grad after backward (torch's retain_grad()).
  void retain_grad() noexcept {
    if (!n_->is_leaf) n_->retains_grad = true;
  }
  bool has_grad() const noexcept { return n_->grad.has_value(); }
  // requires: has_grad() (throws autograd_error naming the cause otherwise).
  const tensor_type& grad() const {
    if (!n_->grad)
      throw autograd_error(
          "ctorch: grad: this Var has no gradient (backward() has not reached it, it does not require grad, or it "
          "is a non-leaf without retain_grad())");
    return *n_->grad;
  }
  // Mutable .grad for optimizers and clipping; nullptr when there is none.
  tensor_type* grad_ptr() noexcept { return n_->grad ? &*n_->grad : nullptr; }
  // ensures: no .grad (set_to_none, PyTorch's default) or a zero-filled one, without a graph either way.
  void zero_grad(bool set_to_none = true) {
    if (n_->grad_graph) std::exchange(n_->grad_graph, nullptr)->release();
    if (set_to_none)
      n_->grad.reset();
    else if (n_->grad)
      n_->grad->zero_();
  }
  // requires: has_grad(). ensures: .grad as a Var: after backward({.create_graph = true}) it carries the
  // gradient's graph and can be differentiated again; otherwise a constant. (Changes made through
  // grad_ptr() do not reach the graph's value.)
  Var grad_var() const {
    if (n_->grad_graph) return Var(n_->grad_graph);
    return Var(grad());
  }
  // The name of the op that made this Var (AddBackward-like), or nullptr for a leaf.
  const char* grad_fn() const noexcept { return n_->name(); }

  // requires: requires_grad(). ensures: during backward, hook(g) sees this Var's gradient before it is
  // used; a hook returning a tensor replaces it (torch's register_hook).
  template <class F>
  void register_hook(F hook) {
    if (!n_->requires_grad)
      throw autograd_error("ctorch: register_hook: cannot register a hook on a Var that doesn't require gradient");
    n_->hooks.emplace_back([h = std::move(hook)](void* gp) {
      tensor_type& g = *static_cast<tensor_type*>(gp);
      if constexpr (std::is_void_v<std::invoke_result_t<F&, const tensor_type&>>) {
        h(std::as_const(g));
      } else {
        tensor_type r = h(std::as_const(g));
        g = std::move(r);
      }
    });
  }

  // requires: a single-element Var (autograd_error otherwise, as PyTorch: "grad can be implicitly
  // created only for scalar outputs"). ensures: gradients of this Var accumulate into every leaf's .grad.
  void backward(bool retain_graph = false) const { backward(implicit_gradient(), retain_graph); }
  // requires: gradient has this Var's shape. ensures: vector-Jacobian products accumulate into leaves.
  void backward(tensor_type gradient, bool retain_graph = false) const {
    start(std::move(gradient));
    autograd::run_backward(n_, autograd::BackwardMode{retain_graph, true});
  }
  // torch's backward(gradient, retain_graph, create_graph). requires: as above; create_graph needs
  // CTORCH_CREATE_GRAPH=1 (autograd_error otherwise). ensures: as above; with create_graph the leaves'
  // .grad carry their graph (grad_var()), differentiable again. As in PyTorch, such a .grad can hold
  // its own leaf (a reference cycle): zero_grad() releases it.
  void backward(const autograd::BackwardOptions& opt) const { backward(implicit_gradient(), opt); }
  void backward(tensor_type gradient, const autograd::BackwardOptions& opt) const {
    const bool retain = opt.retain_graph.value_or(opt.create_graph);
    if (!opt.create_graph) return backward(std::move(gradient), retain);
#if CTORCH_CREATE_GRAPH
    start(std::move(gradient));
    n_->gin = autograd::new_node<node_type>(std::move(*n_->incoming));
    n_->gin->retain();
    n_->incoming.reset();
    autograd::run_backward(n_, autograd::BackwardMode{retain, true, true, true});
#else
    throw autograd_error(
        "ctorch: backward: create_graph is compiled out: define CTORCH_CREATE_GRAPH=1 for every translation unit "
        "(CMake: -DCTORCH_CREATE_GRAPH=ON), see ctorch/core/config.hpp");
#endif
  }

  // --- in place, outside the graph ---------------------------------------------------------------
  // requires: grad mode off or a Var that does not require grad (PyTorch raises for a leaf that requires
  // grad; ctorch records no in-place op, so it raises for any Var that requires grad).
  template <class E>
  Var& copy_(const E& e) {
    check_inplace("copy_");
    assign(data_().view(), e);
    return *this;
  }
  Var& fill_(T v) {
    check_inplace("fill_");
    data_().fill_(v);
    return *this;
  }
  Var& zero_() {
    return fill_(T(0));
  }

  node_type* node() const noexcept {
    return n_;
  }

  void start(tensor_type gradient) const {
    if (!n_->requires_grad)
      throw autograd_error("ctorch: backward: element 0 of tensors does not require grad and does not have a grad_fn");
    if (gradient.dims() != n_->value.dims())
      throw shape_error("ctorch: backward: the gradient has shape " + shape_string(gradient.sizes()) +
                        " but the output has shape " + shape_string(n_->value.sizes()));
    if (!n_->is_leaf && n_->freed) throw autograd_error(autograd::detail::freed_message());
    n_->incoming = std::move(gradient);
  }

 private:
  // The gradient backward() starts from without one: a 1 (a scalar output only).
  tensor_type implicit_gradient() const {
    if (numel() != 1)
      throw autograd_error("ctorch: backward: grad can be implicitly created only for scalar outputs (this Var has " +
                           std::to_string(numel()) + " elements; pass a gradient)");
    tensor_type g(n_->value.dims());
    g.fill_(T(1));
    return g;
  }
  void check_inplace(const char* op) const {
    if (n_->requires_grad && is_grad_enabled())
      throw autograd_error(std::string("ctorch: ") + op +
                           ": a Var that requires grad is being used in an in-place operation (wrap the update in "
                           "ctorch::no_grad)");
  }
  node_type* n_ = nullptr;
};

template <Expression E>
Var(const E&) -> Var<typename E::value_type, typename E::shape_type,
                     std::conditional_t<std::is_void_v<typename E::device_type>, Cpu, typename E::device_type>>;
template <class T, class S, class D>
Var(Tensor<T, S, D>, bool = false) -> Var<T, S, D>;

template <std::size_t R, class T, class S, class D>
VarLeafEval<T, R> make_evaluator(const Var<T, S, D>& v, const std::array<index_t, R>& out) {
  return VarLeafEval<T, R>{make_evaluator<R>(v.value().view(), out)};
}

// Prints like torch: the values, then requires_grad=True or grad_fn=<...>.
template <class T, class S, class D>
std::ostream& operator<<(std::ostream& os, const Var<T, S, D>& v) {
  std::ostringstream body;
  body << v.value();
  std::string s = body.str();
  if (v.requires_grad() && !s.empty() && s.back() == ')') {
    s.pop_back();
    if (v.is_leaf())
      s += ", requires_grad=True)";
    else
      s += std::string(", grad_fn=<") + v.grad_fn() + ">)";
  }
  return os << s;
}

}  // namespace ctorch

#include "fused.hpp"
