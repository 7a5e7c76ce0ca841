// ctorch/ops/sorting/clone.hpp: clone (torch.clone): a new Tensor holding x's values (a deep copy; a lazy
// expression is evaluated). Shape, dtype and device: x's. Gradient: the identity.
#pragma once
#include "common.hpp"

namespace ctorch {

// ensures: a new contiguous Tensor equal to x that shares no memory with it.
template <Expression X>
auto clone(const X& x) {
  return Tensor<std::remove_const_t<typename X::value_type>, typename X::shape_type, typename X::device_type>(x);
}

// Autograd: a new Var (its own node, not the same handle) whose gradient passes through unchanged (under
// create_graph too: the incoming gradient Var is the contribution).
template <Tracked X>
auto clone(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  return autograd::record_graph(
      "CloneBackward0", clone(v.value()), [](const auto& g, const auto&, const V& in) { autograd::accumulate(in, g); },
      [](const auto& g, const V& in) { autograd::accumulate_graph(in, g); }, v);
}

}  // namespace ctorch
