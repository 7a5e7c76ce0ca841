// ctorch/autograd/node.hpp: the tape. One Node per Var; the engine that runs backward over them.
//
// A Node is a materialization point: a leaf (a parameter, an input) or the result of an op whose
// backward knows how to turn the gradient arriving at this node into gradients of its inputs. Nodes
// are reference counted (by Var handles and by the nodes that consume them) and allocated from the
// caching allocator, so a steady-state step allocates nothing. Creation order is a topological order
// (an input always exists before its consumer), so backward runs the reachable nodes newest first.
// A Var and its graph belong to one thread at a time: counts are not atomic, which keeps a small op
// at a few nanoseconds. Share Tensors across threads, not Vars.
#pragma once
#include <algorithm>
#include <cstdint>
#include <functional>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../core/allocator.hpp"
#include "../core/error.hpp"
#include "../core/maybe.hpp"
#include "../core/tensor.hpp"
#include "grad_mode.hpp"

namespace ctorch::autograd {

class Node;

namespace detail {
inline std::uint64_t next_seq() noexcept {
  thread_local std::uint64_t seq = 0;
  return ++seq;
}

// The create_graph pass's refusal, for an op (or an op at a point) without a create_graph VJP.
inline std::string graph_unsupported(const std::string& what) {
  return "ctorch: backward: create_graph is not supported through " + what + " yet";
}
}  // namespace detail

// What a backward pass is doing: backward() accumulates into leaves' .grad; grad() only captures.
// create_graph: the gradients are themselves Vars, built with recorded operations (propagate_graph),
// so they can be differentiated again (second derivatives, gradient penalties).
struct BackwardMode {
  bool retain_graph = false;
  bool accumulate = true;
  bool create_graph = false;
  bool accumulate_graph = false;  // backward(create_graph): .grad keeps the gradient's graph (VarNode::grad_graph)
};

template <DType T, ShapeType S, Device D>
class VarNode;
#if CTORCH_CREATE_GRAPH
template <DType T, ShapeType S, Device D>
void accumulate_grad_graph(VarNode<T, S, D>& n);  // graph.hpp
#endif

class Node {
 public:
  Node() noexcept : seq_(detail::next_seq()) {}
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  void retain() noexcept { ++refs_; }
  void release() noexcept {
    if (--refs_ == 0) {
      const std::size_t size = alloc_size_;
      destroy();
      ctorch::detail::pool_deallocate(this, size);
    }
  }

  // Runs the most-derived class's destructor; every concrete node class overrides it (new_node checks).
  // Not a virtual destructor: that would also compile a deleting destructor per node type, i.e. per
  // shape and per op, which nothing calls (nodes go back to the caching allocator, never to delete).
  virtual void destroy() noexcept = 0;

  // The name PyTorch shows as grad_fn (AddBackward0 ...); leaves have none.
  virtual const char* name() const noexcept { return nullptr; }
  // The input nodes this node's backward sends gradient to (a node may appear more than once); none
  // after release_saved. Kept by the derived node (set_inputs), so the engine walks the graph without
  // a virtual call or a callback per edge.
  Node* const* inputs() const noexcept { return inputs_; }
  std::size_t input_count() const noexcept { return input_count_; }
  // Turns the gradient that arrived here into contributions to the inputs' incoming gradients.
  virtual void propagate() {}
  // The create_graph form of propagate: the arriving gradient is a Var (VarNode::gin) and the
  // contributions are recorded Var operations, so the result is differentiable. An op without it
  // refuses rather than return a gradient that silently has no graph.
  virtual void propagate_graph() {
    const char* n = name();
    throw autograd_error(detail::graph_unsupported(n ? n : "this node"));
  }
  virtual bool has_incoming_graph() const noexcept = 0;
  bool has_hooks() const noexcept { return !hooks.empty(); }
  virtual void finish_graph(const BackwardMode& mode) = 0;
  // Drops saved values and input edges (backward without retain_graph).
  virtual void release_saved() noexcept {}
  virtual bool has_incoming() const noexcept = 0;
  // A gradient that arrived as one value for every element (the VJP of a full sum or mean) is kept as that
  // value until a consumer needs the tensor (VarNode::settle makes the tensor). A node whose propagate
  // reads the value itself (the fused VJP) sets reads_uniform and is not settled before it.
  // Before propagate: settles the incoming gradient unless this node's propagate reads it as a value, then
  // runs the tensor hooks.
  virtual void prepare_incoming() = 0;
  // After propagate: leaves accumulate into .grad, captured nodes keep the gradient, others drop it.
  virtual void finish(const BackwardMode& mode) = 0;
  virtual void drop_incoming() noexcept = 0;
  // One node's part of a backward pass (not create_graph): if a gradient arrived, prepare it, propagate it
  // to the inputs (releasing the saved values unless mode.retain_graph), and finish. One virtual call per
  // node instead of one per step.
  virtual void backward_step(const BackwardMode& mode) = 0;

  // Tensor hooks (Var::register_hook), each called with the address of the arriving gradient (the
  // node's tensor type). Kept here, type-erased, rather than as a vector of std::function over the
  // tensor type in VarNode: that vector instantiated about 50 functions per shape.
  std::vector<std::function<void(void*)>> hooks;

  bool requires_grad = false;
  bool is_leaf = true;
  bool retains_grad = false;
  bool captures = false;       // an input of autograd::grad(): its gradient is kept, not accumulated
  bool reads_uniform = false;  // propagate() reads a uniform incoming gradient as a value (VarNode::settle)
  bool freed = false;          // saved values released by an earlier backward
  std::uint32_t version = 0;
  std::uint64_t seq() const noexcept { return seq_; }
  std::uint64_t visit = 0;

 protected:
  ~Node() = default;
  // requires: in[0 .. n) stay valid until clear_inputs() (the derived node owns the array).
  void set_inputs(Node* const* in, std::size_t n) noexcept {
    inputs_ = in;
    input_count_ = n;
  }
  void clear_inputs() noexcept { input_count_ = 0; }

 private:
  template <class N, class... A>
  friend N* new_node(A&&... a);
  std::uint64_t seq_;
  std::uint32_t refs_ = 0;
  std::size_t alloc_size_ = 0;
  Node* const* inputs_ = nullptr;
  std::size_t input_count_ = 0;
};

// Allocates a node from the caching allocator; the first handle retains it.
template <class N, class... A>
N* new_node(A&&... a) {
  static_assert(std::is_same_v<decltype(&N::destroy), void (N::*)() noexcept>,
                "ctorch: a node class must override destroy() (release() runs it instead of a virtual destructor)");
  void* p = ctorch::detail::pool_allocate(sizeof(N));
  N* n;
  try {
    n = ::new (p) N(std::forward<A>(a)...);
  } catch (...) {
    ctorch::detail::pool_deallocate(p, sizeof(N));
    throw;
  }
  n->alloc_size_ = sizeof(N);
  return n;
}

namespace detail {
// dst[i] += src[i] for i < n: accumulation into .grad, one instance per dtype (not per shape; not
// inlined into every shape's VarNode::finish).
template <class T>
[[gnu::noinline]] void add_into(T* dst, const T* src, index_t n) noexcept {
  for (index_t i = 0; i < n; ++i) dst[i] += src[i];
}
}  // namespace detail

// A node that holds a value of a static type: the tensor, its .grad, and the gradient arriving during
// backward ("incoming"). Op nodes derive from it and override propagate().
template <DType T, ShapeType S, Device D>
class VarNode : public Node {
 public:
  using tensor_type = Tensor<T, S, D>;
  explicit VarNode(tensor_type v) noexcept : value(std::move(v)) {}
  void destroy() noexcept override { this->~VarNode(); }

  tensor_type value;
  maybe<tensor_type> grad;      // .grad: leaves, and non-leaves that retain_grad()
  maybe<tensor_type> incoming;  // the gradient summed so far in this backward pass
  maybe<tensor_type> captured;  // the result of autograd::grad() for this node
  // create_graph pass: the gradient summed so far, a node of the new graph (a Var's node, retained),
  // and the result of autograd::grad(..., {.create_graph = true}) for this node.
  VarNode* gin = nullptr;
  VarNode* captured_graph = nullptr;
  // .grad after backward with create_graph: a node of the gradient's graph (retained), whose value `grad`
  // holds. As in PyTorch, that graph may reference this node (a cycle): zero_grad() breaks it.
  VarNode* grad_graph = nullptr;

  // The incoming gradient when it is one value for every element (see settle); never set together
  // with `incoming`.
  maybe<T> uniform_incoming;

  // The buffer contributions are added into (zero-filled on first use).
  tensor_type& incoming_buffer() {
    settle();
    if (!incoming) incoming.emplace(value.dims());
    return *incoming;
  }

  bool has_incoming() const noexcept override { return incoming.has_value() || uniform_incoming.has_value(); }
  // The check inline, the fill out of line: every backward pass runs the check on every node.
  void settle() {
    if (uniform_incoming) settle_uniform();
  }
  [[gnu::noinline]] void settle_uniform() {
    incoming.emplace(uninitialized, value.dims());
    incoming->fill_(*uniform_incoming);
    uniform_incoming.reset();
  }
  void prepare_incoming() override {
    if (uniform_incoming && (is_leaf || !reads_uniform || !hooks.empty())) settle_uniform();
    for (auto& h : hooks) h(&*incoming);
  }
  void finish(const BackwardMode& mode) override {
    if (captures) {
      settle();
      captured = std::move(incoming);
    } else if (is_leaf ? mode.accumulate : retains_grad) {
      settle();
#if CTORCH_CREATE_GRAPH
      if (grad_graph) {  // a .grad with a graph (an earlier backward with create_graph) stays one, as in PyTorch
        gin = new_node<VarNode>(std::move(*incoming));
        gin->retain();
        accumulate_grad_graph(*this);
        grad.emplace(grad_graph->value);
        std::exchange(gin, nullptr)->release();
        incoming.reset();
        return;
      }
#endif
      if (!grad)
        grad = std::move(incoming);
      else
        detail::add_into(grad->data(), incoming->data(), grad->numel());
    }
    incoming.reset();
    uniform_incoming.reset();
  }
  void drop_incoming() noexcept override {
    incoming.reset();
    uniform_incoming.reset();
    if (gin) std::exchange(gin, nullptr)->release();
  }
  void backward_step(const BackwardMode& mode) override;

  bool has_incoming_graph() const noexcept override {
    return gin != nullptr;
  }
#if CTORCH_CREATE_GRAPH
  // As finish, with the gradient a Var: captured nodes keep it (with its graph); a .grad (a Tensor)
  // receives its value.
  void finish_graph(const BackwardMode& mode) override {
    if (captures) {
      if (captured_graph) captured_graph->release();
      captured_graph = std::exchange(gin, nullptr);
      return;
    }
    if (is_leaf ? mode.accumulate : retains_grad) {
      if (mode.accumulate_graph) {
        accumulate_grad_graph(*this);  // graph.hpp
        grad.emplace(grad_graph->value);
      } else if (!grad) {
        grad.emplace(gin->value);
      } else {
        detail::add_into(grad->data(), gin->value.data(), grad->numel());
      }
    }
    std::exchange(gin, nullptr)->release();
  }
#else
  // Never reached: autograd::grad refuses create_graph when it is compiled out (core/config.hpp).
  void finish_graph(const BackwardMode&) override {}
#endif

 protected:
  // Derived nodes' destructors run it; a leaf's runs through destroy().
  ~VarNode() {
    if (gin) gin->release();
    if (captured_graph) captured_graph->release();
    if (grad_graph) grad_graph->release();
  }
};

namespace detail {

struct EngineState {
  std::vector<Node*> order;
  std::vector<Node*> stack;
  std::uint64_t epoch = 0;
};
inline EngineState& engine_state() {
  thread_local EngineState s;
  return s;
}

inline const char* freed_message() {
  return "ctorch: backward: Trying to backward through the graph a second time (or directly access saved tensors "
         "after they have already been freed). Saved intermediate values of the graph are freed when you call "
         "backward() or autograd::grad(). Pass retain_graph = true if you need to backward through the graph a "
         "second time.";
}

// Newest (highest seq) first. Most graphs a backward pass walks are small: an insertion sort runs
// inline there, std::sort beyond.
inline void sort_newest_first(std::vector<Node*>& order) {
  const auto newer = [](Node* a, Node* b) { return a->seq() > b->seq(); };
  if (order.size() > 32) {
    std::sort(order.begin(), order.end(), newer);
    return;
  }
  for (std::size_t i = 1; i < order.size(); ++i) {
    Node* n = order[i];
    std::size_t j = i;
    for (; j > 0 && newer(n, order[j - 1]); --j) order[j] = order[j - 1];
    order[j] = n;
  }
}

}  // namespace detail

// Runs backward from `root`, whose incoming gradient is already set. Every node reachable through
// inputs that require grad is visited once, newest first.
inline void run_backward(Node* root, const BackwardMode& mode) {
  auto& st = detail::engine_state();
  if (!st.order.empty()) {
    root->drop_incoming();
    throw autograd_error(
        "ctorch: backward: called from inside a backward pass (a hook or a custom backward); this is not supported");
  }
  const std::uint64_t epoch = ++st.epoch;
  st.stack.clear();
  st.stack.push_back(root);
  root->visit = epoch;
  root->retain();
  while (!st.stack.empty()) {
    Node* n = st.stack.back();
    st.stack.pop_back();
    st.order.push_back(n);
    Node* const* in = n->inputs();
    for (std::size_t k = 0, m = n->input_count(); k < m; ++k) {
      Node* i = in[k];
      if (i->requires_grad && i->visit != epoch) {
        i->visit = epoch;
        i->retain();  // a released edge must not free a node we still have to visit
        st.stack.push_back(i);
      }
    }
  }
  detail::sort_newest_first(st.order);
  struct Cleanup {
    std::vector<Node*>& order;
    bool finished = false;  // every node's finish ran: no incoming gradient is left to drop
    ~Cleanup() {
      if (!finished)
        for (Node* n : order) n->drop_incoming();
      // Release after the loop: releasing may free nodes further down the list.
      std::vector<Node*> tmp;
      tmp.swap(order);
      for (Node* n : tmp) n->release();
      tmp.clear();
      order.swap(tmp);  // keep the capacity for the next pass
    }
  } cleanup{st.order};
  if (mode.create_graph) {
    // The gradients are built with recorded operations, whatever the caller's grad mode.
    set_grad_enabled on(true);
    for (Node* n : st.order) {
      if (!n->has_incoming_graph()) continue;
      if (n->has_hooks())
        throw autograd_error("ctorch: backward: tensor hooks are not supported with create_graph yet");
      if (!n->is_leaf) {
        if (n->freed) throw autograd_error(detail::freed_message());
        n->propagate_graph();
        if (!mode.retain_graph) {
          n->release_saved();
          n->freed = true;
        }
      }
      n->finish_graph(mode);
    }
    return;
  }
  for (Node* n : st.order) n->backward_step(mode);
  cleanup.finished = true;
}

// (The VarNode calls are qualified: no virtual dispatch for what VarNode itself implements.)
template <DType T, ShapeType S, Device D>
void VarNode<T, S, D>::backward_step(const BackwardMode& mode) {
  if (!VarNode::has_incoming()) return;
  VarNode::prepare_incoming();
  if (!is_leaf) {
    if (freed) throw autograd_error(detail::freed_message());
    propagate();
    if (!mode.retain_graph) {
      release_saved();
      freed = true;
    }
  }
  VarNode::finish(mode);
}

}  // namespace ctorch::autograd
