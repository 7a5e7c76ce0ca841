// ctorch/core/parallel.hpp: parallel_for covers its range once, parallel_team's ranks and barrier, regions
// nested in regions and started from several threads at once (they run on their caller alone), the
// default thread count from OMP_NUM_THREADS.
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

#include "support/threads.hpp"

using namespace ctorch;

namespace {
// parallel_for over [0, n): every index visited once, chunk starts multiples of align.
void check_cover(index_t n, index_t grain, index_t align) {
  std::vector<std::atomic<int>> hits(static_cast<std::size_t>(n));
  std::atomic<int> misaligned{0};
  parallel_for(
      n, grain,
      [&](index_t b, index_t e) {
        if (b % align != 0) ++misaligned;
        for (index_t i = b; i < e; ++i) ++hits[std::size_t(i)];
      },
      align);
  int bad = 0;
  for (auto& h : hits) bad += h.load() != 1;
  INFO("n=" << n << " grain=" << grain << " align=" << align << " threads=" << get_num_threads());
  CHECK(bad == 0);
  CHECK(misaligned == 0);
}
}  // namespace

TEST_CASE("parallel: parallel_for visits every index once, chunks aligned, at 1 to 8 threads") {
  for (int nt : {1, 2, 3, 4, 8}) {
    Threads guard(nt);
    for (index_t n : {1, 7, 100, 1000, 4097}) {
      check_cover(n, 1, 1);
      check_cover(n, 16, 16);
      check_cover(n, 1000, 1);
    }
  }
}

TEST_CASE("parallel: parallel_team runs each rank once and sync() separates the phases, many times over") {
  for (int nt : {2, 3, 8}) {
    Threads guard(nt);
    for (int rep = 0; rep < 200; ++rep) {
      std::vector<int> slot(std::size_t(nt), -1);
      std::atomic<int> calls{0}, stale{0}, size_seen{0};
      parallel_team(nt, [&](const team_member& m) {
        ++calls;
        size_seen = m.size;
        // Phase 1 writes this rank's slot; after the barrier each rank reads every slot of the team.
        slot[std::size_t(m.rank)] = rep;
        m.sync();
        for (int r = 0; r < m.size; ++r) stale += slot[std::size_t(r)] != rep;
        m.sync();
        // Phase 3 overwrites the slots: without the second barrier a slow reader would see them change.
        slot[std::size_t(m.rank)] = -2;
      });
      REQUIRE(calls == size_seen);
      REQUIRE(stale == 0);
    }
  }
}

TEST_CASE("parallel: a region inside a region, and regions from four threads at once, run on their caller") {
  Threads guard(2);
  // Nested: the inner parallel_for runs while the outer region holds the workers.
  std::vector<std::atomic<int>> hits(64 * 100);
  parallel_for(64, 1, [&](index_t b, index_t e) {
    for (index_t i = b; i < e; ++i)
      parallel_for(100, 1, [&](index_t jb, index_t je) {
        for (index_t j = jb; j < je; ++j) ++hits[std::size_t(i * 100 + j)];
      });
  });
  int bad = 0;
  for (auto& h : hits) bad += h.load() != 1;
  CHECK(bad == 0);

  // Concurrent: four threads each run products and teams; whichever gets the workers, all results hold.
  std::atomic<int> wrong{0};
  std::vector<std::thread> users;
  for (int u = 0; u < 4; ++u)
    users.emplace_back([&, u] {
      using M2 = Tensor<float, Shape<Dyn, Dyn>>;
      M2 a(96, 200), b(200, 150);
      for (index_t i = 0; i < a.numel(); ++i) a.data()[i] = float((i + u) % 7) - 3.0f;
      for (index_t i = 0; i < b.numel(); ++i) b.data()[i] = float(i % 5) - 2.0f;
      for (int rep = 0; rep < 20; ++rep) {
        const M2 c = mm(a.view(), b.view());
        for (index_t i = 0; i < 96; i += 19)
          for (index_t j = 0; j < 150; j += 23) {
            float s = 0;
            for (index_t k = 0; k < 200; ++k) s += a(i, k) * b(k, j);
            wrong += c(i, j) != s;  // small integers: exact in any order
          }
        std::atomic<int> ranks{0};
        parallel_team(2, [&](const team_member& m) {
          ranks += 1 << m.rank;
          m.sync();
        });
        wrong += ranks != 1 && ranks != 3;
      }
    });
  for (auto& t : users) t.join();
  CHECK(wrong == 0);
}

TEST_CASE("parallel: the default thread count reads OMP_NUM_THREADS, ignoring values that are not counts") {
  const char* old = std::getenv("OMP_NUM_THREADS");
  const std::string saved = old ? old : "";
  ::setenv("OMP_NUM_THREADS", "3", 1);
  CHECK(detail::default_num_threads() == 3);
  const int hw = std::max(1, int(std::thread::hardware_concurrency()));
  for (const char* bad : {"0", "-2", "many", ""}) {
    ::setenv("OMP_NUM_THREADS", bad, 1);
    CHECK(detail::default_num_threads() == hw);
  }
  if (old)
    ::setenv("OMP_NUM_THREADS", saved.c_str(), 1);
  else
    ::unsetenv("OMP_NUM_THREADS");
  CHECK_THROWS_AS(set_num_threads(0), value_error);
}

#if defined(__unix__)
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>

TEST_CASE("parallel: a child of fork() runs 2-thread regions on workers of its own") {
  Threads guard(2);
  std::atomic<int> before{0};
  parallel_team(2, [&](const team_member& m) { before += m.size; });  // the parent's workers exist now
  REQUIRE(before >= 1);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The parent's workers do not exist here: a pool that still counted on them would wait forever.
    std::atomic<int> ranks{0};
    parallel_team(2, [&](const team_member& m) {
      ranks += 1 << m.rank;
      m.sync();
    });
    std::_Exit(ranks == 3 ? 0 : 1);
  }
  // A child stuck waiting for workers fails the test after 20 s instead of hanging it.
  int status = 0;
  pid_t got = 0;
  for (int i = 0; i < 2000 && got == 0; ++i) {
    got = ::waitpid(pid, &status, WNOHANG);
    if (got == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (got == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  REQUIRE(got == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
#endif
