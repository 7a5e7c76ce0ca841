// ctorch/ops/creation/eye.hpp: eye (torch.eye), a 2-d tensor with ones on the diagonal, zeros elsewhere.
// Spelling: eye<T, N>() is N x N, eye<T, N, M>() is N x M; N and M may be Dyn, given at run time in order:
// eye<float, Dyn>(n) is n x n, eye<float, Dyn, 4>(n) is n x 4, eye<float, 3, Dyn>(m), eye<float, Dyn, Dyn>(n, m).
#pragma once
#include <algorithm>

#include "common.hpp"

namespace ctorch {

namespace detail {
// The default of eye's M: "the same as N" (distinct from Dyn, so eye<T, Dyn>(n) is square).
inline constexpr index_t eye_square = -2;
}  // namespace detail

// requires: one non-negative integer per Dyn among N and M (value_error for a negative one, as torch).
// ensures: a tensor of shape [N, M] (M = N when omitted) with element (i, j) = (i == j), on device D.
template <DType T, index_t N, index_t M = detail::eye_square, Device D = Cpu, class... I>
auto eye(I... dyn) {
  constexpr bool square = M == detail::eye_square;
  using S = Shape<N, square ? N : M>;
  constexpr std::size_t want = square ? (N == Dyn ? 1 : 0) : S::num_dyn;
  static_assert(creation_extents_check<creation::Eye, S, sizeof...(I) + (S::num_dyn - want),
                                       (std::is_integral_v<I> && ...)>::value);
  if constexpr (sizeof...(I) == want && (std::is_integral_v<I> && ...)) {
    for (index_t d : {index_t(dyn)..., index_t(0)})
      if (d < 0) throw value_error("ctorch: eye: n and m must be >= 0, got " + std::to_string(d));
    Tensor<T, S, D> t = [&] {
      if constexpr (square && N == Dyn)
        return Tensor<T, S, D>(Dims<S>(dyn..., dyn...));
      else
        return Tensor<T, S, D>(Dims<S>(dyn...));
    }();
    const index_t rows = t.dims()[0], cols = t.dims()[1];
    detail::fill_host(t, [&](T* p) {  // the storage is zero-filled: only the diagonal is written
      for (index_t i = 0; i < std::min(rows, cols); ++i) p[i * cols + i] = T(1);
    });
    return t;
  } else {
    return Tensor<T, S, D>(Dims<S>{});  // not reached: the static_assert above failed
  }
}

}  // namespace ctorch
