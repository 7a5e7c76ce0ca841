// ctorch/ops/view/unflatten.hpp: unflatten (torch.unflatten): dim Dim of x split into several dims of
// extents Sizes... (one of them may be Infer, -1, computed from the others), as a view aliasing x.
// Shape: x's dims before Dim, then Sizes..., then x's dims after Dim; an Infer extent is static when x's
// extent at Dim is, else Dyn. Always a view (the new dims' strides are Dim's stride times the contiguous
// strides of Sizes). dtype: x's. Gradient: the gradient flattened back.
// Errors: Dim out of range, more than one Infer, or Sizes whose product is not the static extent are
// compile errors; with a Dyn extent, a mismatch throws shape_error.
#pragma once
#include "common.hpp"

namespace ctorch {

namespace op {
struct Unflatten {
  static constexpr const char* name = "unflatten";
};
}  // namespace op

namespace detail {
template <class S, std::size_t P, index_t... Sizes>
constexpr auto unflatten_extents() {
  constexpr std::size_t K = sizeof...(Sizes);
  std::array<index_t, S::rank - 1 + K> e{};
  const std::array<index_t, K> sz{Sizes...};
  index_t known = 1;
  for (index_t s : sz) known *= s == Infer ? 1 : s;
  const index_t n = S::static_extents[P];
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (i < P)
      e[i] = S::static_extents[i];
    else if (i < P + K)
      e[i] = sz[i - P] != Infer ? sz[i - P] : (n == Dyn || known == 0 ? Dyn : n / known);
    else
      e[i] = S::static_extents[i - K + 1];
  }
  return e;
}
template <class S, std::size_t P, index_t... Sizes>
constexpr bool unflatten_ok() {
  const std::array<index_t, sizeof...(Sizes)> sz{Sizes...};
  int infer = 0;
  index_t known = 1;
  for (index_t s : sz) {
    if (s == Infer)
      ++infer;
    else if (s < 0)
      return false;
    else
      known *= s;
  }
  if (infer > 1) return false;
  const index_t n = S::static_extents[P];
  if (n == Dyn) return true;
  return infer == 0 ? known == n : (known != 0 && n % known == 0);
}
}  // namespace detail

// requires: Dim in [-rank, rank); Sizes non-negative but for at most one Infer, with product x.size(Dim)
// (a compile error when static, shape_error otherwise). ensures: a view with dim Dim unflattened to Sizes.
template <int Dim, index_t... Sizes, class T, class S, class D>
requires(sizeof...(Sizes) > 0) auto unflatten(const TensorView<T, S, D>& v) {
  constexpr std::size_t P = view_dim_check<op::Unflatten, S, Dim>::value;
  static_assert(view_check<op::Unflatten, S, Args<Dim, Sizes...>, detail::unflatten_ok<S, P, Sizes...>()>::ok);
  constexpr std::size_t K = sizeof...(Sizes);
  using RS = detail::shape_of_t<detail::unflatten_extents<S, P, Sizes...>()>;
  std::array<index_t, K> sz{Sizes...};
  const index_t n = v.dims()[P];
  detail::infer_extent(sz, n, "unflatten");
  const auto in = v.dims().array();
  const auto st = v.strides();
  std::array<index_t, RS::rank> ext{}, nst{};
  const auto inner = contiguous_strides(sz);
  for (std::size_t i = 0; i < RS::rank; ++i) {
    if (i < P) {
      ext[i] = in[i];
      nst[i] = st[i];
    } else if (i < P + K) {
      ext[i] = sz[i - P];
      nst[i] = inner[i - P] * st[P];
    } else {
      ext[i] = in[i - K + 1];
      nst[i] = st[i - K + 1];
    }
  }
  return detail::make_view<RS, T, D>(v.data(), ext, nst, "unflatten");
}
CTORCH_VIEW_FORWARD_TENSOR(unflatten, (int Dim, index_t... Sizes), (Dim, Sizes...))
CTORCH_VIEW_FORWARD_VAR(unflatten, (int Dim, index_t... Sizes), (Dim, Sizes...))

}  // namespace ctorch
