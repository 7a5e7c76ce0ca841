// ctorch/core/generator.hpp and ctorch/ops/random: the generator (seeding, state round trip, PyTorch's state
// layout), PyTorch 1.13's exact values for a seed (tests/fixtures/random.txt from tests/golden/gen_random.py),
// result types and shapes, statistics of large samples (mean, variance, Kolmogorov-Smirnov with fixed seeds, so
// nothing here is flaky), randperm and multinomial properties, in-place sampling of views, and the errors.
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numeric>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "support/fixture.hpp"

using namespace ctorch;

namespace {

template <class E, class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "";
}

const test::Fixture& fx() {
  static const test::Fixture f("random.txt");
  return f;
}

// Every value equal to PyTorch's (compared as doubles: int64 values above 2^53 are compared rounded, as the
// fixture stores them).
template <class Tns>
void check_exact(const Tns& t, const std::string& name) {
  const auto& g = fx()[name];
  const auto got = t.tolist();
  REQUIRE_MESSAGE(got.size() == g.values.size(), name);
  int bad = 0;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (static_cast<double>(got[i]) != g.values[i] && bad++ < 5)
      FAIL_CHECK(name << "[" << i << "]: got " << static_cast<double>(got[i]) << ", PyTorch gives " << g.values[i]);
  CHECK_MESSAGE(bad == 0, name << ": " << bad << " values differ from PyTorch's");
}

// The two-sided Kolmogorov-Smirnov statistic of a sample against a continuous cdf.
double ks_statistic(std::vector<double> x, const std::function<double(double)>& cdf) {
  std::sort(x.begin(), x.end());
  const double n = double(x.size());
  double d = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    d = std::max({d, f - double(i) / n, double(i + 1) / n - f});
  }
  return d;
}
// Critical value at the 0.1% level (asymptotic): a correct sampler passes with probability 0.999 for a random
// seed; the seeds are fixed, so the outcome is the same on every run.
double ks_critical(std::size_t n) { return 1.95 / std::sqrt(double(n)); }

template <class V>
std::vector<double> as_double(const std::vector<V>& v) {
  return std::vector<double>(v.begin(), v.end());
}
double mean_of(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); }
double var_of(const std::vector<double>& v) {
  const double m = mean_of(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return s / double(v.size() - 1);
}

std::uint64_t fnv32(const std::vector<std::uint8_t>& b) {
  std::uint64_t x = 0xcbf29ce484222325ULL;
  for (auto c : b) x = (x ^ c) * 0x100000001b3ULL;
  return x & 0xffffffffu;
}

}  // namespace

// ---------------------------------------------------------------------------------------------- generator

TEST_CASE("random: Generator seeding and the default generator") {
  Generator a;
  CHECK(a.initial_seed() == Generator::default_seed);
  CHECK(a.initial_seed() == 67280421310721ULL);
  Generator b(42), c(42);
  CHECK(b.initial_seed() == 42);
  for (int i = 0; i < 1000; ++i) REQUIRE(b.random() == c.random());
  // The engine is mt19937 seeded with the low 32 bits.
  std::mt19937 ref(42);
  Generator d(42);
  for (int i = 0; i < 2000; ++i) REQUIRE(d.random() == ref());
  Generator hi((std::uint64_t(7) << 32) | 42);
  Generator lo(42);
  CHECK(hi.random() == lo.random());
  CHECK(hi.initial_seed() != lo.initial_seed());
  // random64: first draw high.
  Generator e(5), f(5);
  const std::uint64_t w = e.random64();
  const std::uint64_t h = f.random(), l = f.random();
  CHECK(w == ((h << 32) | l));
  // manual_seed restarts the sequence and returns the generator.
  Generator g(1);
  const auto first = g.random();
  g.random();
  CHECK(g.manual_seed(1).random() == first);
  // seed() reseeds non-deterministically and reports the seed.
  const std::uint64_t s = g.seed();
  CHECK(g.initial_seed() == s);
  CHECK(Generator(s).random() == Generator(g).random());  // a copy carries the whole state

  // The default generator and the free functions.
  manual_seed(123);
  CHECK(initial_seed() == 123);
  CHECK(&default_generator() == &default_generator());
  auto x = rand<float, Shape<8>>();
  manual_seed(123);
  auto y = rand<float, Shape<8>>();
  CHECK(x.tolist() == y.tolist());
  Generator g123(123);
  CHECK(rand<float, Shape<8>>(g123).tolist() == x.tolist());
  const std::uint64_t s2 = ctorch::seed();
  CHECK(initial_seed() == s2);
}

TEST_CASE("random: get_state / set_state") {
  Generator g(42);
  CHECK(g.get_state().size() == Generator::state_size);
  CHECK(fnv32(g.get_state()) == std::uint64_t(fx()["state.seed42"].values[0]));
  CHECK(fnv32(Generator().get_state()) == std::uint64_t(fx()["state.default"].values[0]));
  (void)randn<double, Shape<3>>(g);  // leaves the sine of the second Box-Muller pair cached
  CHECK(fnv32(g.get_state()) == std::uint64_t(fx()["state.after_randn3"].values[0]));

  // Round trip: the cached normal sample and the engine position come back.
  const auto st = g.get_state();
  auto a = randn<double, Shape<Dyn>>(9, g);
  auto u = rand<float, Shape<5>>(g);
  Generator other(999);
  other.set_state(st);
  auto b = randn<double, Shape<Dyn>>(9, other);
  auto v = rand<float, Shape<5>>(other);
  CHECK(a.tolist() == b.tolist());
  CHECK(u.tolist() == v.tolist());
  CHECK(other.initial_seed() == 42);
  g.set_state(st);
  CHECK(randn<double, Shape<Dyn>>(9, g).tolist() == a.tolist());

  // Across a refill of the Mersenne state (624 draws).
  Generator h(3);
  for (int i = 0; i < 700; ++i) h.random();
  const auto st2 = h.get_state();
  std::vector<std::uint32_t> want;
  for (int i = 0; i < 1000; ++i) want.push_back(h.random());
  h.manual_seed(0);
  h.set_state(st2);
  for (int i = 0; i < 1000; ++i) REQUIRE(h.random() == want[std::size_t(i)]);

  // Bad states.
  CHECK(message_of<value_error>([&] { g.set_state(std::vector<std::uint8_t>(10)); }) ==
        "ctorch: Generator.set_state: expected a state of 5056 bytes (or a legacy one of 5048), got 10");
  auto bad = st;
  bad[8] = 0;  // left = 0
  bad[9] = bad[10] = bad[11] = 0;
  CHECK(message_of<value_error>([&] { g.set_state(bad); }) == "ctorch: Generator.set_state: invalid mt19937 state");
  // The legacy layout is accepted.
  std::vector<std::uint8_t> legacy(st.begin(), st.begin() + Generator::legacy_state_size);
  legacy[5040] = 0;  // no cached normal
  Generator l;
  l.set_state(legacy);
  Generator ref;
  ref.set_state(st);
  CHECK(l.random() == ref.random());
}

// ---------------------------------------------------------------------------------------------- golden

TEST_CASE("random: PyTorch's values for a seed (bit for bit)") {
  Generator g;
  auto s = [&](std::uint64_t seed) -> Generator& { return g.manual_seed(seed); };
  check_exact(rand<float, Shape<2, 3>>(s(42)), "rand.f32");
  check_exact(rand<double, Shape<Dyn>>(5, s(7)), "rand.f64");
  check_exact(uniform_(Tensor<float, Shape<6>>(), -1.3, 2.7, s(3)), "uniform.f32");
  check_exact(uniform_(Tensor<double, Shape<6>>(), -1.3, 2.7, s(3)), "uniform.f64");
  {
    Tensor<float, Shape<3, 4>> base;
    uniform_(transpose<0, 1>(base), s(5));  // a non-contiguous view: drawn in memory order
    check_exact(base, "uniform.t");
  }
  check_exact(randint<std::int64_t, Shape<3, 4>>(-5, 10, s(42)), "randint.i64");
  check_exact(randint<std::int64_t, Shape<Dyn>>(0, std::int64_t(1) << 40, 4, s(1)), "randint.big");
  check_exact(randint<std::int32_t, Shape<5>>(7, s(2)), "randint.i32");
  check_exact(randint<float, Shape<Dyn>>(-3, 3, 5, s(2)), "randint.f32");
  check_exact(random_(Tensor<std::int64_t, Shape<4>>(), s(11)), "random.i64");
  check_exact(random_(Tensor<std::int32_t, Shape<4>>(), s(11)), "random.i32");
  check_exact(random_(Tensor<float, Shape<4>>(), s(11)), "random.f32");
  check_exact(random_(Tensor<double, Shape<4>>(), s(11)), "random.f64");
  check_exact(random_(Tensor<std::int64_t, Shape<5>>(), 100, s(12)), "random.to");
  for (int n : {0, 1, 2, 10, 100}) check_exact(randperm(n, s(42)), "randperm." + std::to_string(n));
  check_exact(randperm<10>(s(42)), "randperm.10");
  check_exact(bernoulli(Tensor<float, Shape<10>>(), 0.3, s(42)), "bernoulli.scalar");
  check_exact(bernoulli_(Tensor<std::int64_t, Shape<12>>(), 0.4, s(8)), "bernoulli_.i64");
  Tensor<float, Shape<10>> p{0.0f, 0.1f, 0.5f, 0.9f, 1.0f, 0.25f, 0.75f, 0.33f, 0.66f, 0.5f};
  check_exact(bernoulli(p, s(42)), "bernoulli.p_f32");
  Tensor<double, Shape<10>> pd = p.to<double>();
  check_exact(bernoulli(pd, s(42)), "bernoulli.p_f64");
  check_exact(randn<float, Shape<5>>(s(42)), "randn.f32.5");
  check_exact(randn<double, Shape<5>>(s(42)), "randn.f64.5");
  check_exact(randn<double, Shape<37>>(s(42)), "randn.f64.37");
  check_exact(normal_(Tensor<double, Shape<20>>(), 1.3, 2.7, s(9)), "normal_.f64.20");
  check_exact(normal_(Tensor<double, Shape<7>>(), 1.3, 2.7, s(9)), "normal_.f64.7");
  check_exact(normal_(Tensor<float, Shape<7>>(), -0.7, 0.3, s(9)), "normal_.f32.7");
  Tensor<float, Shape<4>> m{0.0f, 1.0f, -2.0f, 10.0f};
  Tensor<float, Shape<4>> sd{1.0f, 0.5f, 2.0f, 0.0f};
  check_exact(normal(m, sd, s(13)), "normal.tt");
  check_exact(normal(m.to<double>(), 0.5, s(13)), "normal.ts");
  check_exact(normal(2.0, sd.to<double>(), s(13)), "normal.st");
  check_exact(normal<float, Shape<2, 3>>(2.0, 3.0, s(13)), "normal.size");
  {
    s(21);
    auto a = randn<double, Shape<3>>(g);
    auto b = randn<double, Shape<1>>(g);  // the cached sine of the second pair
    auto c = randn<double, Shape<2>>(g);
    std::vector<double> all = a.tolist();
    for (double v : b.tolist()) all.push_back(v);
    for (double v : c.tolist()) all.push_back(v);
    Tensor<double, Shape<6>> seq;
    std::copy(all.begin(), all.end(), seq.data());
    check_exact(seq, "randn.seq");
  }
  check_exact(exponential_(Tensor<double, Shape<6>>(), 1.5, s(42)), "exponential.f64");
  check_exact(exponential_(Tensor<float, Shape<6>>(), 0.5, s(42)), "exponential.f32");
  check_exact(cauchy_(Tensor<double, Shape<6>>(), 0.5, 2.0, s(42)), "cauchy.f64");
  check_exact(cauchy_(Tensor<float, Shape<6>>(), s(42)), "cauchy.f32");
  check_exact(log_normal_(Tensor<double, Shape<5>>(), 1.0, 0.5, s(42)), "log_normal.f64");
  check_exact(log_normal_(Tensor<float, Shape<5>>(), s(42)), "log_normal.f32");
  check_exact(geometric_(Tensor<double, Shape<8>>(), 0.3, s(42)), "geometric.f64");
  check_exact(geometric_(Tensor<std::int64_t, Shape<8>>(), 0.05, s(42)), "geometric.i64");
  Tensor<float, Shape<2, 4>> q{{0.1f, 0.2f, 0.3f, 0.4f}, {1.0f, 0.0f, 3.0f, 2.0f}};
  check_exact(multinomial(q, 6, true, s(42)), "multinomial.repl");
  check_exact(multinomial(q.to<double>(), 6, true, s(4)), "multinomial.repl_f64");
  check_exact(multinomial(q, 3, false, s(42)), "multinomial.norepl");
  Tensor<float, Shape<4>> q0{0.1f, 0.2f, 0.3f, 0.4f};
  check_exact(multinomial(q0, 1, true, s(5)), "multinomial.one");
  Tensor<float, Shape<7>> q1{5.0f, 1.0f, 0.5f, 3.0f, 2.0f, 0.0f, 1.0f};
  check_exact(multinomial<4>(q1, s(6)), "multinomial.1d");
}

TEST_CASE("random: float randn of 16+ elements (PyTorch's AVX2 kernel) and the draws it makes") {
  Generator g(42);
  check_exact(randn<float, Shape<37>>(g), "randn.f32.37");
  // The generator advanced exactly as PyTorch's: 37 + 16 float uniforms.
  Generator h(42);
  for (int i = 0; i < 37 + 16; ++i) h.random();
  CHECK(g.random() == h.random());
  check_exact(normal_(Tensor<float, Shape<Dyn>>(48), -3.5, 0.7, g.manual_seed(9)), "normal_.f32.48");
}

// ---------------------------------------------------------------------------------------------- types

TEST_CASE("random: result types, shapes and spellings") {
  Generator g(0);
  static_assert(std::is_same_v<decltype(rand<float, Shape<3, 4>>()), Tensor<float, Shape<3, 4>, Cpu>>);
  static_assert(std::is_same_v<decltype(rand<double, Shape<Dyn, 4>>(2, g)), Tensor<double, Shape<Dyn, 4>, Cpu>>);
  static_assert(std::is_same_v<decltype(randn<float, Shape<Dyn>>(2)), Tensor<float, Shape<Dyn>, Cpu>>);
  static_assert(std::is_same_v<decltype(randint<std::int64_t, Shape<Dyn>>(10, 5)), Tensor<std::int64_t, Shape<Dyn>>>);
  static_assert(std::is_same_v<decltype(randperm(5)), Tensor<std::int64_t, Shape<Dyn>, Cpu>>);
  static_assert(std::is_same_v<decltype(randperm<5>()), Tensor<std::int64_t, Shape<5>, Cpu>>);
  static_assert(std::is_same_v<decltype(randperm<std::int32_t>(5)), Tensor<std::int32_t, Shape<Dyn>, Cpu>>);
  Tensor<float, Shape<Dyn, 3>> probs(2);
  probs.fill_(1.0f);
  static_assert(std::is_same_v<decltype(multinomial(probs, 2)), Tensor<std::int64_t, Shape<Dyn, Dyn>, Cpu>>);
  static_assert(std::is_same_v<decltype(multinomial<2>(probs)), Tensor<std::int64_t, Shape<Dyn, 2>, Cpu>>);
  static_assert(std::is_same_v<decltype(bernoulli(probs)), Tensor<float, Shape<Dyn, 3>, Cpu>>);
  static_assert(std::is_same_v<decltype(normal(probs, 1.0)), Tensor<float, Shape<Dyn, 3>, Cpu>>);
  static_assert(std::is_same_v<decltype(rand_like(probs)), Tensor<float, Shape<Dyn, 3>, Cpu>>);
  static_assert(std::is_same_v<decltype(randn_like<double>(probs)), Tensor<double, Shape<Dyn, 3>, Cpu>>);
  Tensor<double, Shape<4>> t;
  static_assert(std::is_same_v<decltype(uniform_(t)), Tensor<double, Shape<4>>&>);
  static_assert(std::is_same_v<decltype(uniform_(t.view())), TensorView<double, Shape<4>>>);
  CHECK(&normal_(t, g) == &t);

  auto a = rand<float, Shape<Dyn, 4>>(3, g);
  CHECK(a.size(0) == 3);
  auto b = randint<std::int64_t, Shape<Dyn, Dyn>>(-2, 2, 3, 5, g);  // low, high, then the extents
  CHECK(b.size(0) == 3);
  CHECK(b.size(1) == 5);
  for (auto v : b.tolist()) CHECK((v >= -2 && v < 2));
  auto c = randint<std::int32_t, Shape<Dyn>>(4, 6);  // high, then the extent
  CHECK(c.numel() == 6);
  for (auto v : c.tolist()) CHECK((v >= 0 && v < 4));
  auto d = rand<float, Shape<Dyn, 2>>(Dims<Shape<Dyn, 2>>(5), g);
  CHECK(d.size(0) == 5);
  auto e = normal<double, Shape<Dyn>>(1.0, 0.0, 4, g);  // std 0: exactly the mean
  for (double v : e.tolist()) CHECK(v == 1.0);
  auto z = randn<float, Shape<Dyn>>(0, g);
  CHECK(z.numel() == 0);
  auto bi = randint_like(b, 5, 6, g);
  for (auto v : bi.tolist()) CHECK(v == 5);
  auto rl = rand_like<double>(b, g);
  CHECK(rl.numel() == 15);
  auto bb = bernoulli_(Tensor<bool, Shape<64>>(), 1.0, g);
  for (bool v : bb.tolist()) CHECK(v);
  Tensor<float, Shape<Dyn, 3>> px(2);
  px.fill_(0.0f);
  for (float v : bernoulli(px, g).tolist()) CHECK(v == 0.0f);
  // bernoulli_ with probabilities broadcast to the target.
  Tensor<float, Shape<3>> prow{0.0f, 1.0f, 0.0f};
  Tensor<std::int32_t, Shape<4, 3>> bt;
  bernoulli_(bt, prow, g);
  for (int i = 0; i < 4; ++i) CHECK((bt(i, 0) == 0 && bt(i, 1) == 1 && bt(i, 2) == 0));
  // Same seed, same values; different seeds, different values.
  CHECK(randn<double, Shape<50>>(g.manual_seed(77)).tolist() == randn<double, Shape<50>>(g.manual_seed(77)).tolist());
  CHECK(randn<double, Shape<50>>(g.manual_seed(77)).tolist() != randn<double, Shape<50>>(g.manual_seed(78)).tolist());
}

TEST_CASE("random: in-place sampling of views writes only the view") {
  Generator g(1);
  Tensor<double, Shape<6, 5>> x;
  x.fill_(-7.0);
  // Every other row, as a strided view over the same memory.
  TensorView<double, Shape<3, 5>> rows(x.data(), Dims<Shape<3, 5>>(), {10, 1});
  normal_(rows, 100.0, 1.0, g);
  exponential_(transpose<0, 1>(x), 2.0, g);  // then everything through a transposed view
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 5; ++j) CHECK(x(i, j) > 0.0);
  x.fill_(-7.0);
  uniform_(rows, 2.0, 3.0, g);
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 5; ++j) {
      if (i % 2 == 0)
        CHECK((x(i, j) >= 2.0 && x(i, j) < 3.0));
      else
        CHECK(x(i, j) == -7.0);
    }
  // A strided view draws the same numbers as a contiguous tensor of its shape filled in memory order.
  Tensor<double, Shape<3, 5>> dense;
  g.manual_seed(4);
  cauchy_(rows, g);
  g.manual_seed(4);
  cauchy_(dense, g);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 5; ++j) CHECK(x(2 * i, j) == dense(i, j));
}

// ---------------------------------------------------------------------------------------------- statistics

TEST_CASE("random: moments of large samples") {
  Generator g(2024);
  constexpr int n = 200000;
  const double se = 1.0 / std::sqrt(double(n));  // standard error of a mean with unit variance
  {
    auto x = as_double(rand<float, Shape<Dyn>>(n, g).tolist());
    CHECK(std::fabs(mean_of(x) - 0.5) < 5 * se * std::sqrt(1.0 / 12));
    CHECK(std::fabs(var_of(x) - 1.0 / 12) < 0.002);
    CHECK(*std::min_element(x.begin(), x.end()) >= 0.0);
    CHECK(*std::max_element(x.begin(), x.end()) < 1.0);
  }
  for (int dt = 0; dt < 2; ++dt) {
    auto x = dt ? as_double(randn<double, Shape<Dyn>>(n, g).tolist()) : as_double(randn<float, Shape<Dyn>>(n, g).tolist());
    CHECK(std::fabs(mean_of(x)) < 5 * se);
    CHECK(std::fabs(var_of(x) - 1.0) < 0.02);
  }
  {
    auto x = as_double(normal<double, Shape<Dyn>>(3.0, 2.0, n, g).tolist());
    CHECK(std::fabs(mean_of(x) - 3.0) < 5 * 2 * se);
    CHECK(std::fabs(var_of(x) - 4.0) < 0.08);
  }
  {
    auto x = as_double(uniform_(Tensor<double, Shape<Dyn>>(n), -2.0, 4.0, g).tolist());
    CHECK(std::fabs(mean_of(x) - 1.0) < 5 * se * 6 / std::sqrt(12.0));
    CHECK(std::fabs(var_of(x) - 3.0) < 0.06);
  }
  {
    auto x = as_double(exponential_(Tensor<float, Shape<Dyn>>(n), 4.0, g).tolist());
    CHECK(std::fabs(mean_of(x) - 0.25) < 5 * 0.25 * se);
    CHECK(std::fabs(var_of(x) - 0.0625) < 0.003);
  }
  {
    auto x = as_double(log_normal_(Tensor<double, Shape<Dyn>>(n), 0.5, 0.25, g).tolist());
    const double m = std::exp(0.5 + 0.25 * 0.25 / 2), v = (std::exp(0.0625) - 1) * std::exp(1.0 + 0.0625);
    CHECK(std::fabs(mean_of(x) - m) < 5 * std::sqrt(v) * se);
    CHECK(std::fabs(var_of(x) - v) < 0.05 * v);
  }
  {
    auto x = as_double(geometric_(Tensor<std::int64_t, Shape<Dyn>>(n), 0.2, g).tolist());
    CHECK(*std::min_element(x.begin(), x.end()) == 1.0);
    CHECK(std::fabs(mean_of(x) - 5.0) < 5 * std::sqrt(20.0) * se);  // mean 1/p, variance (1-p)/p^2
    CHECK(std::fabs(var_of(x) - 20.0) < 1.0);
  }
  {
    auto x = as_double(cauchy_(Tensor<double, Shape<Dyn>>(n), 1.0, 0.5, g).tolist());
    std::sort(x.begin(), x.end());
    CHECK(std::fabs(x[n / 2] - 1.0) < 0.01);          // median
    CHECK(std::fabs(x[3 * n / 4] - 1.5) < 0.02);      // upper quartile: median + sigma
  }
  {
    auto x = as_double(bernoulli_(Tensor<float, Shape<Dyn>>(n), 0.3, g).tolist());
    CHECK(std::fabs(mean_of(x) - 0.3) < 5 * std::sqrt(0.21) * se);
  }
  {
    // randint: a chi-square test of the counts over 10 values (9 degrees of freedom; 27.9 is the 0.1% point).
    auto x = randint<std::int64_t, Shape<Dyn>>(-3, 7, n, g).tolist();
    std::vector<double> count(10);
    for (auto v : x) {
      REQUIRE((v >= -3 && v < 7));
      count[std::size_t(v + 3)] += 1;
    }
    double chi2 = 0;
    for (double c : count) chi2 += (c - n / 10.0) * (c - n / 10.0) / (n / 10.0);
    CHECK(chi2 < 27.9);
  }
}

TEST_CASE("random: Kolmogorov-Smirnov against the distributions") {
  constexpr std::size_t n = 20000;
  const double crit = ks_critical(n);
  const double pi = 3.14159265358979323846;
  Generator g(31337);
  const auto normal_cdf = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  {
    const double d = ks_statistic(as_double(rand<float, Shape<Dyn>>(n, g).tolist()), [](double x) { return x; });
    CHECK_MESSAGE(d < crit, "rand float: D = " << d);
    const double d2 = ks_statistic(as_double(rand<double, Shape<Dyn>>(n, g).tolist()), [](double x) { return x; });
    CHECK_MESSAGE(d2 < crit, "rand double: D = " << d2);
  }
  {
    const double d = ks_statistic(as_double(randn<float, Shape<Dyn>>(n, g).tolist()), normal_cdf);
    CHECK_MESSAGE(d < crit, "randn float: D = " << d);
    const double d2 = ks_statistic(as_double(randn<double, Shape<Dyn>>(n, g).tolist()), normal_cdf);
    CHECK_MESSAGE(d2 < crit, "randn double: D = " << d2);
    // The serial path (a non-contiguous target) as well.
    Tensor<double, Shape<Dyn, 2>> two(n / 2);
    normal_(transpose<0, 1>(two), g);
    const double d3 = ks_statistic(two.tolist(), normal_cdf);
    CHECK_MESSAGE(d3 < crit, "normal_ serial: D = " << d3);
  }
  {
    const double lambd = 1.7;
    const double d = ks_statistic(as_double(exponential_(Tensor<float, Shape<Dyn>>(n), lambd, g).tolist()),
                                  [&](double x) { return x <= 0 ? 0.0 : 1.0 - std::exp(-lambd * x); });
    CHECK_MESSAGE(d < crit, "exponential_: D = " << d);
  }
  {
    const double med = -1.0, sigma = 3.0;
    const double d = ks_statistic(as_double(cauchy_(Tensor<double, Shape<Dyn>>(n), med, sigma, g).tolist()),
                                  [&](double x) { return 0.5 + std::atan((x - med) / sigma) / pi; });
    CHECK_MESSAGE(d < crit, "cauchy_: D = " << d);
  }
  {
    // A deliberately wrong distribution is rejected: the test has power.
    const double d = ks_statistic(as_double(rand<double, Shape<Dyn>>(n, g).tolist()),
                                  [](double x) { return std::min(1.0, 1.1 * x); });
    CHECK(d > crit);
  }
}

TEST_CASE("random: randperm is a permutation") {
  Generator g(5);
  for (int n : {0, 1, 2, 3, 17, 1000}) {
    auto p = randperm(n, g).tolist();
    std::vector<std::int64_t> sorted = p;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::int64_t> id(static_cast<std::size_t>(n));
    std::iota(id.begin(), id.end(), std::int64_t(0));
    CHECK(sorted == id);
  }
  auto s = randperm<7, std::int32_t>(g).tolist();
  std::sort(s.begin(), s.end());
  CHECK(s == std::vector<std::int32_t>{0, 1, 2, 3, 4, 5, 6});
  // Every position is uniform: where 0 lands over many permutations of 4.
  std::vector<int> where(4);
  for (int k = 0; k < 20000; ++k) {
    auto p = randperm<4>(g);
    for (int i = 0; i < 4; ++i)
      if (p(i) == 0) ++where[std::size_t(i)];
  }
  for (int c : where) CHECK(std::abs(c - 5000) < 300);
}

TEST_CASE("random: multinomial frequencies") {
  Generator g(99);
  Tensor<double, Shape<2, 4>> p{{1.0, 2.0, 3.0, 4.0}, {0.0, 5.0, 0.0, 5.0}};
  constexpr int n = 100000;
  auto r = multinomial(p, n, true, g);
  CHECK(r.size(0) == 2);
  CHECK(r.size(1) == n);
  std::vector<double> c0(4), c1(4);
  for (int j = 0; j < n; ++j) {
    c0[std::size_t(r(0, j))] += 1;
    c1[std::size_t(r(1, j))] += 1;
  }
  for (int k = 0; k < 4; ++k) CHECK(std::fabs(c0[std::size_t(k)] / n - (k + 1) / 10.0) < 0.006);
  CHECK(c1[0] == 0);
  CHECK(c1[2] == 0);
  CHECK(std::fabs(c1[1] / n - 0.5) < 0.006);

  // Without replacement: distinct indices; the first one follows p; zero-probability ones never appear.
  Tensor<float, Shape<5>> q{1.0f, 0.0f, 2.0f, 3.0f, 4.0f};
  std::vector<double> first(5);
  for (int k = 0; k < 20000; ++k) {
    auto s = multinomial<4>(q, g).tolist();
    std::set<std::int64_t> distinct(s.begin(), s.end());
    REQUIRE(distinct.size() == 4);
    REQUIRE(distinct.count(1) == 0);
    first[std::size_t(s[0])] += 1;
  }
  for (int k : {0, 2, 3, 4}) CHECK(std::fabs(first[std::size_t(k)] / 20000 - q(k) / 10.0) < 0.015);
  // One sample with replacement takes the same path (PyTorch's fast path).
  std::vector<double> one(5);
  for (int k = 0; k < 20000; ++k) one[std::size_t(multinomial(q, 1, true, g)(0))] += 1;
  for (int k = 0; k < 5; ++k) CHECK(std::fabs(one[std::size_t(k)] / 20000 - q(k) / 10.0) < 0.015);
}

// ---------------------------------------------------------------------------------------------- errors

TEST_CASE("random: errors") {
  Generator g(0);
  Tensor<float, Shape<4>> t;
  CHECK(message_of<value_error>([&] { bernoulli_(t, 1.5, g); }) ==
        "ctorch: bernoulli_: expects p to be in [0, 1], but got p=1.5");
  CHECK(message_of<value_error>([&] { (void)bernoulli(t, -0.25, g); }) ==
        "ctorch: bernoulli: expects p to be in [0, 1], but got p=-0.25");
  Tensor<float, Shape<2>> badp{0.5f, 2.0f};
  CHECK(message_of<value_error>([&] { (void)bernoulli(badp, g); }) ==
        "ctorch: bernoulli_: expects p to be in [0, 1], but got p=2");
  CHECK(message_of<value_error>([&] { (void)randint<std::int64_t, Shape<3>>(5, 5, g); }) ==
        "ctorch: randint: expects 'from' to be less than 'to', but got from=5 >= to=5");
  CHECK(message_of<value_error>([&] { (void)randint<std::int64_t, Shape<3>>(0); }) ==
        "ctorch: randint: expects 'from' to be less than 'to', but got from=0 >= to=0");
  CHECK(message_of<value_error>([&] { random_(t, 3, 1, g); }) ==
        "ctorch: random_: expects 'from' to be less than 'to', but got from=3 >= to=1");
  CHECK(message_of<value_error>([&] { (void)normal<float, Shape<3>>(0.0, -1.0, g); }) ==
        "ctorch: normal: expects std >= 0.0, but found std=-1");
  CHECK(message_of<value_error>([&] { normal_(t, 0.0, -2.0, g); }) ==
        "ctorch: normal_: expects std >= 0.0, but found std=-2");
  Tensor<float, Shape<2>> badstd{1.0f, -0.5f};
  Tensor<float, Shape<Dyn>> m4(4), s2(2);
  CHECK(message_of<shape_error>([&] { (void)normal(m4, s2, g); }) != "");  // [4] and [2] do not broadcast
  Tensor<float, Shape<2>> mean2{0.0f, 0.0f};
  CHECK(message_of<value_error>([&] { (void)normal(mean2, badstd, g); }) ==
        "ctorch: normal: expects std >= 0.0, but found std=-0.5");
  CHECK(message_of<value_error>([&] { (void)normal(1.0, badstd, g); }) ==
        "ctorch: normal: expects std >= 0.0, but found std=-0.5");
  CHECK(message_of<value_error>([&] { uniform_(t, 2.0, 1.0, g); }) ==
        "ctorch: uniform_: expects to return a [from, to) range, but found from=2 > to=1");
  CHECK(message_of<value_error>([&] { exponential_(t, -1.0, g); }) ==
        "ctorch: exponential_: expects lambda >= 0.0, but found lambda=-1");
  CHECK(message_of<value_error>([&] { cauchy_(t, 0.0, 0.0, g); }) ==
        "ctorch: cauchy_: expects sigma > 0.0, but found sigma=0");
  CHECK(message_of<value_error>([&] { log_normal_(t, 0.0, 0.0, g); }) ==
        "ctorch: log_normal_: expects std > 0.0, but found std=0");
  CHECK(message_of<value_error>([&] { geometric_(t, 0.0, g); }) ==
        "ctorch: geometric_: expects p to be in (0, 1), but got p=0");
  CHECK(message_of<value_error>([&] { geometric_(t, 1.0, g); }) ==
        "ctorch: geometric_: expects p to be in (0, 1), but got p=1");
  CHECK(message_of<value_error>([&] { (void)randperm(-1, g); }) == "ctorch: randperm: n must be non-negative, got -1");
  CHECK(message_of<shape_error>([&] { (void)rand<float, Shape<Dyn>>(-3, g); }) ==
        "ctorch: rand: a dynamic extent must be non-negative, got -3");

  Tensor<float, Shape<3>> pz{0.0f, 1.0f, 0.0f};
  CHECK(message_of<value_error>([&] { (void)multinomial(pz, 2, false, g); }) ==
        "ctorch: multinomial: invalid multinomial distribution (with replacement=False, not enough non-negative "
        "category to sample): row 0 has 1 non-zero categories, 2 samples asked");
  CHECK(message_of<value_error>([&] { (void)multinomial(pz, 4, false, g); }) ==
        "ctorch: multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement (n_sample 4, "
        "3 categories)");
  CHECK(message_of<value_error>([&] { (void)multinomial(pz, 0, true, g); }) ==
        "ctorch: multinomial: cannot sample n_sample <= 0 samples (got 0)");
  Tensor<float, Shape<3>> pneg{0.5f, -1.0f, 0.5f};
  CHECK(message_of<value_error>([&] { (void)multinomial(pneg, 2, true, g); }) ==
        "ctorch: multinomial: invalid multinomial distribution (encountering probability entry < 0)");
  CHECK(message_of<value_error>([&] { (void)multinomial(pneg, 1, false, g); }) ==
        "ctorch: multinomial: probability tensor contains either `inf`, `nan` or element < 0");
  Tensor<float, Shape<2, 2>> zrow{{0.0f, 0.0f}, {1.0f, 1.0f}};
  CHECK(message_of<value_error>([&] { (void)multinomial(zrow, 1, false, g); }) ==
        "ctorch: multinomial: invalid multinomial distribution (sum of probabilities <= 0)");
  CHECK(message_of<value_error>([&] { (void)multinomial(zrow, 3, true, g); }) ==
        "ctorch: multinomial: invalid multinomial distribution (sum of probabilities <= 0)");
  // With replacement, zero categories are fine as long as the row sum is positive.
  auto ok = multinomial(pz, 5, true, g).tolist();
  for (auto v : ok) CHECK(v == 1);
}
