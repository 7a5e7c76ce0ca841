// ctorch/ops/creation/full.hpp: full (torch.full) and full_like (torch.full_like).
// Spelling: full<T, S>(dyn extents..., value), the extents first as in torch.full(size, fill_value).
// The value is converted to T (static_cast), as torch.full with an explicit dtype does.
#pragma once
#include "common.hpp"

namespace ctorch {

// requires: the arguments are one non-negative integer per Dyn extent of S, then an arithmetic value.
// ensures: a tensor of shape S, dtype T, on device D, every element T(value).
template <DType T, ShapeType S, Device D = Cpu, class... A>
requires(sizeof...(A) >= 1) Tensor<T, S, D> full(A... args) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    auto all = std::make_tuple(args...);
    using V = std::tuple_element_t<sizeof...(A) - 1, std::tuple<A...>>;
    static_assert(Arithmetic<V>, "ctorch: full: the last argument is the fill value, a number");
    auto t = detail::make_creation<creation::Full, T, S, D>(std::get<I>(all)...);
    t.fill_(static_cast<T>(std::get<sizeof...(A) - 1>(all)));  // one Scalar assignment through the evaluator
    return t;
  }
  (std::make_index_sequence<sizeof...(A) - 1>{});
}
// ensures: a tensor of shape S with extents `dims`, every element T(value).
template <DType T, ShapeType S, Device D = Cpu, Arithmetic V>
Tensor<T, S, D> full(const Dims<S>& dims, V value) {
  Tensor<T, S, D> t(dims);
  t.fill_(static_cast<T>(value));
  return t;
}

// requires: x is an expression. ensures: x's shape, extents and device, every element value, of dtype U
// (x's dtype when U is void).
template <class U = void, Expression X, Arithmetic V>
auto full_like(const X& x, V value) {
  using R = detail::like_tensor_t<U, X>;
  return full<typename R::value_type, typename R::shape_type, typename R::device_type>(x.dims(), value);
}

}  // namespace ctorch
