// ctorch/ops/view/flatten.hpp: flatten (torch.flatten): dims Start..End (inclusive, negative from the
// end) merged into one. Shape: their product (Dyn if any is Dyn). A 0-d input gives shape [1]. Like
// reshape, it returns a view and throws shape_error where PyTorch would copy (call contiguous first).
#pragma once
#include "view.hpp"

namespace ctorch {

namespace detail {
template <class S, std::size_t A, std::size_t B>
constexpr auto flatten_ext() {
  std::array<index_t, S::rank - (B - A)> e{};
  index_t p = 1;
  for (std::size_t i = A; i <= B; ++i) p = (p == Dyn || S::static_extents[i] == Dyn) ? Dyn : p * S::static_extents[i];
  for (std::size_t i = 0; i < e.size(); ++i)
    e[i] = i < A ? S::static_extents[i] : i == A ? p : S::static_extents[i + B - A];
  return e;
}
}  // namespace detail

// requires: Start, End in [-rank, rank), Start <= End after wrapping. ensures: a view with dims
// Start..End merged, aliasing v; shape_error when the strides need a copy.
template <int Start = 0, int End = -1, class T, class S, class D>
auto flatten(const TensorView<T, S, D>& v) {
  if constexpr (S::rank == 0) {
    return detail::view_impl<op::Flatten, Shape<1>>(v);
  } else {
    constexpr std::size_t a = view_dim_check<op::Flatten, S, Start>::value;
    constexpr std::size_t b = view_dim_check<op::Flatten, S, End>::value;
    static_assert(view_check<op::Flatten, S, Args<Start, End>, (a <= b)>::ok);
    using R = detail::shape_of_t<detail::flatten_ext<S, a, b>()>;
    const auto in = v.dims().array();
    std::array<index_t, R::rank> ext{};
    for (std::size_t i = 0; i < R::rank; ++i) ext[i] = i < a ? in[i] : i == a ? 1 : in[i + b - a];
    for (std::size_t i = a; i <= b; ++i) ext[a] *= in[i];
    std::size_t k = 0;
    auto dyn = ext;  // Dims<R>::from_array is what view_impl needs: pass R's Dyn extents in order
    for (std::size_t i = 0; i < R::rank; ++i)
      if (R::static_extents[i] == Dyn) dyn[k++] = ext[i];
    return [&]<std::size_t... K>(std::index_sequence<K...>) {
      return detail::view_impl<op::Flatten, R>(v, dyn[K]...);
    }
    (std::make_index_sequence<R::num_dyn>{});
  }
}
CTORCH_VIEW_FORWARD_TENSOR(flatten, (int Start = 0, int End = -1), (Start, End))
CTORCH_VIEW_FORWARD_VAR(flatten, (int Start = 0, int End = -1), (Start, End))

}  // namespace ctorch
