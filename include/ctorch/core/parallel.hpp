// ctorch/core/parallel.hpp: the CPU thread count (torch.set_num_threads) and a parallel_for.
//
// OpenMP when the build has it (the CMake target links it when found), std::thread otherwise. Work
// below the grain runs inline on the caller's thread, so small tensors pay one comparison.
#pragma once
#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "config.hpp"
#include "error.hpp"
#if defined(_OPENMP)
#include <omp.h>
#endif

namespace ctorch {

namespace detail {
inline int& num_threads_ref() {
  static int n = [] {
#if defined(_OPENMP)
    return std::max(1, omp_get_max_threads());
#else
    return std::max(1, int(std::thread::hardware_concurrency()));
#endif
  }();
  return n;
}
}  // namespace detail

// requires: n >= 1 (throws value_error). ensures: CPU evaluation uses at most n threads.
inline void set_num_threads(int n) {
  if (n < 1) throw value_error("ctorch: set_num_threads: expected a positive thread count, got " + std::to_string(n));
  detail::num_threads_ref() = n;
}

inline int get_num_threads() { return detail::num_threads_ref(); }

// Runs f(begin, end) over [0, n) split into at most get_num_threads() chunks of at least `grain`
// elements; chunk boundaries are multiples of `align` so packet loops stay aligned across threads.
// requires: f does not throw.
template <class F>
void parallel_for(index_t n, index_t grain, F&& f, index_t align = 1) {
  if (n <= 0) return;
  const index_t max_chunks = std::max<index_t>(1, n / std::max<index_t>(grain, 1));
  const int nt = int(std::min<index_t>(get_num_threads(), max_chunks));
  if (nt <= 1) {
    f(index_t(0), n);
    return;
  }
  index_t chunk = (n + nt - 1) / nt;
  chunk = (chunk + align - 1) / align * align;
#if defined(_OPENMP)
#pragma omp parallel for num_threads(nt) schedule(static, 1)
  for (int t = 0; t < nt; ++t) {
    const index_t b = std::min(n, t * chunk), e = std::min(n, b + chunk);
    if (b < e) f(b, e);
  }
#else
  std::vector<std::thread> pool;
  pool.reserve(nt - 1);
  for (int t = 1; t < nt; ++t) {
    const index_t b = std::min(n, t * chunk), e = std::min(n, b + chunk);
    if (b < e) pool.emplace_back([&f, b, e] { f(b, e); });
  }
  f(index_t(0), std::min(n, chunk));
  for (auto& th : pool) th.join();
#endif
}

}  // namespace ctorch

namespace ctorch {

// Reduces [0, n) in at most get_num_threads() chunks: f(begin, end) -> Acc per chunk, partials merged
// left to right with merge(a, b), so the result does not depend on timing.
// requires: f and merge do not throw.
template <class Acc, class F, class M>
Acc parallel_reduce(index_t n, index_t grain, Acc init, F&& f, M&& merge, index_t align = 1) {
  constexpr int max_threads = 64;
  if (n <= 0) return init;
  const index_t max_chunks = std::max<index_t>(1, n / std::max<index_t>(grain, 1));
  const int nt = int(std::min<index_t>({get_num_threads(), max_chunks, max_threads}));
  if (nt <= 1) return merge(init, f(index_t(0), n));
  index_t chunk = (n + nt - 1) / nt;
  chunk = (chunk + align - 1) / align * align;
  Acc partial[max_threads];
  for (int t = 0; t < nt; ++t) partial[t] = init;
  parallel_for(
      index_t(nt), 1,
      [&](index_t tb, index_t te) {
        for (index_t t = tb; t < te; ++t) {
          const index_t b = std::min(n, t * chunk), e = std::min(n, b + chunk);
          if (b < e) partial[t] = f(b, e);
        }
      });
  Acc acc = init;
  for (int t = 0; t < nt; ++t) acc = merge(acc, partial[t]);
  return acc;
}

}  // namespace ctorch
