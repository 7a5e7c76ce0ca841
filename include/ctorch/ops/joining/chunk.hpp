// ctorch/ops/joining/chunk.hpp: chunk (torch.chunk): x cut along dim Dim into at most Chunks views of
// ceil(size / Chunks) entries each (the last may be shorter, and there may be fewer than Chunks pieces, as
// in PyTorch; an empty dim gives Chunks empty pieces). Each piece aliases x.
// Result: with a static Chunks and a static extent, a std::array of views (as split<Dim, ceil(size /
// Chunks)>); otherwise a std::vector of views with a Dyn extent at Dim. dtype: x's. Gradient: as split.
// Errors: Chunks <= 0 is a compile error (value_error for a run-time count); Dim out of range a compile error.
#pragma once
#include "split.hpp"

namespace ctorch {

namespace op {
struct Chunk {
  static constexpr const char* name = "chunk";
};
}  // namespace op

namespace detail {
template <std::size_t P, class T, class S, class D>
auto chunk_dyn(const TensorView<T, S, D>& v, index_t chunks) {
  if (chunks <= 0)
    throw value_error("ctorch: chunk: chunk expects `chunks` to be greater than 0, got: " + std::to_string(chunks));
  const index_t n = v.dims()[P];
  const index_t size = (n + chunks - 1) / chunks;
  if (size == 0 && n == 0) return split_sizes_dyn<P>(v, std::vector<index_t>(std::size_t(chunks), 0));
  return split_dyn<P>(v, size);
}
}  // namespace detail

// requires: Dim in [-rank, rank); Chunks > 0 (compile errors). ensures: views of ceil(size / Chunks)
// entries along Dim, aliasing v: a std::array when the extent is static, else a std::vector.
template <int Dim, index_t Chunks, class T, class S, class D>
auto chunk(const TensorView<T, S, D>& v) {
  constexpr std::size_t P = view_dim_check<op::Chunk, S, Dim>::value;
  static_assert(joining_check<op::Chunk, Args<Dim, Chunks>, (Chunks > 0), S>::ok);
  constexpr index_t n = S::static_extents[P];
  if constexpr (n == Dyn || Chunks <= 0) {
    return detail::chunk_dyn<P>(v, Chunks);
  } else if constexpr (n == 0) {
    using RS = detail::with_extent_t<S, P, 0>;
    return detail::array_from<TensorView<T, RS, D>>([&](index_t) { return detail::piece<RS, P>(v, 0, 0, "chunk"); },
                                                    std::make_index_sequence<std::size_t(Chunks)>{});
  } else {
    return split<Dim, (n + Chunks - 1) / Chunks>(v);
  }
}
// requires: Dim in [-rank, rank); chunks > 0 (value_error). ensures: a std::vector of views of
// ceil(size / chunks) entries along Dim, aliasing v.
template <int Dim, class T, class S, class D>
auto chunk(const TensorView<T, S, D>& v, index_t chunks) {
  constexpr std::size_t P = view_dim_check<op::Chunk, S, Dim>::value;
  return detail::chunk_dyn<P>(v, chunks);
}
CTORCH_VIEW_FORWARD_TENSOR(chunk, (int Dim, index_t Chunks), (Dim, Chunks))
CTORCH_VIEW_FORWARD_TENSOR(chunk, (int Dim), (Dim))

// On a Var: the same pieces as Vars (detail::track_pieces), each with its slice's VJP.
template <int Dim, index_t Chunks, class T, class S, class D>
auto chunk(const Var<T, S, D>& v) {
  return detail::track_pieces("SplitBackward0", v, chunk<Dim, Chunks>(v.value().view()));
}
template <int Dim, class T, class S, class D>
auto chunk(const Var<T, S, D>& v, index_t chunks) {
  return detail::track_pieces("SplitBackward0", v, chunk<Dim>(v.value().view(), chunks));
}

}  // namespace ctorch
