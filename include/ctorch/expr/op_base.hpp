// ctorch/expr/op_base.hpp: the dtype rules an elementwise op can inherit.
//
// An op is a struct with a `name`, a scalar element function `f` (host and device), optionally a packet
// function `packet` (xsimd batches; the CPU evaluator uses it when every operand already has the compute
// type), and a dtype rule from one of the bases below. `apply` converts the operands to the compute
// type and calls `f`.
#pragma once
#include <algorithm>

#include "../core/config.hpp"
#include "../core/dtype.hpp"

namespace ctorch {

namespace detail {
template <int R>
using dtype_of_rank = std::conditional_t<
    R == 0, bool,
    std::conditional_t<R == 1, std::int32_t, std::conditional_t<R == 2, std::int64_t, std::conditional_t<R == 3, float, double>>>>;
}  // namespace detail

// torch.promote_types over any number of dtypes (flat, no recursion).
template <DType... T>
using promote_all_t = detail::dtype_of_rank<std::max({0, detail::dtype_rank<T>...})>;

namespace op {

// The shared part of the rules below: operands converted to Compute<T...>, result the same dtype.
template <class Derived, template <class...> class Compute>
struct same_result_op {
  template <class... T>
  using compute_t = Compute<T...>;
  template <class... T>
  using result_t = compute_t<T...>;
  template <class... T>
  CTORCH_HD static result_t<T...> apply(T... x) {
    return Derived::f(static_cast<compute_t<T...>>(x)...);
  }
};

template <class... T>
using float_promote_all_t = float_promote_t<promote_all_t<T...>>;

// Operands promoted to a common dtype, which is also the result's (add, mul, maximum, where's values).
template <class Derived>
struct arith_op : same_result_op<Derived, promote_all_t> {};

// Like arith_op, but integers and bools become float32 first (exp, tanh, true division).
template <class Derived>
struct float_op : same_result_op<Derived, float_promote_all_t> {};

// Operands promoted to a common dtype, result bool (eq, lt, isnan, ...).
template <class Derived>
struct predicate_op {
  template <class... T>
  using compute_t = promote_all_t<T...>;
  template <class... T>
  using result_t = bool;
  template <class... T>
  CTORCH_HD static bool apply(T... x) {
    using C = compute_t<T...>;
    return Derived::f(static_cast<C>(x)...);
  }
};

// Operands read as bool, result bool (logical_and, logical_not, ...).
template <class Derived>
struct logical_op {
  template <class... T>
  using compute_t = bool;
  template <class... T>
  using result_t = bool;
  template <class... T>
  CTORCH_HD static bool apply(T... x) {
    return Derived::f(static_cast<bool>(x)...);
  }
};

}  // namespace op
}  // namespace ctorch
