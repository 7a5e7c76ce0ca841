// ctorch/ops/view/expand.hpp: expand (torch.Tensor.expand) and expand_as: a view of x broadcast to a
// larger shape, without copying: expanded dims get stride 0. Writing through such a view writes one
// element many times (as in PyTorch, the result of that is unspecified).
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {
// The result extents of expanding In to NS (aligned on the right): a Dyn in NS keeps In's extent
// (PyTorch's -1) unless the extents are given at run time (Runtime), where it stays Dyn.
template <class In, class NS, bool Runtime>
struct expand_shape {
  static constexpr std::size_t off = NS::rank - In::rank;
  static constexpr bool ok = [] {
    if (NS::rank < In::rank) return false;
    for (std::size_t i = 0; i < NS::rank; ++i) {
      const index_t t = NS::static_extents[i];
      if (i < off) {
        if (t == Dyn && !Runtime) return false;  // -1 in a new leading dim
        continue;
      }
      const index_t s = In::static_extents[i - off];
      if (t != Dyn && s != Dyn && s != 1 && s != t) return false;
    }
    return true;
  }();
  static constexpr auto ext = [] {
    auto e = NS::static_extents;
    if constexpr (!Runtime && NS::rank >= In::rank)
      for (std::size_t i = off; i < NS::rank; ++i)
        if (e[i] == Dyn) e[i] = In::static_extents[i - off];
    return e;
  }();
  using type = shape_of_t<ext>;
};

// target: the run-time extents (-1 keeps the input's). Throws shape_error like PyTorch.
template <class R, class Op, class T, class S, class D>
auto expand_impl(const TensorView<T, S, D>& v, std::array<index_t, R::rank> target) {
  constexpr std::size_t off = R::rank - S::rank;
  const auto in = v.dims().array();
  const auto st = v.strides();
  std::array<index_t, R::rank> nst{};
  const auto original = target;
  for (std::size_t i = 0; i < R::rank; ++i) {
    if (i < off) {
      if (target[i] < 0)
        throw shape_error(std::string("ctorch: ") + Op::name + ": the expanded size of the tensor (" +
                          std::to_string(target[i]) + ") isn't allowed in a leading, non-existing dimension " +
                          std::to_string(i));
      nst[i] = 0;
      continue;
    }
    const index_t s = in[i - off];
    if (target[i] == -1) target[i] = s;
    if (s == target[i]) {
      nst[i] = st[i - off];
    } else if (s == 1) {
      nst[i] = 0;
    } else {
      throw shape_error(std::string("ctorch: ") + Op::name + ": the expanded size of the tensor (" +
                        std::to_string(original[i]) + ") must match the existing size (" + std::to_string(s) +
                        ") at non-singleton dimension " + std::to_string(i) +
                        ".  Target sizes: " + shape_string(original) + ".  Tensor sizes: " + shape_string(in));
    }
  }
  return make_view<R, T, D>(v.data(), target, nst, Op::name);
}
}  // namespace detail

// requires: NS of rank >= v's, each extent of v equal to NS's (aligned right) or 1; a Dyn/-1 in NS keeps
// v's extent, or with run-time extents (one per Dyn of NS, -1 keeping) takes them. Static mismatch: a
// compile error naming both shapes; dynamic: shape_error. ensures: a view of v broadcast to NS.
template <class NS, class T, class S, class D, class... I>
requires ShapeType<NS>
auto expand(const TensorView<T, S, D>& v, I... dyn) {
  static_assert(sizeof...(I) == 0 || sizeof...(I) == NS::num_dyn,
                "ctorch: expand: give no run-time extents, or one per Dyn extent of the requested shape");
  using ES = detail::expand_shape<S, NS, (sizeof...(I) > 0)>;
  static_assert(view_check<op::Expand, S, NS, ES::ok>::ok);
  using R = typename ES::type;
  std::array<index_t, R::rank> target = NS::static_extents;
  if constexpr (sizeof...(I) > 0) {
    const std::array<index_t, sizeof...(I)> d{static_cast<index_t>(dyn)...};
    std::size_t k = 0;
    for (auto& e : target)
      if (e == Dyn) e = d[k++];
  }
  return detail::expand_impl<R, op::Expand>(v, target);
}
// expand<2, -1, 4>(x): the extents as integers, -1 keeping x's.
template <index_t... E, class T, class S, class D>
auto expand(const TensorView<T, S, D>& v) {
  return expand<Shape<E...>>(v);
}
CTORCH_VIEW_FORWARD_TENSOR(expand, (class NS), (NS))
CTORCH_VIEW_FORWARD_TENSOR(expand, (index_t... E), (E...))

// requires: v expands to other's shape (as expand). ensures: a view of v with other's shape and extents.
template <class T, class S, class D, Expression O>
auto expand_as(const TensorView<T, S, D>& v, const O& other) {
  using OS = typename std::remove_cvref_t<O>::shape_type;
  static_assert(view_check<op::Expand, S, OS, detail::expand_shape<S, OS, true>::ok>::ok);
  return detail::expand_impl<OS, op::Expand>(v, other.dims().array());
}
template <class T, class S, class D, Expression O>
auto expand_as(Tensor<T, S, D>& t, const O& other) {
  return expand_as(t.view(), other);
}
template <class T, class S, class D, Expression O>
auto expand_as(const Tensor<T, S, D>& t, const O& other) {
  return expand_as(t.view(), other);
}
template <class T, class S, class D, Expression O>
void expand_as(Tensor<T, S, D>&& t, const O& other) = delete;

}  // namespace ctorch
