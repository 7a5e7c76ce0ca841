// Tests of ctorch/ops/reduction beyond the golden values: static shapes and dtypes, fusion, empty
// inputs, NaN positions across threads, thread-count independence and the CPU executor's reduce paths.
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>

#include <atomic>
#include <cmath>
#include <limits>
#include <vector>

#include "support/threads.hpp"

using namespace ctorch;

namespace {
std::atomic<long> evaluations{0};
}  // namespace

namespace ctorch::op {
// An identity op that counts its scalar evaluations (no packet form, so reductions take the scalar path).
struct CountingIdentity : arith_op<CountingIdentity> {
  static constexpr const char* name = "counting_identity";
  template <class T>
  static T f(T x) {
    evaluations.fetch_add(1, std::memory_order_relaxed);
    return x;
  }
};
}  // namespace ctorch::op

namespace {
template <class X>
auto counted(const X& x) {
  return make_map<op::CountingIdentity>(x);
}

template <class Tns>
void iota(Tns& t, double scale = 1.0, double offset = 0.0) {
  for (index_t i = 0; i < t.numel(); ++i) t.data()[i] = static_cast<typename Tns::value_type>(offset + scale * i);
}

}  // namespace

TEST_CASE("reduction: static result shapes and dtypes") {
  using X = Tensor<float, Shape<2, Dyn, 3>>;
  const X x(4);
  static_assert(std::is_same_v<decltype(sum(x)), Tensor<float, Shape<>>>);
  static_assert(std::is_same_v<decltype(sum<1>(x)), Tensor<float, Shape<2, 3>>>);
  static_assert(std::is_same_v<decltype(sum<-1>(x)), Tensor<float, Shape<2, Dyn>>>);
  static_assert(std::is_same_v<decltype(sum<0, true>(x)), Tensor<float, Shape<1, Dyn, 3>>>);
  static_assert(std::is_same_v<decltype(mean<-2, true>(x)), Tensor<float, Shape<2, 1, 3>>>);
  static_assert(std::is_same_v<decltype(max<1>(x).values), Tensor<float, Shape<2, 3>>>);
  static_assert(std::is_same_v<decltype(max<1>(x).indices), Tensor<std::int64_t, Shape<2, 3>>>);
  static_assert(std::is_same_v<decltype(argmax(x)), Tensor<std::int64_t, Shape<>>>);
  static_assert(std::is_same_v<decltype(any<2>(x)), Tensor<bool, Shape<2, Dyn>>>);
  static_assert(std::is_same_v<decltype(cumsum<1>(x)), Tensor<float, Shape<2, Dyn, 3>>>);
  static_assert(std::is_same_v<decltype(logsumexp<1, true>(x)), Tensor<float, Shape<2, 1, 3>>>);
  const Tensor<std::int32_t, Shape<4>> i{1, 2, 3, 4};
  static_assert(std::is_same_v<decltype(sum(i)), Tensor<std::int64_t, Shape<>>>);
  static_assert(std::is_same_v<decltype(cumprod<0>(i)), Tensor<std::int64_t, Shape<4>>>);
  static_assert(std::is_same_v<decltype(amax(i)), Tensor<std::int32_t, Shape<>>>);
  static_assert(std::is_same_v<decltype(logsumexp<0>(i)), Tensor<float, Shape<>>>);
  static_assert(std::is_same_v<decltype(norm<0>(Tensor<double, Shape<4>>())), Tensor<double, Shape<>>>);
  CHECK(sum<1>(x).sizes() == std::array<index_t, 2>{2, 3});
  CHECK(sum<-1>(x).sizes() == std::array<index_t, 2>{2, 4});
  CHECK(sum<0, true>(x).sizes() == std::array<index_t, 3>{1, 4, 3});
  CHECK(sum(i).item() == 10);
  CHECK(prod(i).item() == 24);
  // A 0-d input.
  const Tensor<float, Shape<>> z(2.5f);
  CHECK(sum(z).item() == 2.5f);
  CHECK(max(z).item() == 2.5f);
  CHECK(argmax(z).item() == 0);
}

TEST_CASE("reduction: sum(a * b) is fused: no temporary, each element evaluated once") {
  Tensor<float, Shape<Dyn, 37>> a(5), b(5);
  iota(a, 0.01, -0.5);
  iota(b, -0.02, 1.0);
  // The argument stays a lazy node over views of a and b, and the reducer runs on its evaluator, whose
  // leaves read a's and b's memory: no Tensor is built for the product.
  using P = decltype(a * b);
  static_assert(
      std::is_same_v<P,
                     Map<op::Mul, TensorView<const float, Shape<Dyn, 37>>, TensorView<const float, Shape<Dyn, 37>>>>);
  static_assert(
      std::is_same_v<detail::reduce_evaluator_t<P>, MapEval<op::Mul, LeafEval<float, 2>, LeafEval<float, 2>>>);
  std::vector<const void*> leaves;
  make_evaluator<2>(a * b, a.sizes()).for_each_leaf([&](const void* p, std::size_t, const auto&) {
    leaves.push_back(p);
  });
  CHECK(leaves == std::vector<const void*>{a.data(), b.data()});
  double want = 0;
  for (index_t k = 0; k < a.numel(); ++k) want += double(a.data()[k]) * double(b.data()[k]);
  CHECK(sum(a * b).item() == doctest::Approx(want).epsilon(1e-6));

  // One scalar evaluation per element for one-pass reductions, two for the two-pass ones.
  const long n = long(a.numel());
  auto count = [&](auto&& f) {
    evaluations = 0;
    f();
    return evaluations.load();
  };
  CHECK(count([&] { (void)sum(counted(a) * b); }) == n);
  CHECK(count([&] { (void)sum<0>(counted(a) * b); }) == n);
  CHECK(count([&] { (void)sum<1, true>(counted(a) * b); }) == n);
  CHECK(count([&] { (void)max<1>(counted(a)); }) == n);
  CHECK(count([&] { (void)cumsum<0>(counted(a)); }) == n);
  CHECK(count([&] { (void)norm(counted(a), 3); }) == n);
  CHECK(count([&] { (void)var(counted(a)); }) == 2 * n);
  CHECK(count([&] { (void)ctorch::std<1>(counted(a)); }) == 2 * n);
  CHECK(count([&] { (void)logsumexp<1>(counted(a)); }) == 2 * n);
}

TEST_CASE("reduction: empty inputs") {
  Tensor<float, Shape<Dyn, 3>> e(0);
  CHECK(sum(e).item() == 0.0f);
  CHECK(prod(e).item() == 1.0f);
  CHECK(std::isnan(mean(e).item()));
  CHECK(std::isnan(var(e).item()));
  CHECK(norm(e).item() == 0.0f);
  CHECK(norm(e, std::numeric_limits<double>::infinity()).item() == 0.0f);
  CHECK(all(e).item());
  CHECK_FALSE(any(e).item());
  CHECK_THROWS_WITH_AS((void)max(e), doctest::Contains("max(): Expected reduction dim to be specified"), value_error);
  CHECK_THROWS_AS((void)amin(e), value_error);
  CHECK_THROWS_AS((void)argmax(e), value_error);
  // Along the empty dim: identities, or value_error for max-like reductions.
  CHECK(sum<0>(e).tolist() == std::vector<float>{0, 0, 0});
  CHECK(prod<0>(e).tolist() == std::vector<float>{1, 1, 1});
  CHECK(logsumexp<0>(e).tolist() == std::vector<float>(3, -std::numeric_limits<float>::infinity()));
  CHECK_THROWS_WITH_AS((void)max<0>(e), "ctorch: max(): Expected reduction dim 0 to have non-zero size.", value_error);
  CHECK_THROWS_AS((void)amax<-2>(e), value_error);
  CHECK_THROWS_AS((void)argmin<0>(e), value_error);
  // Along a non-empty dim of an empty tensor: an empty result.
  CHECK(sum<1>(e).numel() == 0);
  CHECK(max<1>(e).values.numel() == 0);
  CHECK(cumsum<0>(e).sizes() == std::array<index_t, 2>{0, 3});
  CHECK(cumsum<1>(e).numel() == 0);
  Tensor<float, Shape<3, Dyn>> f(0);
  CHECK(cumsum<1>(f).sizes() == std::array<index_t, 2>{3, 0});  // a scan along an empty last dim
  CHECK(cumprod<0>(f).numel() == 0);
  CHECK(sum<1>(f).tolist() == std::vector<float>{0, 0, 0});
  CHECK(std::isnan(mean<1>(f).tolist()[0]));
  CHECK_THROWS_AS((void)max<1>(f), value_error);
}

TEST_CASE("reduction: var and std of one element are nan unbiased, 0 biased") {
  const Tensor<double, Shape<1, 2>> x{{3.0, 5.0}};
  CHECK(std::isnan(var<0>(x).tolist()[0]));
  CHECK(var<0>(x, false).tolist() == std::vector<double>{0, 0});
  CHECK(var<1>(x).tolist() == std::vector<double>{2});
  CHECK(ctorch::std(x, false).item() == 1.0);
}

TEST_CASE("reduction: norm rejects a nan p; negative p as PyTorch") {
  const Tensor<float, Shape<2>> x{1.0f, 2.0f};
  CHECK_THROWS_AS((void)norm(x, std::nan("")), value_error);
  CHECK(norm(x, -1).item() == doctest::Approx(2.0 / 3.0).epsilon(1e-6));  // torch: 0.6667
  CHECK(norm(x, -std::numeric_limits<double>::infinity()).item() == 1.0f);
}

TEST_CASE("reduction: NaN positions, ties and the first maximum across threads and packets") {
  const index_t n = 1 << 20;  // large enough to split over threads and blocks
  Tensor<float, Shape<Dyn>> x(n);
  for (index_t i = 0; i < n; ++i) x.data()[i] = float(i % 1000) / 1000.0f;
  x.data()[n - 10] = 5.0f;  // the maximum, twice, both in the last thread's chunk
  x.data()[n - 3] = 5.0f;
  x.data()[7] = -5.0f;
  for (int threads : {1, 2}) {
    Threads t(threads);
    CHECK(amax(x).item() == 5.0f);
    CHECK(argmax(x).item() == n - 10);
    CHECK(argmin(x).item() == 7);
    auto [v, i] = max<0>(x);
    CHECK(i.item() == n - 10);
    CHECK(v.item() == 5.0f);
  }
  x.data()[n / 2 + 5] = std::numeric_limits<float>::quiet_NaN();  // a NaN in the second half
  x.data()[n - 1] = std::numeric_limits<float>::quiet_NaN();
  for (int threads : {1, 2}) {
    Threads t(threads);
    CHECK(std::isnan(amax(x).item()));
    CHECK(std::isnan(amin(x).item()));
    CHECK(std::isnan(sum(x).item()));
    CHECK(argmax(x).item() == n / 2 + 5);
    CHECK(argmin(x).item() == n / 2 + 5);
    CHECK(std::isnan(norm(x, std::numeric_limits<double>::infinity()).item()));
    CHECK(norm(x, 0).item() == float(n - (n / 1000 + 1)));  // zeros at multiples of 1000; NaN counts
  }
  // Along a dim, through the row path (packets per row), with the NaN at a row's end.
  Tensor<float, Shape<Dyn, 64>> r(2);
  iota(r, 1.0);
  r(1, 63) = std::numeric_limits<float>::quiet_NaN();
  CHECK(amax<1>(r).tolist()[0] == 63.0f);
  CHECK(std::isnan(amax<1>(r).tolist()[1]));
  CHECK(std::isnan(amin<1>(r).tolist()[1]));
  CHECK(argmin<1>(r).tolist() == std::vector<std::int64_t>{0, 63});
}

TEST_CASE("reduction: 1 and 2 threads agree within tolerance, and with a float64 reference") {
  const index_t n = (1 << 20) + 77;  // plus a scalar tail
  Tensor<float, Shape<Dyn>> x(n);
  double ref = 0, ref_sq = 0;
  for (index_t i = 0; i < n; ++i) {
    x.data()[i] = float(std::sin(0.001 * double(i))) + 0.25f;
    ref += x.data()[i];
  }
  const double m = ref / double(n);
  for (index_t i = 0; i < n; ++i) ref_sq += (x.data()[i] - m) * (x.data()[i] - m);
  float s1, s2, v1, v2;
  {
    Threads t(1);
    s1 = sum(x).item();
    v1 = var(x).item();
  }
  {
    Threads t(2);
    s2 = sum(x).item();
    v2 = var(x).item();
  }
  // Blocked packet accumulation: far better than the n * eps bound of a naive float loop.
  CHECK(double(s1) == doctest::Approx(ref).epsilon(1e-6));
  CHECK(double(s2) == doctest::Approx(ref).epsilon(1e-6));
  CHECK(double(v1) == doctest::Approx(ref_sq / double(n - 1)).epsilon(1e-5));
  CHECK(double(v2) == doctest::Approx(ref_sq / double(n - 1)).epsilon(1e-5));

  // Dim reductions split over rows: identical per row whatever the thread count.
  Tensor<float, Shape<Dyn, 1000>> y(2000);
  for (index_t i = 0; i < y.numel(); ++i) y.data()[i] = float(std::cos(0.37 * double(i)));
  std::vector<float> a1, a2, c1, c2;
  {
    Threads t(1);
    a1 = sum<1>(y).tolist();
    c1 = cumsum<1>(y).tolist();
  }
  {
    Threads t(2);
    a2 = sum<1>(y).tolist();
    c2 = cumsum<1>(y).tolist();
  }
  CHECK(a1 == a2);
  CHECK(c1 == c2);
  double row0 = 0;
  for (index_t j = 0; j < 1000; ++j) row0 += y(0, j);
  CHECK(double(a1[0]) == doctest::Approx(row0).epsilon(1e-5));
  CHECK(double(c1[999]) == doctest::Approx(row0).epsilon(1e-6));  // float64 accumulation, as PyTorch
}

TEST_CASE("reduction: int64 sums use packets exactly; bool and int32 widen to int64") {
  Tensor<std::int64_t, Shape<Dyn>> x(100003);
  std::int64_t want = 0;
  for (index_t i = 0; i < x.numel(); ++i) {
    x.data()[i] = (i * 7919) % 100000 * 100000;  // sums past 2^32
    want += x.data()[i];
  }
  CHECK(sum(x).item() == want);
  Tensor<std::int32_t, Shape<3>> big{2000000000, 2000000000, 2000000000};
  CHECK(sum(big).item() == 6000000000LL);  // no int32 overflow
  Tensor<std::int32_t, Shape<3>> f{100000, 100000, 3};
  CHECK(prod(f).item() == 30000000000LL);
  Tensor<bool, Shape<4>> b;  // (Tensor<bool>'s initializer-list constructor needs std::vector<bool>::data())
  b.fill_(true);
  b(2) = false;
  CHECK(sum(b).item() == 3);
  CHECK(cumsum<0>(b).tolist() == std::vector<std::int64_t>{1, 2, 2, 3});
}

TEST_CASE("reduction: Dyn broadcast mismatches inside the argument throw shape_error") {
  Tensor<float, Shape<Dyn, 4>> a(3), b(2);
  CHECK_THROWS_AS((void)sum(a + b), shape_error);
  CHECK_THROWS_AS((void)sum<1>(a + b), shape_error);
  CHECK_THROWS_AS((void)max<0>(a * b), shape_error);
}
