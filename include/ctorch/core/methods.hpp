// ctorch/core/methods.hpp: the method spelling of the torch functions: t.exp(), t.sum(), t.sum<1>(),
// t.add(u), t.matmul(u), t.view<2, -1>(), t.transpose<0, 1>(), and the in-place t.add_(u), t.clamp_(lo, hi),
// t.index_add_<0>(idx, src), t.copy_(u), t.uniform_(), ... .
//
// CRTP bases: TensorMethods (Tensor), ViewMethods (TensorView), VarMethods (Var), ExprMethods (the expression
// node Map). Every method forwards to the free function of the same name with the object as the first
// argument, so a method means exactly what the function means, for every operand kind the function takes:
//   t.f<P...>(a...)            == f<P...>(t, a...)          (template arguments too: t.sum<1, true>())
//   t.view<Shape<2, Dyn>>(n)   == view<Shape<2, Dyn>>(t, n) (a type as first template argument: TYPED list)
//   t.f_<P...>(a...)           calls f_<P...>(t, a...) and returns t (the tensor or view, by reference)
// The value category is kept: on a Tensor lvalue a pointwise method captures a view (lazy, like the free
// function), on a Tensor rvalue the node owns the tensor; a view op on a non-const Tensor gives a writable
// view, on a const one a const view, and on a Tensor rvalue it does not compile (the view would dangle).
// Methods on expressions stay lazy and fuse: (a * b).exp().sum() reads a and b once. Calling a method the
// function does not accept (t.view<2, 3>() on an expression, t.add_(u) on a const view) is the free
// function's compile error; expressions have no view or in-place methods and Var no in-place ones.
//
// How the call finds the function: the op headers are included after this one, so the forwarding is a
// dependent unqualified call resolved by argument-dependent lookup at instantiation (every tensor type lives
// in namespace ctorch; functions only in ctorch::linalg are not reached). It is made from namespace
// method_call, not from inside the class: inside a member named `sum`, the name `sum` would find the member
// and turn ADL off. method_call also declares a deleted function template of each name, so ordinary lookup
// always finds a function template there (never ::abs or a variable of that name) and `name<P...>(...)`
// always parses as a template call. (A member named std is fine: `std::` looks up namespaces only.)
//
// Cost: every member is declared in every class that derives from one of these bases, so each class
// instantiation pays for the lists (in g++ 12 about 3.5 KB and tens of microseconds per member template, a
// fifth of that per plain member, more when one name has several ref-qualified overloads). Hence: no
// constraints in the declarations and deduced return types (only a called method is instantiated), plain
// members for the names that take no argument (the "0" lists), one const overload where the value category
// does not matter (views and Vars are handles; expressions are small values), and the three overloads &,
// const&, && only on Tensor and only where the result keeps the operand (lazy ops: const& and &&; view ops:
// all three). Measured on tests/ops/pointwise/test_pointwise.cpp (g++ 12, -O1, back to back): 38.4 s -> 39.8 s
// CPU time, 853 MB -> 1001 MB peak memory; about 60% of the added memory is the expression nodes' methods.
//
// Adding a method: add its name to one of the lists below. Names that cannot be members because they are
// C++ keywords (Tensor.float(), .int(), .double(), .long(), .short(), .char()) are spelled t.to<float>()
// etc.; docs/api-coverage.md lists them.
#pragma once
#include <cstddef>
#include <type_traits>
#include <utility>

#include "concepts.hpp"
#include "device.hpp"

namespace ctorch {

// The method lists. A method is in exactly one of LAZY, EAGER and VIEW (plus TYPED when its first template
// argument may be a type) or in INPLACE; a "0" list holds the names that take no argument and no template
// argument (t.exp(), t.exp_()), declared as plain members, which cost the compiler a fifth of a member
// template. Which list a name is in decides only how it is declared (see "Cost" above), not what it does.
//
// LAZY: the result captures the operands (a lazy expression), so on a Tensor rvalue the node must own it.
// clang-format off
#define CTORCH_LAZY0_METHODS(X)                                                                                   \
  X(abs) X(acos) X(asin) X(atan) X(ceil) X(cos) X(cosh) X(erf) X(erfinv) X(exp) X(expm1) X(floor) X(frac) X(log)  \
  X(log10) X(log1p) X(log2) X(neg) X(negative) X(reciprocal) X(relu) X(round) X(rsqrt) X(sigmoid) X(sign) X(sin)  \
  X(sinh) X(sqrt) X(square) X(tan) X(tanh) X(trunc) X(isnan) X(isinf) X(isfinite) X(logical_not)
#define CTORCH_LAZY_METHODS(X)                                                                                \
  X(add) X(addcdiv) X(addcmul) X(atan2) X(clamp) X(clamp_min) X(clamp_max) X(div) X(fmod) X(lerp) X(maximum)  \
  X(minimum) X(mul) X(pow) X(remainder) X(sub) X(type_as) X(eq) X(ne) X(lt) X(le) X(gt) X(ge) X(logical_and)  \
  X(logical_or) X(logical_xor) X(isclose) X(masked_fill)
// EAGER: the result is computed at the call (a Tensor, a struct of tensors, a bool): reductions, scans,
// sorting, joining ops that copy, linear algebra, sampling.
#define CTORCH_EAGER0_METHODS(X) X(clone) X(inverse) X(det) X(logdet) X(slogdet) X(trace) X(nonzero) X(geqrf)
#define CTORCH_EAGER_METHODS(X)                                                                                   \
  X(allclose) X(equal) X(sum) X(mean) X(prod) X(max) X(min) X(amax) X(amin) X(argmax) X(argmin) X(all) X(any)     \
  X(cumsum) X(cumprod) X(logsumexp) X(norm) X(var) X(std) X(median) X(nanmedian) X(mode) X(kthvalue) X(sort)      \
  X(argsort) X(topk) X(unique) X(histc) X(cross) X(dist) X(renorm) X(flip) X(roll) X(rot90) X(gather)             \
  X(index_select) X(index_add) X(index_copy) X(index_fill) X(masked_scatter) X(masked_select) X(put) X(take)      \
  X(repeat) X(tile) X(scatter) X(scatter_add) X(diag) X(diag_embed) X(tril) X(triu) X(matmul) X(mm) X(bmm) X(mv)  \
  X(dot) X(addmm) X(cholesky) X(cholesky_inverse) X(cholesky_solve) X(lu_solve) X(qr) X(svd) X(pinverse)          \
  X(matrix_power) X(orgqr) X(ormqr) X(triangular_solve) X(bernoulli) X(multinomial) X(addmv) X(addr) X(addbmm)    \
  X(baddbmm) X(ger) X(outer)
// VIEW: the result aliases the operand (Tensor, TensorView and Var only): on a non-const Tensor it is
// writable, on a Tensor rvalue it does not compile (the free function's rvalue overload is deleted).
#define CTORCH_VIEW0_METHODS(X) X(t) X(contiguous)
#define CTORCH_VIEW_METHODS(X)                                                                                     \
  X(view) X(view_as) X(reshape) X(flatten) X(unflatten) X(squeeze) X(unsqueeze) X(permute) X(expand) X(expand_as)  \
  X(narrow) X(select) X(movedim) X(diagonal) X(unfold) X(transpose) X(as_strided) X(chunk) X(split)                \
  X(split_with_sizes) X(unbind)
// TYPED: t.view<Shape<2, Dyn>>(n) is view<Shape<2, Dyn>>(t, n). Each name is also in VIEW (t.view<2, 3>()).
#define CTORCH_TYPED_METHODS(X) X(view) X(reshape) X(expand) X(as_strided)
// INPLACE (Tensor and TensorView): t.name_<P...>(a...) calls name_<P...>(t, a...) and returns t.
#define CTORCH_INPLACE0_METHODS(X)                                                                               \
  X(abs_) X(acos_) X(asin_) X(atan_) X(ceil_) X(cos_) X(cosh_) X(erf_) X(erfinv_) X(exp_) X(expm1_) X(floor_)    \
  X(frac_) X(log_) X(log10_) X(log1p_) X(log2_) X(neg_) X(reciprocal_) X(relu_) X(round_) X(rsqrt_) X(sigmoid_)  \
  X(sign_) X(sin_) X(sinh_) X(sqrt_) X(square_) X(tan_) X(tanh_) X(trunc_)
#define CTORCH_INPLACE_METHODS(X)                                                                                \
  X(add_) X(addcdiv_) X(addcmul_) X(atan2_) X(clamp_) X(clamp_min_) X(clamp_max_) X(div_) X(fmod_) X(lerp_)      \
  X(mul_) X(pow_) X(remainder_) X(sub_) X(eq_) X(ne_) X(lt_) X(le_) X(gt_) X(ge_) X(copy_) X(index_add_)         \
  X(index_copy_) X(index_fill_) X(masked_fill_) X(masked_scatter_) X(masked_copy_) X(scatter_) X(scatter_add_)   \
  X(put_) X(tril_) X(triu_) X(renorm_) X(apply_) X(map_) X(bernoulli_) X(cauchy_) X(exponential_) X(geometric_)  \
  X(log_normal_) X(normal_) X(random_) X(uniform_) X(addmm_) X(addmv_) X(addr_) X(addbmm_) X(baddbmm_)

// Every method, for tests and tools.
#define CTORCH_METHODS(X)                                                                     \
  CTORCH_LAZY0_METHODS(X) CTORCH_LAZY_METHODS(X) CTORCH_EAGER0_METHODS(X) CTORCH_EAGER_METHODS(X) \
  CTORCH_VIEW0_METHODS(X) CTORCH_VIEW_METHODS(X)
#define CTORCH_ALL_INPLACE_METHODS(X) CTORCH_INPLACE0_METHODS(X) CTORCH_INPLACE_METHODS(X)
// clang-format on

namespace method_call {

// Never called: it only makes ordinary lookup of each name stop here (see the top of the file).
struct never {};

#define CTORCH_METHOD_CALL(name)               \
  template <class = never>                     \
  void name(never) = delete;                   \
  template <auto... P, class... A>             \
  decltype(auto) call_##name(A&&... a) {       \
    return name<P...>(static_cast<A&&>(a)...); \
  }
#define CTORCH_TYPED_METHOD_CALL(name)       \
  template <class T0, class... A>            \
  decltype(auto) call_t_##name(A&&... a) {   \
    return name<T0>(static_cast<A&&>(a)...); \
  }
CTORCH_METHODS(CTORCH_METHOD_CALL)
CTORCH_ALL_INPLACE_METHODS(CTORCH_METHOD_CALL)
CTORCH_TYPED_METHODS(CTORCH_TYPED_METHOD_CALL)
#undef CTORCH_METHOD_CALL
#undef CTORCH_TYPED_METHOD_CALL

}  // namespace method_call

// The member shapes. ONE: a const member (for handles and expressions a const object behaves as any other;
// an rvalue expression is copied into the result, which for a node that owns a Tensor copies it). LVR: a
// const& and a && member (a Tensor rvalue is moved into the lazy node). THREE: &, const& and && (a view of a
// non-const Tensor is writable; the && call reaches the free function's deleted rvalue overload).
#define CTORCH_METHOD_ONE(name)                                                                        \
  template <auto... P, class... A>                                                                     \
  decltype(auto) name(A&&... a) const {                                                                \
    return method_call::call_##name<P...>(static_cast<const Derived&>(*this), static_cast<A&&>(a)...); \
  }
#define CTORCH_METHOD_LVR(name)                                                                        \
  template <auto... P, class... A>                                                                     \
  decltype(auto) name(A&&... a) const& {                                                               \
    return method_call::call_##name<P...>(static_cast<const Derived&>(*this), static_cast<A&&>(a)...); \
  }                                                                                                    \
  template <auto... P, class... A>                                                                     \
  decltype(auto) name(A&&... a)&& {                                                                    \
    return method_call::call_##name<P...>(static_cast<Derived&&>(*this), static_cast<A&&>(a)...);      \
  }
#define CTORCH_METHOD_THREE(name)                                                                \
  CTORCH_METHOD_LVR(name)                                                                        \
  template <auto... P, class... A>                                                               \
  decltype(auto) name(A&&... a)& {                                                               \
    return method_call::call_##name<P...>(static_cast<Derived&>(*this), static_cast<A&&>(a)...); \
  }
#define CTORCH_TYPED_METHOD_ONE(name)                                                                  \
  template <class T0, class... A>                                                                      \
  decltype(auto) name(A&&... a) const {                                                                \
    return method_call::call_t_##name<T0>(static_cast<const Derived&>(*this), static_cast<A&&>(a)...); \
  }
#define CTORCH_TYPED_METHOD_THREE(name)                                                                \
  template <class T0, class... A>                                                                      \
  decltype(auto) name(A&&... a) const& {                                                               \
    return method_call::call_t_##name<T0>(static_cast<const Derived&>(*this), static_cast<A&&>(a)...); \
  }                                                                                                    \
  template <class T0, class... A>                                                                      \
  decltype(auto) name(A&&... a)&& {                                                                    \
    return method_call::call_t_##name<T0>(static_cast<Derived&&>(*this), static_cast<A&&>(a)...);      \
  }                                                                                                    \
  template <class T0, class... A>                                                                      \
  decltype(auto) name(A&&... a)& {                                                                     \
    return method_call::call_t_##name<T0>(static_cast<Derived&>(*this), static_cast<A&&>(a)...);       \
  }
// The same shapes as plain members, for the names of the "0" lists.
#define CTORCH_METHOD0_ONE(name)                                           \
  decltype(auto) name() const {                                            \
    return method_call::call_##name<>(static_cast<const Derived&>(*this)); \
  }
#define CTORCH_METHOD0_LVR(name)                                           \
  decltype(auto) name() const& {                                           \
    return method_call::call_##name<>(static_cast<const Derived&>(*this)); \
  }                                                                        \
  decltype(auto) name()&& {                                                \
    return method_call::call_##name<>(static_cast<Derived&&>(*this));      \
  }
#define CTORCH_METHOD0_THREE(name)                                   \
  CTORCH_METHOD0_LVR(name)                                           \
  decltype(auto) name()& {                                           \
    return method_call::call_##name<>(static_cast<Derived&>(*this)); \
  }
#define CTORCH_METHOD0_INPLACE(name)                          \
  Derived& name() {                                           \
    method_call::call_##name<>(static_cast<Derived&>(*this)); \
    return static_cast<Derived&>(*this);                      \
  }
// In place: one overload, non-const and without a ref-qualifier, so that it also runs on a view prvalue
// (transpose<0, 1>(t).add_(1) writes through to t).
#define CTORCH_METHOD_INPLACE(name)                                                       \
  template <auto... P, class... A>                                                        \
  Derived& name(A&&... a) {                                                               \
    method_call::call_##name<P...>(static_cast<Derived&>(*this), static_cast<A&&>(a)...); \
    return static_cast<Derived&>(*this);                                                  \
  }
// Metadata (Tensor, TensorView and Var define some of these themselves; theirs hide these).
#define CTORCH_METHODS_METADATA                                                                         \
  /* Number of dims (Tensor.dim, Tensor.ndimension): a compile-time constant. */                        \
  static constexpr std::size_t dim() noexcept {                                                         \
    return Derived::shape_type::rank;                                                                   \
  }                                                                                                     \
  static constexpr std::size_t ndimension() noexcept {                                                  \
    return Derived::shape_type::rank;                                                                   \
  }                                                                                                     \
  /* Number of elements (Tensor.numel, Tensor.nelement); for an expression, of its broadcast result. */ \
  auto numel() const {                                                                                  \
    return static_cast<const Derived&>(*this).dims().numel();                                           \
  }                                                                                                     \
  auto nelement() const {                                                                               \
    return static_cast<const Derived&>(*this).dims().numel();                                           \
  }                                                                                                     \
  /* Bytes per element (Tensor.element_size). */                                                        \
  static constexpr std::size_t element_size() noexcept {                                                \
    return sizeof(typename Derived::value_type);                                                        \
  }                                                                                                     \
  /* Tensor.is_signed: false for bool only (PyTorch: false for uint8 and bool). */                      \
  static constexpr bool is_signed() noexcept {                                                          \
    return std::is_signed_v<typename Derived::value_type>;                                              \
  }                                                                                                     \
  /* Tensor.is_cuda: the device is a type parameter, so this is a constant. */                          \
  static constexpr bool is_cuda() noexcept {                                                            \
    return std::is_same_v<typename Derived::device_type, Cuda>;                                         \
  }

// Expression nodes (Map): the lazy and eager methods, one const overload each.
template <class Derived>
class ExprMethods {
 public:
  CTORCH_LAZY0_METHODS(CTORCH_METHOD0_ONE)
  CTORCH_LAZY_METHODS(CTORCH_METHOD_ONE)
  CTORCH_EAGER0_METHODS(CTORCH_METHOD0_ONE)
  CTORCH_EAGER_METHODS(CTORCH_METHOD_ONE)
  CTORCH_METHODS_METADATA
};

// Var: every out-of-place method (a Var is a handle: one const overload each); in-place changes to a Var go
// through its own copy_, fill_, zero_ and data_().
template <class Derived>
class VarMethods {
 public:
  CTORCH_LAZY0_METHODS(CTORCH_METHOD0_ONE)
  CTORCH_LAZY_METHODS(CTORCH_METHOD_ONE)
  CTORCH_EAGER0_METHODS(CTORCH_METHOD0_ONE)
  CTORCH_EAGER_METHODS(CTORCH_METHOD_ONE)
  CTORCH_VIEW0_METHODS(CTORCH_METHOD0_ONE)
  CTORCH_VIEW_METHODS(CTORCH_METHOD_ONE)
  CTORCH_TYPED_METHODS(CTORCH_TYPED_METHOD_ONE)
  CTORCH_METHODS_METADATA
  // Tensor.data_ptr: the address of the Var's value's first element.
  auto data_ptr() const noexcept { return static_cast<const Derived&>(*this).value().data(); }
};

// TensorView: every method; a view is a handle, so one const overload per out-of-place method; the in-place
// methods write through to the viewed memory.
template <class Derived>
class ViewMethods {
 public:
  CTORCH_LAZY0_METHODS(CTORCH_METHOD0_ONE)
  CTORCH_LAZY_METHODS(CTORCH_METHOD_ONE)
  CTORCH_EAGER0_METHODS(CTORCH_METHOD0_ONE)
  CTORCH_EAGER_METHODS(CTORCH_METHOD_ONE)
  CTORCH_VIEW0_METHODS(CTORCH_METHOD0_ONE)
  CTORCH_VIEW_METHODS(CTORCH_METHOD_ONE)
  CTORCH_TYPED_METHODS(CTORCH_TYPED_METHOD_ONE)
  CTORCH_INPLACE0_METHODS(CTORCH_METHOD0_INPLACE)
  CTORCH_INPLACE_METHODS(CTORCH_METHOD_INPLACE)
  CTORCH_METHODS_METADATA
  // Tensor.data_ptr: the address of the first viewed element.
  auto data_ptr() const noexcept { return static_cast<const Derived&>(*this).data(); }
};

// Tensor: every method, with the overloads its value category needs.
template <class Derived>
class TensorMethods {
 public:
  CTORCH_LAZY0_METHODS(CTORCH_METHOD0_LVR)
  CTORCH_LAZY_METHODS(CTORCH_METHOD_LVR)
  CTORCH_EAGER0_METHODS(CTORCH_METHOD0_ONE)
  CTORCH_EAGER_METHODS(CTORCH_METHOD_ONE)
  CTORCH_VIEW0_METHODS(CTORCH_METHOD0_THREE)
  CTORCH_VIEW_METHODS(CTORCH_METHOD_THREE)
  CTORCH_TYPED_METHODS(CTORCH_TYPED_METHOD_THREE)
  CTORCH_INPLACE0_METHODS(CTORCH_METHOD0_INPLACE)
  CTORCH_INPLACE_METHODS(CTORCH_METHOD_INPLACE)
  CTORCH_METHODS_METADATA
  // Tensor.data_ptr: the address of the first element.
  auto data_ptr() noexcept { return static_cast<Derived&>(*this).data(); }
  auto data_ptr() const noexcept { return static_cast<const Derived&>(*this).data(); }
};

#undef CTORCH_METHOD_ONE
#undef CTORCH_METHOD_LVR
#undef CTORCH_METHOD_THREE
#undef CTORCH_TYPED_METHOD_ONE
#undef CTORCH_TYPED_METHOD_THREE
#undef CTORCH_METHOD_INPLACE
#undef CTORCH_METHOD0_ONE
#undef CTORCH_METHOD0_LVR
#undef CTORCH_METHOD0_THREE
#undef CTORCH_METHOD0_INPLACE
#undef CTORCH_METHODS_METADATA

// torch.is_tensor: true for what the library treats as a tensor (Tensor, TensorView, Var, and the lazy
// expressions built from them); false for numbers and anything else.
template <class X>
constexpr bool is_tensor(const X&) noexcept {
  return Expression<X>;
}

}  // namespace ctorch
