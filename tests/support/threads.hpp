// tests/support/threads.hpp: a scope that sets ctorch's CPU thread count and restores it on exit.
#pragma once
#include <ctorch/core/parallel.hpp>

struct Threads {
  int saved = ctorch::get_num_threads();
  explicit Threads(int n) { ctorch::set_num_threads(n); }
  ~Threads() { ctorch::set_num_threads(saved); }
  Threads(const Threads&) = delete;
  Threads& operator=(const Threads&) = delete;
};
