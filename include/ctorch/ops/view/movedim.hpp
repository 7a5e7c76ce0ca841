// ctorch/ops/view/movedim.hpp: movedim (torch.movedim): dim Src moved to position Dst, the others
// keeping their order.
#pragma once
#include "permute.hpp"

namespace ctorch {

namespace detail {
template <std::size_t R, std::size_t Src, std::size_t Dst>
constexpr std::array<std::size_t, R> movedim_perm() {
  std::array<std::size_t, R> p{};
  std::size_t k = 0;
  for (std::size_t i = 0; i < R; ++i) {
    if (i == Dst) {
      p[i] = Src;
    } else {
      if (k == Src) ++k;
      p[i] = k++;
    }
  }
  return p;
}
}  // namespace detail

// requires: Src, Dst in [-rank, rank). ensures: a view with v's dim Src at position Dst, aliasing v.
template <int Src, int Dst, class T, class S, class D>
auto movedim(const TensorView<T, S, D>& v) {
  constexpr std::size_t s = view_dim_check<op::Movedim, S, Src>::value;
  constexpr std::size_t d = view_dim_check<op::Movedim, S, Dst>::value;
  return detail::permute_impl<op::Movedim, detail::movedim_perm<S::rank, s, d>()>(v);
}
CTORCH_VIEW_FORWARD_TENSOR(movedim, (int Src, int Dst), (Src, Dst))
CTORCH_VIEW_FORWARD_VAR(movedim, (int Src, int Dst), (Src, Dst))

}  // namespace ctorch
