// ctorch/ops/view/common.hpp: what the view ops share: the op tags their static errors name, the
// messaged compile-time checks, shapes built from constexpr extent arrays, and PyTorch's rule for
// when new extents can be read from old strides without a copy (ATen's computeStride).
#pragma once
#include <array>
#include <optional>
#include <string>
#include <utility>

#include "../../autograd/function.hpp"
#include "../../core/broadcast.hpp"
#include "../../core/error.hpp"
#include "../../core/shape.hpp"
#include "../../core/tensor.hpp"

namespace ctorch {

// In a requested shape (view, reshape), the one extent computed from the others, as PyTorch's -1.
inline constexpr index_t Infer = Dyn;

// The view ops, as the first lines of a static error name them.
namespace op {
#define CTORCH_VIEW_OP(Name, str)            \
  struct Name {                              \
    static constexpr const char* name = str; \
  };
CTORCH_VIEW_OP(View, "view")
CTORCH_VIEW_OP(Reshape, "reshape")
CTORCH_VIEW_OP(Flatten, "flatten")
CTORCH_VIEW_OP(Squeeze, "squeeze")
CTORCH_VIEW_OP(Unsqueeze, "unsqueeze")
CTORCH_VIEW_OP(Permute, "permute")
CTORCH_VIEW_OP(Expand, "expand")
CTORCH_VIEW_OP(Narrow, "narrow")
CTORCH_VIEW_OP(Select, "select")
CTORCH_VIEW_OP(Movedim, "movedim")
CTORCH_VIEW_OP(Diagonal, "diagonal")
CTORCH_VIEW_OP(Unfold, "unfold")
#undef CTORCH_VIEW_OP
}  // namespace op

// A static view op whose input shape does not allow it: the op, the input shape and what was asked
// (a shape, or dims as an index list) are the template arguments the compiler prints first.
template <class Op, class In, class Asked, bool Ok>
struct view_check {
  static_assert(Ok,
                "ctorch: view op: the input's static shape does not allow this (the op, the input shape and the "
                "requested shape or arguments are the template arguments of view_check above)");
  static constexpr bool ok = Ok;
};

// A static dim of a view op checked against a rank (R + Extra dims are allowed: unsqueeze takes rank + 1).
template <class Op, class In, int Dim, std::size_t Extra = 0>
struct view_dim_check {
  static constexpr int n = int(In::rank + Extra);
  static_assert(n > 0, "ctorch: view op: a dim argument needs an input of at least one dim (see view_dim_check)");
  static_assert(Dim >= -n && Dim < n,
                "ctorch: view op: dim out of range for the input's rank (the op, the shape and the dim are the "
                "template arguments of view_dim_check above)");
  static constexpr std::size_t value = Dim < 0 ? std::size_t(Dim + n) : std::size_t(Dim);
};

// Compile-time list of ints, for what view_check names.
template <index_t... V>
struct Args {};

namespace detail {

template <auto Ext>
using shape_of_t = decltype(shape_from_array<Ext>(std::make_index_sequence<Ext.size()>{}));

// A view's result over the same pointer, with checked dims.
template <class RS, class T, class D, std::size_t R>
TensorView<T, RS, D> make_view(T* p, const std::array<index_t, R>& ext, const std::array<index_t, R>& st,
                               const char* op) {
  return TensorView<T, RS, D>(p, Dims<RS>::from_array(ext, op), st);
}

// The strides of `newshape` read over memory laid out as (oldshape, oldstride), or nothing when a
// copy is needed (PyTorch's at::detail::computeStride).
template <std::size_t N, std::size_t O>
std::optional<std::array<index_t, N>> compute_view_strides(const std::array<index_t, O>& oldshape,
                                                           const std::array<index_t, O>& oldstride,
                                                           const std::array<index_t, N>& newshape) {
  std::array<index_t, N> newstride{};
  if constexpr (O == 0) {
    newstride.fill(1);
    return newstride;
  } else {
    index_t numel = 1;
    for (auto e : oldshape) numel *= e;
    if (numel == 0) {
      if constexpr (N == O)
        if (oldshape == newshape) return oldstride;
      newstride = contiguous_strides(newshape);
      for (auto& s : newstride) s = s == 0 ? 1 : s;
      return newstride;
    }
    std::ptrdiff_t view_d = std::ptrdiff_t(N) - 1;
    index_t chunk_base_stride = oldstride[O - 1];
    index_t tensor_numel = 1, view_numel = 1;
    for (std::ptrdiff_t tensor_d = std::ptrdiff_t(O) - 1; tensor_d >= 0; --tensor_d) {
      tensor_numel *= oldshape[tensor_d];
      if (tensor_d == 0 ||
          (oldshape[tensor_d - 1] != 1 && oldstride[tensor_d - 1] != tensor_numel * chunk_base_stride)) {
        while (view_d >= 0 && (view_numel < tensor_numel || newshape[view_d] == 1)) {
          newstride[view_d] = view_numel * chunk_base_stride;
          view_numel *= newshape[view_d];
          --view_d;
        }
        if (view_numel != tensor_numel) return std::nullopt;
        if (tensor_d > 0) {
          chunk_base_stride = oldstride[tensor_d - 1];
          tensor_numel = 1;
          view_numel = 1;
        }
      }
    }
    if (view_d != -1) return std::nullopt;
    return newstride;
  }
}

// Fills the one -1 of `ext` from numel (PyTorch's infer_size); throws shape_error like PyTorch's view.
template <std::size_t N>
void infer_extent(std::array<index_t, N>& ext, index_t numel, const char* op) {
  auto shape_str = [&] {
    std::string s = "[";
    for (std::size_t i = 0; i < N; ++i) s += (i ? ", " : "") + std::to_string(ext[i]);
    return s + "]";
  };
  auto invalid = [&] {
    return shape_error(std::string("ctorch: ") + op + ": shape '" + shape_str() + "' is invalid for input of size " +
                       std::to_string(numel));
  };
  index_t prod = 1;
  std::ptrdiff_t infer = -1;
  for (std::size_t i = 0; i < N; ++i) {
    if (ext[i] == -1) {
      if (infer >= 0) throw shape_error(std::string("ctorch: ") + op + ": only one dimension can be inferred");
      infer = std::ptrdiff_t(i);
    } else if (ext[i] < 0) {
      throw shape_error(std::string("ctorch: ") + op + ": invalid shape dimension " + std::to_string(ext[i]));
    } else {
      prod *= ext[i];
    }
  }
  if (infer >= 0) {
    if (prod == 0 || numel % prod != 0) throw invalid();
    ext[infer] = numel / prod;
  } else if (prod != numel) {
    throw invalid();
  }
}

// A permutation of 0..N-1 given as possibly negative dims, normalised; ok is false when it is not one.
template <std::size_t N>
struct perm_result {
  std::array<std::size_t, N> p{};
  bool ok = true;
};
template <std::size_t N>
constexpr perm_result<N> make_perm(const std::array<int, N>& dims) {
  perm_result<N> r;
  std::array<bool, N> seen{};
  for (std::size_t i = 0; i < N; ++i) {
    int d = dims[i] < 0 ? dims[i] + int(N) : dims[i];
    if (d < 0 || d >= int(N) || seen[std::size_t(d)]) {
      r.ok = false;
      return r;
    }
    seen[std::size_t(d)] = true;
    r.p[i] = std::size_t(d);
  }
  return r;
}

}  // namespace detail

// Every view op has this overload set (see transpose): on a TensorView (the result has its constness),
// on Tensor& (a mutable view), on const Tensor& (a const view); on a Tensor&& it is deleted (the view
// would dangle). tparams and targs are parenthesised lists: (int D0, int D1) and (D0, D1).
#define CTORCH_UNPAREN(...) __VA_ARGS__
#define CTORCH_VIEW_FORWARD_TENSOR(fn, tparams, targs)                                            \
  template <CTORCH_UNPAREN tparams, class T, class S, class D, class... A>                        \
  auto fn(Tensor<T, S, D>& t, A... a)->decltype(fn<CTORCH_UNPAREN targs>(t.view(), a...)) {       \
    return fn<CTORCH_UNPAREN targs>(t.view(), a...);                                              \
  }                                                                                               \
  template <CTORCH_UNPAREN tparams, class T, class S, class D, class... A>                        \
  auto fn(const Tensor<T, S, D>& t, A... a)->decltype(fn<CTORCH_UNPAREN targs>(t.view(), a...)) { \
    return fn<CTORCH_UNPAREN targs>(t.view(), a...);                                              \
  }                                                                                               \
  template <CTORCH_UNPAREN tparams, class T, class S, class D, class... A>                        \
  void fn(Tensor<T, S, D>&& t, A... a) = delete;

// The Var form of a view op: a copy that records the view's VJP (autograd::view_op).
#define CTORCH_VIEW_FORWARD_VAR(fn, tparams, targs)                                                 \
  template <CTORCH_UNPAREN tparams, class T, class S, class D, class... A>                          \
  auto fn(const Var<T, S, D>& v, A... a) {                                                          \
    return autograd::view_op(#fn, v, [=](const auto& x) { return fn<CTORCH_UNPAREN targs>(x, a...); }); \
  }

}  // namespace ctorch
