// ctorch/core/parallel.hpp: the CPU thread count (torch.set_num_threads), parallel_for and parallel_team.
//
// ctorch's own team of worker threads, started on first use and kept for the life of the process. A
// waiting thread (a worker between regions, the caller at a region's end, any thread at a barrier) spins
// for up to 100 microseconds, then sleeps in the kernel (std::atomic::wait: a futex on Linux). GNU
// OpenMP, used here before, spins 300,000 pauses (about 12 ms on Zen 5): on a loaded machine the spinning
// thread takes the time slices its partner needs. With three busy processes on a 2-core machine a
// 2-thread 256^3 SGEMM took 640 us under OpenMP against 280 us on one thread (bench/README.md, "Session
// 13"). Work below the grain runs inline on the caller's thread, so small tensors pay one comparison.
// One region runs at a time: a region started while another runs (nested in it, or from another thread
// of the program) runs on its caller's thread alone, which parallel_team's contract allows.
#pragma once
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#endif

#include "config.hpp"
#include "error.hpp"

namespace ctorch {

namespace detail {
// The default thread count: OMP_NUM_THREADS when it is a positive number (as PyTorch reads it), else the
// hardware's.
inline int default_num_threads() {
  if (const char* env = std::getenv("OMP_NUM_THREADS")) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && n >= 1 && n <= 4096) return int(n);
  }
  return std::max(1, int(std::thread::hardware_concurrency()));
}

inline int& num_threads_ref() {
  static int n = default_num_threads();
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

// A pause in a spin loop: it frees the core's shared resources for the sibling hyperthread.
CTORCH_ALWAYS_INLINE void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Returns once `word` no longer holds `old`: a spin of up to 100 microseconds, then sleeps until a
// notify. The spin keeps back-to-back regions (a training step's) from paying a kernel wake-up each on an
// idle machine; its bound keeps a waiting thread from taking the time its partner needs on a loaded one.
// The bound is a time, not a count of pauses: a pause takes 10 to 150 cycles by CPU (about 40 ns on Zen 5).
inline void wait_for_change(const std::atomic<unsigned>& word, unsigned old) {
  if (word.load(std::memory_order_acquire) != old) return;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(100);
  do {
    for (int i = 0; i < 16; ++i) {
      if (word.load(std::memory_order_acquire) != old) return;
      cpu_relax();
    }
  } while (std::chrono::steady_clock::now() < deadline);
  while (word.load(std::memory_order_acquire) == old) word.wait(old, std::memory_order_acquire);
}

// Bumps `word` and wakes its sleepers.
inline void signal_change(std::atomic<unsigned>& word) {
  word.fetch_add(1, std::memory_order_release);
  word.notify_all();
}

// A reusable barrier for a team of n threads with the wait above.
class team_barrier {
 public:
  void reset(int n) {
    n_ = n;
    count_.store(0, std::memory_order_relaxed);
  }
  void arrive_and_wait() {
    const unsigned phase = phase_.load(std::memory_order_acquire);
    if (count_.fetch_add(1, std::memory_order_acq_rel) == n_ - 1) {
      count_.store(0, std::memory_order_relaxed);  // before the release below: the next phase starts at 0
      signal_change(phase_);
      return;
    }
    wait_for_change(phase_, phase);
  }

 private:
  int n_ = 1;
  std::atomic<int> count_{0};
  std::atomic<unsigned> phase_{0};
};
}  // namespace detail

// One thread of a parallel_team: its rank in [0, size) and a barrier over the whole team.
class team_member {
 public:
  int rank = 0, size = 1;
  // Returns once every thread of the team has called sync() as many times as this one.
  void sync() const {
    if (size > 1) bar_->arrive_and_wait();
  }
  detail::team_barrier* bar_ = nullptr;
};

namespace detail {
// The body of a parallel region, type-erased: the thread team below is compiled once for the whole
// program, and each body once, in its thunk (a template per body type costs compile time in every model).
using team_body = void (*)(void*, const team_member&);
template <class F>
CTORCH_NOINLINE void call_member(void* f, const team_member& m) {
  (*static_cast<F*>(f))(m);
}
template <class F>
void* erased(F& f) {
  return const_cast<void*>(static_cast<const void*>(std::addressof(f)));
}

// The worker threads. Worker r (rank r >= 1 in a team) sleeps on its own word, so a team of 2 wakes one
// worker however many exist; the last worker to finish a region wakes the caller. The pool is never
// destroyed: its threads sleep until the process exits (no join at exit, when other statics may be gone).
// A child of fork() has none of its parent's workers: it starts a pool of its own.
class thread_pool {
 public:
  static thread_pool& get() {
    static std::atomic<thread_pool*> current{nullptr};
#if defined(__unix__) || defined(__APPLE__)
    static const bool fork_handler = [] {
      ::pthread_atfork(nullptr, nullptr, [] { current.store(nullptr, std::memory_order_relaxed); });
      return true;
    }();
    (void)fork_handler;
#endif
    thread_pool* p = current.load(std::memory_order_acquire);
    if (p) return *p;
    thread_pool* fresh = new thread_pool;
    if (current.compare_exchange_strong(p, fresh, std::memory_order_acq_rel)) return *fresh;
    delete fresh;  // another thread's pool won; this one started no threads
    return *p;
  }

  // Runs body(ctx, member) on a team of nt >= 2 threads, the caller as rank 0; false (nothing run) when
  // another region holds the pool.
  bool run(int nt, team_body body, void* ctx) {
    if (busy_.exchange(true, std::memory_order_acquire)) return false;
    try {
      workers_.reserve(std::size_t(nt - 1));  // then push_back cannot throw once a thread runs
      while (int(workers_.size()) < nt - 1) {
        const int rank = int(workers_.size()) + 1;
        auto w = std::make_unique<worker>();
        std::thread([this, pw = w.get(), rank] { loop(*pw, rank); }).detach();
        workers_.push_back(std::move(w));
      }
    } catch (...) {  // no memory or no more threads: a smaller team (at worst, the caller alone)
      nt = int(workers_.size()) + 1;
      if (nt == 1) {
        busy_.store(false, std::memory_order_release);
        return false;
      }
    }
    body_ = body;
    ctx_ = ctx;
    size_ = nt;
    bar_.reset(nt);
    remaining_.store(nt - 1, std::memory_order_relaxed);
    const unsigned done = done_.load(std::memory_order_relaxed);
    for (int r = 1; r < nt; ++r) signal_change(workers_[std::size_t(r - 1)]->wake);  // release: the job above
    body(ctx, team_member{0, nt, &bar_});
    wait_for_change(done_, done);
    busy_.store(false, std::memory_order_release);
    return true;
  }

 private:
  struct alignas(64) worker {
    std::atomic<unsigned> wake{0};
  };

  void loop(worker& w, int rank) {
    unsigned seen = 0;
    for (;;) {
      wait_for_change(w.wake, seen);
      seen = w.wake.load(std::memory_order_acquire);
      body_(ctx_, team_member{rank, size_, &bar_});
      if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) signal_change(done_);
    }
  }

  std::atomic<bool> busy_{false};
  std::vector<std::unique_ptr<worker>> workers_;  // changed only by the thread that holds busy_
  team_body body_ = nullptr;
  void* ctx_ = nullptr;
  int size_ = 1;
  team_barrier bar_;
  alignas(64) std::atomic<int> remaining_{0};
  alignas(64) std::atomic<unsigned> done_{0};
};

// Runs body(ctx, member) on a team of nt threads: the pool's when it is free, else the caller alone.
inline void run_team(int nt, team_body body, void* ctx) {
  if (nt <= 1 || !thread_pool::get().run(nt, body, ctx)) body(ctx, team_member{});
}

// How many chunks parallel_for splits n elements into: 1 below 2 * grain.
inline int chunk_count(index_t n, index_t grain) {
  if (n < 2 * grain) return 1;  // one chunk: no division, no thread-count lookup
  const index_t max_chunks = std::max<index_t>(1, n / std::max<index_t>(grain, 1));
  return int(std::min<index_t>(get_num_threads(), max_chunks));
}

// The body of a parallel loop, type-erased as above.
using chunk_body = void (*)(void*, index_t, index_t);
template <class F>
CTORCH_NOINLINE void call_chunk(void* f, index_t b, index_t e) {
  (*static_cast<F*>(f))(b, e);
}

// Runs body(ctx, b, e) over [0, n) in nt >= 2 chunks whose boundaries are multiples of align: chunk t on
// rank t of a team, or every chunk on the caller when the team has one thread.
inline void run_chunks(index_t n, int nt, index_t align, chunk_body body, void* ctx) {
  struct job {
    index_t n, chunk;
    int nt;
    chunk_body body;
    void* ctx;
  };
  index_t chunk = (n + nt - 1) / nt;
  chunk = (chunk + align - 1) / align * align;
  job j{n, chunk, nt, body, ctx};
  run_team(
      nt,
      [](void* p, const team_member& m) {
        const job& jb = *static_cast<const job*>(p);
        // A team smaller than nt (the pool busy): each member runs its share of the chunks.
        for (int t = m.rank; t < jb.nt; t += m.size) {
          const index_t b = std::min(jb.n, t * jb.chunk), e = std::min(jb.n, b + jb.chunk);
          if (b < e) jb.body(jb.ctx, b, e);
        }
      },
      &j);
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

// Runs f(member) once on each thread of a team of at most min(nt, get_num_threads()) threads, one
// parallel region for the whole of f, so work in phases pays for one thread start and a barrier per
// phase (member.sync()), not for a region per phase. The team may be smaller than asked (a region nested
// in another, or started while another thread's region runs, gets one thread): f must split its work by
// member.rank and member.size alone.
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
