// ctorch/ops/joining/common.hpp: what the joining and indexing ops share: the op tags their static
// errors name, the messaged compile-time check, and host-side helpers (an operand read as a strided view,
// materialising a lazy expression once; a loop over every index of some extents).
#pragma once
#include <array>
#include <string>
#include <type_traits>
#include <utility>

#include "../../autograd/linear.hpp"
#include "../../core/broadcast.hpp"
#include "../../core/error.hpp"
#include "../../core/shape.hpp"
#include "../../core/tensor.hpp"
#include "../../eval/assign.hpp"
#include "../pointwise/cast.hpp"
#include "../view/common.hpp"
#include "../view/narrow.hpp"
#include "../view/select.hpp"

namespace ctorch {

namespace op {
#define CTORCH_JOIN_OP(Name, str)            \
  struct Name {                              \
    static constexpr const char* name = str; \
  };
CTORCH_JOIN_OP(Cat, "cat")
CTORCH_JOIN_OP(Stack, "stack")
CTORCH_JOIN_OP(IndexSelect, "index_select")
CTORCH_JOIN_OP(Gather, "gather")
CTORCH_JOIN_OP(Scatter, "scatter")
CTORCH_JOIN_OP(ScatterAdd, "scatter_add")
CTORCH_JOIN_OP(MaskedFill, "masked_fill")
CTORCH_JOIN_OP(Flip, "flip")
CTORCH_JOIN_OP(Tril, "tril")
CTORCH_JOIN_OP(Triu, "triu")
#undef CTORCH_JOIN_OP
}  // namespace op

// A joining/indexing op whose static shapes do not fit: the op, its arguments (dims as an Args list) and
// every operand's shape are the template arguments the compiler prints first.
template <class Op, class Asked, bool Ok, class... Shapes>
struct joining_check {
  static_assert(Ok,
                "ctorch: joining op: the operands' static shapes do not fit this op (the op, its dim arguments and "
                "the shapes are the template arguments of joining_check above)");
  static constexpr bool ok = Ok;
};

namespace detail {

// An operand as something with a strided host view: a tensor or view as is (no copy), a lazy expression
// evaluated once into a Tensor.
template <Expression E>
auto materialize(const E& e) {
  using X = std::remove_cvref_t<E>;
  using T = std::remove_const_t<typename X::value_type>;
  if constexpr (is_tensor_v<X>)
    return e.view();
  else if constexpr (is_tensor_view_v<X>)
    return TensorView<const T, typename X::shape_type, typename X::device_type>(e);
  else
    return Tensor<T, typename X::shape_type, typename X::device_type>(e);
}
template <class T, class S, class D>
TensorView<const T, S, D> as_view(const Tensor<T, S, D>& t) {
  return t.view();
}
template <class T, class S, class D>
TensorView<const std::remove_const_t<T>, S, D> as_view(const TensorView<T, S, D>& v) {
  return v;
}

// x converted to dtype R (no node when it already is R).
template <class R, class E>
decltype(auto) as_dtype(const E& e) {
  if constexpr (std::is_same_v<typename E::value_type, R>)
    return (e);
  else
    return cast<R>(e);
}

// Calls f(idx) for every index of extents `ext`, in row-major order (nothing when any extent is 0).
template <std::size_t R, class F>
void for_each_index(const std::array<index_t, R>& ext, F&& f) {
  for (index_t e : ext)
    if (e == 0) return;
  std::array<index_t, R> idx{};
  while (true) {
    f(idx);
    std::size_t d = R;
    while (d > 0) {
      --d;
      if (++idx[d] < ext[d]) break;
      idx[d] = 0;
      if (d == 0) return;
    }
    if constexpr (R == 0) return;
  }
}

template <std::size_t R>
index_t offset_of(const std::array<index_t, R>& idx, const std::array<index_t, R>& st) {
  index_t o = 0;
  for (std::size_t d = 0; d < R; ++d) o += idx[d] * st[d];
  return o;
}

// Static extents (of shapes of one rank) merged over several shapes in every dim but P (equal when static); ok is false on a
// static mismatch. In dim P the result holds the sum when every extent there is static, else Dyn.
template <std::size_t P, class S0, class... S>
constexpr static_broadcast_result<S0::rank> merge_except() {
  static_broadcast_result<S0::rank> r;
  const std::array<std::array<index_t, S0::rank>, 1 + sizeof...(S)> in{S0::static_extents, S::static_extents...};
  for (std::size_t d = 0; d < S0::rank; ++d) {
    index_t m = Dyn;
    index_t sum = 0;
    for (const auto& e : in) {
      if (e[d] == Dyn) {
        sum = Dyn;
        continue;
      }
      if (sum != Dyn) sum += e[d];
      if (m == Dyn)
        m = e[d];
      else if (m != e[d] && d != P)
        r.ok = false;
    }
    r.ext[d] = d == P ? sum : m;
  }
  return r;
}

// The Var form of an op whose result is a copy of a view w of v's value (split, chunk, unbind, diag of a
// matrix, as_strided): the VJP adds g at the elements w reads. v's value and its gradient buffer are
// contiguous tensors of one shape, so w's offset and strides address the same elements in the buffer.
// The adds go one element at a time, so a view that reads an element twice (a zero stride) adds twice.
// The copy is linear in v: its create_graph VJP comes from autograd::record_linear (the view of h again).
template <class WS>
struct view_copy_state {
  index_t off;
  Dims<WS> dims;
  std::array<index_t, WS::rank> strides;
};
template <class T, class S, class D, class W>
auto tracked_view_copy(const char* name, const Var<T, S, D>& v, const W& w) {
  using WS = typename W::shape_type;
  const index_t off = index_t(w.data() - v.value().data());
  return autograd::record_linear(
      name, Tensor<T, WS, D>(w), view_copy_state<WS>{off, w.dims(), w.strides()},
      [](const auto& s, const auto& g, const Var<T, S, D>& in) {
        if (!in.requires_grad()) return;
        bool fresh;
        T* out = autograd::grad_buffer(in, fresh).data() + s.off;  // fresh: zeros, so += is right either way
        const T* gp = g.data();
        for_each_index(g.sizes(),
                       [&](const std::array<index_t, WS::rank>& idx) { out[offset_of(idx, s.strides)] += *gp++; });
      },
      [](const auto& s, const auto& h) { return TensorView<const T, WS, D>(h.data() + s.off, s.dims, s.strides); }, v);
}

inline std::string join_op_error(const char* op, const std::string& what) {
  return std::string("ctorch: ") + op + ": " + what;
}

}  // namespace detail
}  // namespace ctorch
