// ctorch/core/parallel.hpp: the CPU thread count (torch.set_num_threads), parallel_for and parallel_team.
//
// OpenMP when the build has it (the CMake target links it when found), std::thread otherwise. Work
// below the grain runs inline on the caller's thread, so small tensors pay one comparison.
#pragma once
#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>
#if !defined(_OPENMP)
#include <barrier>
#endif

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

inline int get_num_threads() {
  return detail::num_threads_ref();
}

namespace detail {
// The body of a parallel loop, type-erased: the thread regions below are compiled once for the whole
// program, and each body once, in its thunk (a template per body type costs compile time in every model).
using chunk_body = void (*)(void*, index_t, index_t);
template <class F>
CTORCH_NOINLINE void call_chunk(void* f, index_t b, index_t e) {
  (*static_cast<F*>(f))(b, e);
}
template <class F>
void* erased(F& f) {
  return const_cast<void*>(static_cast<const void*>(std::addressof(f)));
}

// How many chunks parallel_for splits n elements into: 1 below 2 * grain.
inline int chunk_count(index_t n, index_t grain) {
  if (n < 2 * grain) return 1;  // one chunk: no division, no thread-count lookup
  const index_t max_chunks = std::max<index_t>(1, n / std::max<index_t>(grain, 1));
  return int(std::min<index_t>(get_num_threads(), max_chunks));
}

// Runs body(ctx, b, e) over [0, n) in nt >= 2 chunks whose boundaries are multiples of align.
inline void run_chunks(index_t n, int nt, index_t align, chunk_body body, void* ctx) {
  index_t chunk = (n + nt - 1) / nt;
  chunk = (chunk + align - 1) / align * align;
#if defined(_OPENMP)
#pragma omp parallel for num_threads(nt) schedule(static, 1)
  for (int t = 0; t < nt; ++t) {
    const index_t b = std::min(n, t * chunk), e = std::min(n, b + chunk);
    if (b < e) body(ctx, b, e);
  }
#else
  std::vector<std::thread> pool;
  pool.reserve(nt - 1);
  for (int t = 1; t < nt; ++t) {
    const index_t b = std::min(n, t * chunk), e = std::min(n, b + chunk);
    if (b < e) pool.emplace_back([body, ctx, b, e] { body(ctx, b, e); });
  }
  body(ctx, index_t(0), std::min(n, chunk));
  for (auto& th : pool) th.join();
#endif
}
}  // namespace detail

// Runs f(begin, end) over [0, n) split into at most get_num_threads() chunks of at least `grain`
// elements; chunk boundaries are multiples of `align` so packet loops stay aligned across threads.
// requires: f does not throw.
template <class F>
void parallel_for(index_t n, index_t grain, F&& f, index_t align = 1) {
  if (n <= 0) return;
  using Body = std::remove_reference_t<F>;
  const int nt = detail::chunk_count(n, grain);
  if (nt <= 1) return detail::call_chunk<Body>(detail::erased(f), index_t(0), n);
  detail::run_chunks(n, nt, align, &detail::call_chunk<Body>, detail::erased(f));
}

// One thread of a parallel_team: its rank in [0, size) and a barrier over the whole team.
class team_member {
 public:
  int rank = 0, size = 1;
  // Returns once every thread of the team has called sync() as many times as this one.
  void sync() const {
    if (size <= 1) return;
#if defined(_OPENMP)
#pragma omp barrier
#else
    bar_->arrive_and_wait();
#endif
  }
#if !defined(_OPENMP)
  std::barrier<>* bar_ = nullptr;
#endif
};

// Runs f(member) once on each thread of a team of at most min(nt, get_num_threads()) threads, one
// parallel region for the whole of f, so work in phases pays for one thread start and a barrier per
// phase (member.sync()), not for a region per phase. The team may be smaller than asked (a region nested
// in another gets one thread): f must split its work by member.rank and member.size alone.
// requires: f does not throw; every thread of the team calls sync() the same number of times.
namespace detail {
using team_body = void (*)(void*, const team_member&);
template <class F>
CTORCH_NOINLINE void call_member(void* f, const team_member& m) {
  (*static_cast<F*>(f))(m);
}

// Runs body(ctx, member) on each thread of a team of nt >= 2 threads.
inline void run_team(int nt, team_body body, void* ctx) {
#if defined(_OPENMP)
#pragma omp parallel num_threads(nt)
  {
    team_member m;
    m.rank = omp_get_thread_num();
    m.size = omp_get_num_threads();
    body(ctx, m);
  }
#else
  std::barrier<> bar(nt);
  auto run = [body, ctx, &bar, nt](int r) {
    team_member m;
    m.rank = r;
    m.size = nt;
    m.bar_ = &bar;
    body(ctx, m);
  };
  std::vector<std::thread> pool;
  pool.reserve(nt - 1);
  for (int t = 1; t < nt; ++t) pool.emplace_back(run, t);
  run(0);
  for (auto& th : pool) th.join();
#endif
}
}  // namespace detail

// Runs f(member) once on each thread of a team of at most min(nt, get_num_threads()) threads, one
// parallel region for the whole of f, so work in phases pays for one thread start and a barrier per
// phase (member.sync()), not for a region per phase. The team may be smaller than asked (a region nested
// in another gets one thread): f must split its work by member.rank and member.size alone.
// requires: f does not throw; every thread of the team calls sync() the same number of times.
template <class F>
void parallel_team(int nt, F&& f) {
  using Body = std::remove_reference_t<F>;
  nt = std::max(1, std::min(nt, get_num_threads()));
  if (nt == 1) return detail::call_member<Body>(detail::erased(f), team_member{});
  detail::run_team(nt, &detail::call_member<Body>, detail::erased(f));
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
  parallel_for(index_t(nt), 1, [&](index_t tb, index_t te) {
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
