// ctorch/core/generator.hpp: Generator (torch.Generator), the pseudo-random engine every sampler draws from,
// and the default generator with ctorch::manual_seed, ctorch::seed and ctorch::initial_seed.
//
// The engine is PyTorch's CPU engine: a 32-bit Mersenne Twister (at::mt19937, the same sequence as
// std::mt19937) seeded with the low 32 bits of the seed. random() is one 32-bit draw, random64() two draws
// combined as (first << 32) | second, as in PyTorch's CPUGeneratorImpl. A new Generator, like the default one,
// starts from PyTorch's default seed 67280421310721. Normal samplers keep the second value of a Box-Muller
// pair in the generator (PyTorch's next_double_normal_sample), so it is part of the state.
//
// Agreement with PyTorch 1.13's CPU samplers for the same seed and the same sequence of calls, checked
// against torch in tests/ops/random (golden values from tests/golden/gen_random.py):
//   bit for bit: rand / uniform_ (float and double), randint / random_(from, to) / random_(to) / random_(),
//     randperm (n < 2^32 / 20), bernoulli and bernoulli_ (scalar p, and float or double probability tensors),
//     randn / normal_ / normal (scalars or tensors) for float and double, contiguous or not (for contiguous
//     float targets of 16+ elements ctorch copies PyTorch's AVX2 kernel: Cephes' polynomial log and sincos with
//     the same fused multiply-adds; checked on 400,000 values), exponential_, cauchy_, log_normal_,
//     geometric_, multinomial with replacement, and multinomial without replacement (or with one sample) when
//     no two keys tie;
//   in distribution only: randperm for n >= 2^32 / 20 (64-bit draws, as later PyTorch versions), the order of
//     tied keys in multinomial without replacement (PyTorch's topk leaves it unspecified; ctorch puts the lower
//     index first).
// PyTorch's numbers are those of its x86-64 build without MKL (Debian's python3-torch 1.13, AVX2 kernels); an
// MKL build of PyTorch draws bernoulli_(p scalar) and exponential_ differently.
// Elements are drawn in memory order (the order PyTorch's TensorIterator visits an output), so a
// transposed view is filled as PyTorch fills it.
//
// Threads: a Generator is not synchronised. default_generator() is a function-local static (its
// initialisation is thread-safe), but drawing from one generator on several threads at once is a data
// race: give each thread its own Generator (seeded differently).
#pragma once
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "error.hpp"

namespace ctorch {

class Generator {
 public:
  // PyTorch's default_rng_seed_val: the seed of torch.Generator() and of the default generator.
  static constexpr std::uint64_t default_seed = 67280421310721ULL;
  // Size in bytes of get_state(), PyTorch's CPUGeneratorImplState; set_state also takes the legacy
  // THGeneratorState (5048 bytes).
  static constexpr std::size_t state_size = 5056;
  static constexpr std::size_t legacy_state_size = 5048;

  // ensures: initial_seed() == default_seed.
  Generator() { manual_seed(default_seed); }
  // ensures: initial_seed() == seed; draws the same sequence as torch.Generator().manual_seed(seed).
  explicit Generator(std::uint64_t seed) { manual_seed(seed); }

  // torch.Generator.manual_seed. ensures: the engine restarts from `seed` (its low 32 bits) and the cached
  // normal sample is dropped; initial_seed() == seed. Returns *this.
  Generator& manual_seed(std::uint64_t seed) {
    seed_ = seed;
    state_[0] = static_cast<std::uint32_t>(seed & 0xffffffffu);
    for (std::uint32_t j = 1; j < N; ++j) state_[j] = 1812433253u * (state_[j - 1] ^ (state_[j - 1] >> 30)) + j;
    left_ = 1;
    next_ = 0;
    next_double_normal_.reset();
    next_float_normal_.reset();
    return *this;
  }

  // torch.Generator.seed: reseeds from a non-deterministic source (std::random_device) and returns the seed.
  std::uint64_t seed() {
    std::random_device rd;
    const std::uint64_t s = (std::uint64_t(rd()) << 32) | std::uint64_t(rd());
    manual_seed(s);
    return s;
  }

  // The seed given last to manual_seed (or picked by seed()).
  std::uint64_t initial_seed() const noexcept { return seed_; }

  // One 32-bit draw (PyTorch's CPUGeneratorImpl::random).
  std::uint32_t random() noexcept {
    if (--left_ == 0) next_state();
    std::uint32_t y = state_[next_++];
    y ^= (y >> 11);
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= (y >> 18);
    return y;
  }
  // Two 32-bit draws, the first in the high half (PyTorch's CPUGeneratorImpl::random64).
  std::uint64_t random64() noexcept {
    const std::uint64_t hi = random();
    const std::uint64_t lo = random();
    return (hi << 32) | lo;
  }

  // torch.Generator.get_state: the whole state as PyTorch 1.13 lays it out (CPUGeneratorImplState, 5056
  // bytes, little-endian), so a state saved by torch can be loaded here and the other way round.
  // ensures: set_state(get_state()) leaves every later draw unchanged.
  std::vector<std::uint8_t> get_state() const {
    std::vector<std::uint8_t> b(state_size, 0);
    put<std::uint64_t>(b, 0, seed_);
    put<std::int32_t>(b, 8, left_);
    put<std::int32_t>(b, 12, 1);  // seeded
    put<std::uint64_t>(b, 16, next_);
    for (std::size_t j = 0; j < N; ++j) put<std::uint64_t>(b, 24 + 8 * j, state_[j]);
    // normal_x (5016) and normal_rho (5032) stay 0, as PyTorch writes them.
    if (next_double_normal_) {
      put<double>(b, 5024, *next_double_normal_);
      put<std::int32_t>(b, 5040, 1);
    }
    if (next_float_normal_) {
      put<float>(b, 5048, *next_float_normal_);
      b[5052] = 1;
    }
    return b;
  }

  // torch.Generator.set_state. requires: `state` came from get_state() (or torch's get_state(), 5056 bytes,
  // or a legacy 5048-byte THGeneratorState); throws value_error naming the op when its size is wrong or the
  // engine position it holds is invalid.
  void set_state(std::span<const std::uint8_t> state) {
    if (state.size() != state_size && state.size() != legacy_state_size)
      throw value_error("ctorch: Generator.set_state: expected a state of " + std::to_string(state_size) +
                        " bytes (or a legacy one of " + std::to_string(legacy_state_size) + "), got " +
                        std::to_string(state.size()));
    const auto left = get<std::int32_t>(state, 8);
    const auto seeded = get<std::int32_t>(state, 12);
    const auto next = get<std::uint64_t>(state, 16);
    if (seeded == 0 || left <= 0 || left > std::int32_t(N) || next > N)
      throw value_error("ctorch: Generator.set_state: invalid mt19937 state");
    std::optional<double> dn;
    std::optional<float> fn;
    if (state.size() == state_size) {
      if (get<std::int32_t>(state, 5040) != 0) dn = get<double>(state, 5024);
      if (state[5052] != 0) fn = get<float>(state, 5048);
    } else if (get<std::int32_t>(state, 5040) != 0) {
      // The legacy layout kept Box-Muller's intermediates: the cached sample is rho * sin(2 pi x).
      const double pi = 3.14159265358979323846;
      dn = get<double>(state, 5032) * std::sin(2.0 * pi * get<double>(state, 5016));
    }
    seed_ = get<std::uint64_t>(state, 0);
    left_ = left;
    next_ = static_cast<std::uint32_t>(next);
    for (std::size_t j = 0; j < N; ++j) state_[j] = static_cast<std::uint32_t>(get<std::uint64_t>(state, 24 + 8 * j));
    next_double_normal_ = dn;
    next_float_normal_ = fn;
  }
  void set_state(const std::vector<std::uint8_t>& state) { set_state(std::span<const std::uint8_t>(state)); }

  // The Box-Muller sample kept for the next normal draw (PyTorch's next_{double,float}_normal_sample).
  std::optional<double>& next_double_normal() noexcept { return next_double_normal_; }
  std::optional<float>& next_float_normal() noexcept { return next_float_normal_; }

 private:
  static constexpr std::uint32_t N = 624, M = 397;
  static std::uint32_t twist(std::uint32_t u, std::uint32_t v) noexcept {
    return (((u & 0x80000000u) | (v & 0x7fffffffu)) >> 1) ^ ((v & 1u) ? 0x9908b0dfu : 0u);
  }
  void next_state() noexcept {
    std::uint32_t* p = state_.data();
    left_ = N;
    next_ = 0;
    for (std::uint32_t j = N - M + 1; --j; ++p) *p = p[M] ^ twist(p[0], p[1]);
    for (std::uint32_t j = M; --j; ++p) *p = p[int(M) - int(N)] ^ twist(p[0], p[1]);
    *p = p[int(M) - int(N)] ^ twist(p[0], state_[0]);
  }

  template <class V>
  static void put(std::vector<std::uint8_t>& b, std::size_t off, V v) {
    unsigned char raw[sizeof(V)];
    std::memcpy(raw, &v, sizeof(V));  // the layout is little-endian, as on every platform ctorch targets
    std::memcpy(b.data() + off, raw, sizeof(V));
  }
  template <class V>
  static V get(std::span<const std::uint8_t> b, std::size_t off) {
    V v;
    std::memcpy(&v, b.data() + off, sizeof(V));
    return v;
  }

  std::uint64_t seed_ = default_seed;
  std::int32_t left_ = 1;
  std::uint32_t next_ = 0;
  std::array<std::uint32_t, N> state_{};
  std::optional<double> next_double_normal_;
  std::optional<float> next_float_normal_;
};

// The generator samplers use when none is given (torch.default_generator). A function-local static: created
// on first use, thread-safely; drawing from it on several threads at once is a data race (use one Generator
// per thread).
inline Generator& default_generator() {
  static Generator g;
  return g;
}

// torch.manual_seed: seeds the default generator. Returns it.
inline Generator& manual_seed(std::uint64_t seed) { return default_generator().manual_seed(seed); }
// torch.seed: seeds the default generator non-deterministically and returns the seed.
inline std::uint64_t seed() { return default_generator().seed(); }
// torch.initial_seed: the default generator's seed.
inline std::uint64_t initial_seed() { return default_generator().initial_seed(); }
// torch.get_rng_state: the default generator's state, PyTorch's byte layout (see Generator::get_state).
// torch returns it as a uint8 tensor; ctorch has no uint8 dtype, so it is a vector of bytes.
inline std::vector<std::uint8_t> get_rng_state() { return default_generator().get_state(); }
// torch.set_rng_state. requires: a state from get_rng_state (or torch's); value_error otherwise.
// ensures: the default generator continues exactly as it did after that get_rng_state.
inline void set_rng_state(std::span<const std::uint8_t> state) { default_generator().set_state(state); }
inline void set_rng_state(const std::vector<std::uint8_t>& state) { default_generator().set_state(state); }

}  // namespace ctorch
