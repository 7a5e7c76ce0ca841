// ctorch/eval/cuda/executor.hpp: the CUDA evaluator. One kernel per assignment or full reduction.
//
// The evaluator tree built by make_evaluator is trivially copyable and callable on host and device, so
// it is passed by value into a Thrust functor (no extended lambdas): thrust::for_each_n over a counting
// iterator writes the destination, thrust::transform_reduce (CUB underneath) reduces. Two access modes,
// chosen at run time from the strides as on the CPU: linear (destination and every leaf contiguous
// with the destination's extents: ev.linear(i)), and indexed (i unravelled into a multi-index:
// ev.at(idx), written through the destination's strides). Device paths use plain arrays, not
// std::array, so no --expt-relaxed-constexpr is needed.
#pragma once
#include <array>
#include <cstddef>
#include <type_traits>

#include <thrust/for_each.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/transform_reduce.h>

#include "../../core/shape.hpp"
#include "../executor.hpp"
#include "config.hpp"

namespace ctorch {

namespace cuda_backend {

// Row-major multi-index of linear position i over extents ext (R >= 1).
template <std::size_t R>
CTORCH_HD void unravel(index_t i, const index_t* ext, index_t* idx) {
  for (std::size_t d = R; d-- > 0;) {
    idx[d] = i % ext[d];
    i /= ext[d];
  }
}

// dst[i] = ev(i) for every position i of the destination.
template <class T, std::size_t R, class Ev, bool Linear>
struct assign_fn {
  T* dst;
  Ev ev;
  index_t ext[R > 0 ? R : 1];
  index_t st[R > 0 ? R : 1];

  CTORCH_HD void operator()(index_t i) const {
    if constexpr (Linear || R == 0) {
      dst[i] = static_cast<T>(ev.linear(i));
    } else {
      index_t idx[R];
      unravel<R>(i, ext, idx);
      index_t off = 0;
      for (std::size_t d = 0; d < R; ++d) off += idx[d] * st[d];
      dst[off] = static_cast<T>(ev.at(idx));
    }
  }
};

// The partial accumulator of one element: Red::step(init, ev(i), i); k is the row-major position, as on
// the CPU. The access mode is a run-time flag (uniform across the launch) rather than a template
// argument, so each reduction instantiates CUB's reduce kernels once, not twice.
template <class Red, class Acc, std::size_t R, class Ev>
struct reduce_fn {
  Ev ev;
  index_t ext[R > 0 ? R : 1];
  bool linear;

  CTORCH_HD Acc operator()(index_t i) const {
    if constexpr (R > 0) {
      if (!linear) {
        index_t idx[R];
        unravel<R>(i, ext, idx);
        return Red::step(Red::template init<Acc>(), ev.at(idx), i);
      }
    }
    return Red::step(Red::template init<Acc>(), ev.linear(i), i);
  }
};

template <class Red, class Acc>
struct merge_fn {
  CTORCH_HD Acc operator()(const Acc& a, const Acc& b) const { return Red::merge(a, b); }
};

}  // namespace cuda_backend

template <>
struct executor<Cuda> {
  // The Thrust execution policy of every launch (see cuda_backend::policy: a stream-bound caching allocator
  // plugs in there).
  static auto policy() { return cuda_backend::policy(); }

  // Writes ev into dst (device memory, strides dst_st, extents ext); dtype conversion happens here.
  template <class T, std::size_t R, class Ev>
  static void assign(T* dst, const std::array<index_t, R>& dst_st, const std::array<index_t, R>& ext, const Ev& ev) {
    static_assert(std::is_trivially_copyable_v<Ev>, "ctorch: cuda: evaluators must be trivially copyable");
    const index_t n = numel_of(ext);
    if (n == 0) return;
    const auto cst = contiguous_strides(ext);
    bool linear = true;
    for (std::size_t d = 0; d < R; ++d) linear = linear && (ext[d] == 1 || dst_st[d] == cst[d]);
    linear = linear && ev.linear_ok(ext, cst);
    if (linear)
      launch_assign<true>(dst, dst_st, ext, ev, n);
    else
      launch_assign<false>(dst, dst_st, ext, ev, n);
  }

  // Reduces every element of ev with reducer Red into an accumulator of type Acc (one transform_reduce).
  // requires: Red::init, step and merge are CTORCH_HD; merge is associative and commutative (CUB may
  // combine partials in any order).
  template <class Red, class Acc, std::size_t R, class Ev>
  static Acc reduce_all(const std::array<index_t, R>& ext, const Ev& ev) {
    static_assert(std::is_trivially_copyable_v<Ev>, "ctorch: cuda: evaluators must be trivially copyable");
    const index_t n = numel_of(ext);
    if (n == 0) return Red::template init<Acc>();
    cuda_backend::reduce_fn<Red, Acc, R, Ev> f{ev, {}, ev.linear_ok(ext, contiguous_strides(ext))};
    for (std::size_t d = 0; d < R; ++d) f.ext[d] = ext[d];
    return cuda_backend::checked("reduce", [&] {
      return thrust::transform_reduce(policy(), thrust::counting_iterator<index_t>(0),
                                      thrust::counting_iterator<index_t>(n), f, Red::template init<Acc>(),
                                      cuda_backend::merge_fn<Red, Acc>{});
    });
  }

  // Reductions along a dim (sum(x, 1), argmax, cumsum) are not on the GPU yet.
  template <class Red, class Acc, bool Scan = false, class Out, std::size_t R, class Ev>
  static void reduce_dim(Out*, const std::array<index_t, R>&, std::size_t, const Ev&) {
    static_assert(sizeof(Out) == 0,
                  "ctorch: cuda: reductions along a dim are not implemented on Cuda yet; reduce on the CPU "
                  "(x.to<Cpu>()) or reduce all elements");
  }

 private:
  template <bool Linear, class T, std::size_t R, class Ev>
  static void launch_assign(T* dst, const std::array<index_t, R>& dst_st, const std::array<index_t, R>& ext,
                            const Ev& ev, index_t n) {
    cuda_backend::assign_fn<T, R, Ev, Linear> f{dst, ev, {}, {}};
    for (std::size_t d = 0; d < R; ++d) {
      f.ext[d] = ext[d];
      f.st[d] = dst_st[d];
    }
    cuda_backend::checked("assign", [&] { thrust::for_each_n(policy(), thrust::counting_iterator<index_t>(0), n, f); });
  }
};

}  // namespace ctorch
