// ctorch/expr/cast.hpp: op::Cast<U>, the element function of a dtype conversion (the user spelling,
// cast<U>(x) and Tensor::to<U>(), is in ops/pointwise/cast.hpp). Here because capture() also inserts
// casts (a 0-d tensor of a higher dtype does not raise a dimensioned tensor's dtype, as in PyTorch).
#pragma once
#include <cstddef>

#include "../core/config.hpp"
#include "../core/dtype.hpp"

namespace ctorch::op {
template <DType U>
struct Cast {
  static constexpr const char* name = "to";
  template <class... T>
  using compute_t = U;
  template <class... T>
  using result_t = U;
  template <class T>
  CTORCH_HD static U apply(T x) {
    return static_cast<U>(x);
  }
  CTORCH_HD static U f(U x) { return x; }
  // The gradient passes through a conversion unchanged (converted back to the operand's dtype).
  template <std::size_t I, class V>
  static V d(const V&, const V&) {
    return V(1);
  }
};
}  // namespace ctorch::op
