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

class PoolCache {
 public:
  PoolCache() = default;
  PoolCache(const PoolCache&) = delete;
  PoolCache& operator=(const PoolCache&) = delete;
  ~PoolCache() { release_all(); }

  void* allocate(std::size_t n) {
    std::size_t rounded;
    const int c = pool_class(n, rounded);
    auto& bin = bins_[std::size_t(c)];
    if (!bin.empty()) {
      void* p = bin.back();
      bin.pop_back();
      stats_.cached_bytes -= rounded;
      ++stats_.cache_hits;
      return p;
    }
    ++stats_.system_allocations;
    return ::operator new(rounded, std::align_val_t{pool_alignment});
  }

  void deallocate(void* p, std::size_t n) noexcept {
    std::size_t rounded;
    const int c = pool_class(n, rounded);
    auto& bin = bins_[std::size_t(c)];
    if (stats_.cached_bytes + rounded > pool_limit_ref()) {
      ::operator delete(p, std::align_val_t{pool_alignment});
      return;
    }
    try {
      bin.push_back(p);  // grows only while the cache warms up
      stats_.cached_bytes += rounded;
    } catch (...) {
      ::operator delete(p, std::align_val_t{pool_alignment});
    }
  }

  void release_all() noexcept {
    for (auto& bin : bins_) {
      for (void* p : bin) ::operator delete(p, std::align_val_t{pool_alignment});
      bin.clear();
      bin.shrink_to_fit();
    }
    stats_.cached_bytes = 0;
  }

  const PoolStats& stats() const noexcept { return stats_; }

 private:
  std::array<std::vector<void*>, pool_classes> bins_{};
  PoolStats stats_{};
};

inline PoolCache& pool_cache() noexcept {
  thread_local PoolCache cache;
  return cache;
}

inline void* pool_allocate(std::size_t n) { return pool_cache().allocate(n); }
inline void pool_deallocate(void* p, std::size_t n) noexcept {
  if (p) pool_cache().deallocate(p, n);
}

}  // namespace detail

// ensures: this thread's cached blocks go back to the system (torch.cuda.empty_cache, for the CPU).
inline void empty_cache() noexcept { detail::pool_cache().release_all(); }

// requires: nothing. ensures: each thread caches at most `bytes` of freed blocks (default 1 GiB).
inline void set_cache_limit(std::size_t bytes) noexcept { detail::pool_limit_ref() = bytes; }
inline std::size_t cache_limit() noexcept { return detail::pool_limit_ref(); }

// This thread's allocator counters (system allocations, cache hits, cached bytes).
inline detail::PoolStats allocator_stats() noexcept { return detail::pool_cache().stats(); }

}  // namespace ctorch
