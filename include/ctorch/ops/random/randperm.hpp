// ctorch/ops/random/randperm.hpp: randperm (torch.randperm): a random permutation of 0, ..., n - 1.
// Spelling: randperm(n, [gen]) is Tensor<int64_t, Shape<Dyn>>; randperm<N>([gen]) is Tensor<int64_t, Shape<N>>;
// randperm<T>(n) and randperm<N, T>() pick another dtype. No gradient.
// Values: PyTorch 1.13's bit for bit for n < 2^32 / 20: the identity, then for i = 0 .. n - 2 a swap of element
// i with element i + (32-bit draw % (n - i)). From there on (where a 32-bit draw would skew the choice) the
// "inside-out" Fisher-Yates with 64-bit draws of later PyTorch versions: uniform, not PyTorch 1.13's values.
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {
template <class T>
void randperm_fill(T* r, index_t n, Generator& gen) {
  if (n < index_t(std::numeric_limits<std::uint32_t>::max() / 20)) {
    for (index_t i = 0; i < n; ++i) r[i] = static_cast<T>(i);
    for (index_t i = 0; i < n - 1; ++i) {
      const index_t z = index_t(gen.random() % std::uint64_t(n - i));
      std::swap(r[i], r[z + i]);
    }
  } else {
    for (index_t i = 0; i < n; ++i) {
      const index_t z = index_t(gen.random64() % std::uint64_t(i + 1));
      r[i] = r[z];
      r[z] = static_cast<T>(i);
    }
  }
}
}  // namespace detail

// requires: n >= 0 (value_error otherwise); T can hold n - 1. ensures: a 1-d tensor of n elements holding each
// of 0, ..., n - 1 once, in an order drawn from gen.
template <DType T = std::int64_t, Device D = Cpu>
Tensor<T, Shape<Dyn>, D> randperm(index_t n, Generator& gen = default_generator()) {
  static_assert(!std::is_same_v<T, bool>, "ctorch: randperm: the dtype cannot be bool");
  if (n < 0) throw value_error("ctorch: randperm: n must be non-negative, got " + std::to_string(n));
  Tensor<T, Shape<Dyn>, D> t(n);
  detail::fill_random(t, [&](T* p, index_t m, const index_t*) { detail::randperm_fill(p, m, gen); });
  return t;
}
// ensures: randperm(N) with the static shape Shape<N>.
template <index_t N, DType T = std::int64_t, Device D = Cpu>
Tensor<T, Shape<N>, D> randperm(Generator& gen = default_generator()) {
  static_assert(N >= 0, "ctorch: randperm: N must be non-negative");
  Tensor<T, Shape<N>, D> t;
  detail::fill_random(t, [&](T* p, index_t m, const index_t*) { detail::randperm_fill(p, m, gen); });
  return t;
}

}  // namespace ctorch
