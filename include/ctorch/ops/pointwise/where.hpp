// ctorch/ops/pointwise/where.hpp: where (torch.where(condition, input, other)), input where condition
// holds, else other; input and other are tensors or numbers.
// Shape: broadcast of all three. dtype: promotion of input and other (numbers by PyTorch's scalar rule:
// where(c, int32, 2.5) is float32, where(c, 1.0, 0.0) is float32); condition must be bool, as PyTorch.
// Gradient: grad to input where condition, to other elsewhere; none to condition.
#pragma once
#include <type_traits>

#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Where {
  static constexpr const char* name = "where";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& c, const V& a, const V& b) {
    (void)y;
    (void)a, (void)b;
    if constexpr (I == 1) return c;  // the condition, read as 0 or 1
    else return dm::k<V>(1) - c;
  }
  template <class C, class... T>
  using compute_t = promote_all_t<T...>;
  template <class C, class... T>
  using result_t = compute_t<C, T...>;
  template <class C, class A, class B>
  CTORCH_HD static result_t<C, A, B> apply(C c, A a, B b) {
    using R = result_t<C, A, B>;
    return c ? static_cast<R>(a) : static_cast<R>(b);
  }
};
}  // namespace op

// requires: a bool condition; condition, a and b broadcast. ensures: a lazy elementwise cond ? a : b.
template <Expression C, Operand A, Operand B>
auto where(C&& cond, A&& a, B&& b) {
  static_assert(std::is_same_v<typename std::remove_cvref_t<C>::value_type, bool>,
                "ctorch: where: the condition must be a bool tensor or expression (as in PyTorch); compare it first");
  return make_map<op::Where>(std::forward<C>(cond), std::forward<A>(a), std::forward<B>(b));
}
}  // namespace ctorch
