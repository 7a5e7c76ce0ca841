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

}  // namespace ctorch
