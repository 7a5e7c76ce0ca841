// ctorch/ops/pointwise/addcdiv.hpp: addcdiv (torch.addcdiv), input + value * t1 / t2.
// Shape: broadcast of the three tensors. dtype: promotion of the tensors, floating point only (PyTorch
// no longer supports integer addcdiv); value is converted to that dtype.
// Gradient: d/dinput = 1, d/dt1 = value / t2, d/dt2 = -value * t1 / t2^2.
#pragma once
#include <type_traits>

#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Addcdiv : arith_op<Addcdiv> {
  static constexpr const char* name = "addcdiv";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& self, const V& t1, const V& t2, const V& value) {
    (void)y;
    (void)self;
    if constexpr (I == 0) return dm::k<V>(1);
    else if constexpr (I == 1) return value / t2;
    else if constexpr (I == 2) return -value * t1 / (t2 * t2);
    else return t1 / t2;
  }
  template <class T>
  CTORCH_HD static T f(T self, T t1, T t2, T value) {
    static_assert(std::is_floating_point_v<T>,
                  "ctorch: addcdiv: integer division with addcdiv is not supported (as in PyTorch); use floats");
    return self + value * t1 / t2;  // PyTorch's order of operations: (value * t1) / t2
  }
  template <class B>
  static B packet(const B& self, const B& t1, const B& t2, const B& value) {
    return self + value * t1 / t2;
  }
};
}  // namespace op

// requires: floating point tensors that broadcast. ensures: a lazy input + value * t1 / t2.
template <Expression I, Expression A, Expression B, Arithmetic V = int>
auto addcdiv(I&& input, A&& t1, B&& t2, V value = 1) {
  using T = promote_all_t<typename std::remove_cvref_t<I>::value_type, typename std::remove_cvref_t<A>::value_type,
                          typename std::remove_cvref_t<B>::value_type>;
  return make_map<op::Addcdiv>(std::forward<I>(input), std::forward<A>(t1), std::forward<B>(t2),
                               Scalar<T>(static_cast<T>(value)));
}
}  // namespace ctorch
