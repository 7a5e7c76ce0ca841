// ctorch/core/allocator.hpp: the CPU caching allocator behind every Tensor's storage and autograd node.
//
// A training step frees and re-allocates the same sizes over and over (activations, gradients, tape
// nodes). Each thread keeps freed blocks in size classes (four per power of two, so at most 25% slack)
// and hands them out again, so a steady-state step makes no call to the system allocator. Blocks are
// plain 64-byte aligned operator new memory, so a block freed on another thread (a DataLoader batch)
// simply joins that thread's cache. A thread's cache is returned to the system when the thread ends,
// by empty_cache(), or block by block once it holds more than cache_limit() bytes.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

#include "config.hpp"

namespace ctorch {
namespace detail {

inline constexpr std::size_t pool_alignment = 64;
inline constexpr int pool_classes = 1 + 58 * 4;

// Size class of n bytes and the rounded size it is served with.
inline int pool_class(std::size_t n, std::size_t& rounded) noexcept {
  if (n <= 64) {
    rounded = 64;
    return 0;
  }
  const std::size_t m = n - 1;
  const int e = 63 - __builtin_clzll(m);  // 2^e <= m < 2^(e+1), e >= 6
  const std::size_t step = std::size_t(1) << (e - 2);
  const int sub = int(m >> (e - 2)) - 4;  // 0..3
  rounded = std::size_t(5 + sub) * step;
  return 1 + (e - 6) * 4 + sub;
}

struct PoolStats {
  std::uint64_t system_allocations = 0;  // blocks taken from the system allocator
  std::uint64_t cache_hits = 0;
  std::size_t cached_bytes = 0;
};

inline std::size_t& pool_limit_ref() noexcept {
  static std::size_t limit = std::size_t(1) << 30;
  return limit;
}

// A thread's cache: for each size class, a singly linked list threaded through the freed blocks themselves
// (the first 8 bytes of a free block point to the next), so caching and reusing a block is a few
// instructions and never allocates. Zero-initialized and trivially destructible, so the thread_local below
// is reached without an initialization guard on every call; a PoolReaper, armed by the thread's first
// system allocation or first cached block, returns the blocks when the thread ends.
struct PoolCache {
  enum : unsigned char { unarmed, armed, reaped };
  void* head[pool_classes];
  PoolStats stats;
  unsigned char state;

  void release_all() noexcept {
    for (void*& h : head)
      while (h) {
        void* next = *static_cast<void**>(h);
        ::operator delete (h, std::align_val_t{pool_alignment});
        h = next;
      }
    stats.cached_bytes = 0;
  }
};

inline PoolCache& pool_cache() noexcept {
  thread_local constinit PoolCache cache{};
  return cache;
}

struct PoolReaper {
  bool live = true;  // a non-trivial constructor: the thread_local is constructed (and its destructor
                     // registered) where pool_arm names it
  ~PoolReaper() {
    PoolCache& pc = pool_cache();
    pc.release_all();
    pc.state = PoolCache::reaped;  // blocks freed by later thread-exit destructors go straight to the system
  }
};
[[gnu::noinline]] inline void pool_arm() noexcept {
  thread_local PoolReaper reaper;
  pool_cache().state = reaper.live ? PoolCache::armed : PoolCache::reaped;
}

[[gnu::noinline]] inline void* pool_system_allocate(std::size_t rounded) {
  PoolCache& pc = pool_cache();
  if (pc.state == PoolCache::unarmed) pool_arm();
  ++pc.stats.system_allocations;
  return ::operator new (rounded, std::align_val_t{pool_alignment});
}

// Out of line: every Tensor's constructor and destructor calls these, and inlined they were a large share
// of a model's machine code (and compile time).
[[gnu::noinline]] inline void* pool_allocate(std::size_t n) {
  std::size_t rounded;
  const int c = pool_class(n, rounded);
  PoolCache& pc = pool_cache();
  void*& h = pc.head[c];
  if (!h) return pool_system_allocate(rounded);
  void* p = h;
  h = *static_cast<void**>(p);
  pc.stats.cached_bytes -= rounded;
  ++pc.stats.cache_hits;
  return p;
}

[[gnu::noinline]] inline void pool_deallocate(void* p, std::size_t n) noexcept {
  if (!p) return;
  std::size_t rounded;
  const int c = pool_class(n, rounded);
  PoolCache& pc = pool_cache();
  if (pc.state != PoolCache::armed) [[unlikely]] {
    if (pc.state == PoolCache::unarmed) pool_arm();
  }
  if (pc.state == PoolCache::reaped || pc.stats.cached_bytes + rounded > pool_limit_ref()) {
    ::operator delete (p, std::align_val_t{pool_alignment});
    return;
  }
  *static_cast<void**>(p) = pc.head[c];
  pc.head[c] = p;
  pc.stats.cached_bytes += rounded;
}

}  // namespace detail

// ensures: this thread's cached blocks go back to the system (torch.cuda.empty_cache, for the CPU).
inline void empty_cache() noexcept {
  detail::pool_cache().release_all();
}

// requires: nothing. ensures: each thread caches at most `bytes` of freed blocks (default 1 GiB).
inline void set_cache_limit(std::size_t bytes) noexcept {
  detail::pool_limit_ref() = bytes;
}
inline std::size_t cache_limit() noexcept {
  return detail::pool_limit_ref();
}

// This thread's allocator counters (system allocations, cache hits, cached bytes).
inline detail::PoolStats allocator_stats() noexcept {
  return detail::pool_cache().stats;
}

}  // namespace ctorch
