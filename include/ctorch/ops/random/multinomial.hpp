// ctorch/ops/random/multinomial.hpp: multinomial (torch.multinomial): category indices drawn from the rows of
// a (not necessarily normalised) probability tensor.
// Spelling: multinomial(probs, n, replacement = false, [gen]) gives int64 Shape<Dyn> for a 1-d probs of shape
// [K], Shape<R, Dyn> for a 2-d one [R, K]; multinomial<N>(probs, replacement = false, [gen]) gives Shape<N> or
// Shape<R, N>. Dtype of probs: floating. No gradient.
// Algorithms (PyTorch 1.13's CPU ones, same draws):
//   with replacement and n > 1: per row, the normalised cumulative sum (in probs' dtype), then per sample a
//     53-bit uniform located by binary search. PyTorch's values bit for bit.
//   without replacement, or n == 1: the exponential race: keys p / q with q ~ Exp(1) drawn for every element in
//     row-major order (as exponential_), the n largest keys in decreasing order (n == 1: the first largest).
//     PyTorch's values when keys do not tie (PyTorch's topk leaves the order of equal keys unspecified; here
//     the lower index comes first).
// Errors (value_error naming multinomial): probs not 1-d or 2-d (compile error), n <= 0, n > K without
// replacement, a negative, inf or nan probability, a row summing to 0, and (unlike PyTorch 1.13, which then
// returns zero-probability categories) fewer than n non-zero categories in a row without replacement.
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {

template <class E>
using multinomial_prob_t = typename std::remove_cvref_t<E>::value_type;

template <class P>
void multinomial_rows(const P* probs, index_t rows, index_t k, index_t n, bool replacement, Generator& gen,
                      std::int64_t* out) {
  auto fail = [](const std::string& m) { throw value_error("ctorch: multinomial: " + m); };
  if (n <= 0) fail("cannot sample n_sample <= 0 samples (got " + std::to_string(n) + ")");
  if (!replacement && n > k)
    fail("cannot sample n_sample > prob_dist.size(-1) samples without replacement (n_sample " + std::to_string(n) +
         ", " + std::to_string(k) + " categories)");
  if (k > (index_t(1) << 24)) fail("number of categories cannot exceed 2^24");
  if (rows == 0) return;
  if (!replacement || n == 1) {
    for (index_t i = 0; i < rows * k; ++i)
      if (!(probs[i] >= 0 && probs[i] < std::numeric_limits<P>::infinity()))
        fail("probability tensor contains either `inf`, `nan` or element < 0");
    for (index_t r = 0; r < rows; ++r) {
      P sum = 0;
      index_t nonzero = 0;
      for (index_t j = 0; j < k; ++j) {
        sum += probs[r * k + j];
        nonzero += probs[r * k + j] != 0;
      }
      if (sum == 0) fail("invalid multinomial distribution (sum of probabilities <= 0)");
      if (!replacement && nonzero < n)
        fail("invalid multinomial distribution (with replacement=False, not enough non-negative category to "
             "sample): row " + std::to_string(r) + " has " + std::to_string(nonzero) + " non-zero categories, " +
             std::to_string(n) + " samples asked");
    }
    // q ~ Exp(1) for every element (exponential_ on empty_like(probs)), then keys p / q.
    std::vector<P> key(std::size_t(rows * k));
    for (auto& q : key) q = static_cast<P>(-1.0 / 1.0 * std::log(1.0 - uniform_real<double>(gen, 0.0, 1.0)));
    for (index_t i = 0; i < rows * k; ++i) key[std::size_t(i)] = probs[i] / key[std::size_t(i)];
    std::vector<index_t> idx(static_cast<std::size_t>(k));
    for (index_t r = 0; r < rows; ++r) {
      const P* kr = key.data() + r * k;
      std::iota(idx.begin(), idx.end(), index_t(0));
      // The n largest keys in order (a strict total order: ties go to the lower index). nth_element then
      // sort, not partial_sort: g++ 12 warns falsely (-Warray-bounds) inside partial_sort's heap at -O3.
      auto larger = [&](index_t a, index_t b) { return kr[a] > kr[b] || (kr[a] == kr[b] && a < b); };
      if (n < k) std::nth_element(idx.begin(), idx.begin() + n, idx.end(), larger);
      std::sort(idx.begin(), idx.begin() + n, larger);
      for (index_t s = 0; s < n; ++s) out[r * n + s] = idx[std::size_t(s)];
    }
    return;
  }
  std::vector<P> cum(static_cast<std::size_t>(k));
  for (index_t r = 0; r < rows; ++r) {
    P sum = 0;
    for (index_t j = 0; j < k; ++j) {
      const P v = probs[r * k + j];
      if (!(v >= 0)) fail("invalid multinomial distribution (encountering probability entry < 0)");
      if (!std::isfinite(v)) fail("invalid multinomial distribution (encountering probability entry = infinity or NaN)");
      sum += v;
      cum[std::size_t(j)] = sum;
    }
    if (!(sum > 0)) fail("invalid multinomial distribution (sum of probabilities <= 0)");
    for (auto& c : cum) c /= sum;
    cum[std::size_t(k - 1)] = 1;
    for (index_t s = 0; s < n; ++s) {
      const double u = uniform_real<double>(gen, 0.0, 1.0);
      index_t lo = 0, hi = k;
      while (hi - lo > 0) {
        const index_t mid = lo + (hi - lo) / 2;
        if (cum[std::size_t(mid)] < u)
          lo = mid + 1;
        else
          hi = mid;
      }
      out[r * n + s] = lo;
    }
  }
}


template <index_t N, class E>
auto multinomial_impl(const E& probs, index_t n, bool replacement, Generator& gen) {
  using PS = typename E::shape_type;
  using P = multinomial_prob_t<E>;
  static_assert(PS::rank == 1 || PS::rank == 2, "ctorch: multinomial: prob_dist must be 1 or 2 dim");
  static_assert(std::is_floating_point_v<P>, "ctorch: multinomial: probabilities must have a floating dtype");
  using RS = std::conditional_t<PS::rank == 1, Shape<N>, Shape<(PS::rank == 2 ? PS::static_extents[0] : 0), N>>;
  using D = std::conditional_t<std::is_void_v<typename E::device_type>, Cpu, typename E::device_type>;
  auto host = host_broadcast<P>(probs, Dims<PS>(probs.dims()));
  const index_t k = host.dims()[PS::rank - 1];
  const index_t rows = PS::rank == 2 ? host.dims()[0] : 1;
  std::vector<std::int64_t> res(std::size_t(n > 0 ? rows * n : 0));
  multinomial_rows<P>(host.data(), rows, k, n, replacement, gen, res.data());
  Tensor<std::int64_t, RS, D> out = [&] {
    if constexpr (PS::rank == 1) {
      if constexpr (N == Dyn) return Tensor<std::int64_t, RS, D>(Dims<RS>(n));
      else return Tensor<std::int64_t, RS, D>();
    } else {
      std::array<index_t, 2> ext{rows, n};
      return Tensor<std::int64_t, RS, D>(Dims<RS>::from_array(ext, "multinomial"));
    }
  }();
  fill_host(out, [&](std::int64_t* p) { std::copy(res.begin(), res.end(), p); });
  return out;
}

}  // namespace detail

// requires: probs a 1-d or 2-d expression of a floating dtype, non-negative and finite, each row with a positive
// sum; n > 0; without replacement n <= the number of non-zero categories of each row (value_error otherwise).
// ensures: int64 indices into the last dim of probs, n per row, drawn with probability proportional to probs
// (without replacement: distinct, in the order drawn).
template <Expression E>
auto multinomial(const E& probs, index_t n, bool replacement = false, Generator& gen = default_generator()) {
  return detail::multinomial_impl<Dyn>(probs, n, replacement, gen);
}
template <Expression E>
auto multinomial(const E& probs, index_t n, Generator& gen) {
  return detail::multinomial_impl<Dyn>(probs, n, false, gen);
}
// ensures: multinomial(probs, N, replacement, gen) with the static extent N.
template <index_t N, Expression E>
auto multinomial(const E& probs, bool replacement = false, Generator& gen = default_generator()) {
  static_assert(N > 0, "ctorch: multinomial: the number of samples must be positive");
  return detail::multinomial_impl<N>(probs, N, replacement, gen);
}
template <index_t N, Expression E>
auto multinomial(const E& probs, Generator& gen) {
  return detail::multinomial_impl<N>(probs, N, false, gen);
}

}  // namespace ctorch
