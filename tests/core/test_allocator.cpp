// The caching allocator (core/allocator.hpp): size classes, reuse, the cache limit, empty_cache, and a
// thread's cache going back to the system when the thread ends.
#include <doctest/doctest.h>

#include <ctorch/core.hpp>
#include <thread>

using namespace ctorch;

TEST_CASE("allocator: size classes round up by at most 25% and a freed block is reused") {
  std::size_t r;
  CHECK(detail::pool_class(1, r) == 0);
  CHECK(r == 64);
  CHECK(detail::pool_class(64, r) == 0);
  CHECK(detail::pool_class(65, r) == 1);
  CHECK(r == 80);
  CHECK(detail::pool_class(1000, r) >= 1);
  CHECK(r >= 1000);
  CHECK(r <= 1250);

  empty_cache();
  const auto before = allocator_stats();
  void* a = detail::pool_allocate(1000);
  void* b = detail::pool_allocate(1000);
  CHECK(a != b);
  CHECK(reinterpret_cast<std::uintptr_t>(a) % 64 == 0);
  CHECK(allocator_stats().system_allocations == before.system_allocations + 2);
  detail::pool_deallocate(a, 1000);
  detail::pool_deallocate(b, 1000);
  CHECK(allocator_stats().cached_bytes == 2 * r);
  // Last freed, first reused; a size of the same class is served from the same list.
  CHECK(detail::pool_allocate(1000) == b);
  CHECK(detail::pool_allocate(990) == a);
  CHECK(allocator_stats().cache_hits == before.cache_hits + 2);
  CHECK(allocator_stats().system_allocations == before.system_allocations + 2);
  CHECK(allocator_stats().cached_bytes == 0);
  detail::pool_deallocate(a, 1000);
  detail::pool_deallocate(b, 1000);
  empty_cache();
  CHECK(allocator_stats().cached_bytes == 0);
  void* c = detail::pool_allocate(1000);  // a fresh block from the system after empty_cache
  CHECK(c != nullptr);
  CHECK(allocator_stats().system_allocations == before.system_allocations + 3);
  detail::pool_deallocate(c, 1000);
  empty_cache();
}

TEST_CASE("allocator: blocks beyond the cache limit go back to the system") {
  empty_cache();
  const std::size_t saved = cache_limit();
  set_cache_limit(100);
  void* a = detail::pool_allocate(64);
  void* b = detail::pool_allocate(64);
  detail::pool_deallocate(a, 64);
  CHECK(allocator_stats().cached_bytes == 64);
  detail::pool_deallocate(b, 64);  // 128 > 100: freed, not cached
  CHECK(allocator_stats().cached_bytes == 64);
  set_cache_limit(saved);
  empty_cache();
  detail::pool_deallocate(nullptr, 64);  // a no-op
  CHECK(allocator_stats().cached_bytes == 0);
}

TEST_CASE("allocator: each thread has its own cache, emptied when the thread ends") {
  empty_cache();
  std::size_t cached_there = 0;
  void* from_there = nullptr;
  std::thread t([&] {
    { Tensor<float, Shape<256>> x; }  // allocated and freed on this thread: cached here
    from_there = detail::pool_allocate(4096);
    cached_there = allocator_stats().cached_bytes;
  });
  t.join();
  CHECK(cached_there == 1024);
  CHECK(allocator_stats().cached_bytes == 0);  // not this thread's
  // A block allocated on another thread joins the cache of the thread that frees it.
  detail::pool_deallocate(from_there, 4096);
  CHECK(allocator_stats().cached_bytes == 4096);
  empty_cache();
  // (The sanitizer run of this suite checks that the ended thread's blocks went back: LeakSanitizer.)
}
