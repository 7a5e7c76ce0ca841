// Tests of ctorch/eval/assign.hpp and the CPU executor: fusion paths, broadcasting, aliasing, threads.
#include <ctorch/ctorch.hpp>
#include <doctest/doctest.h>

#include <cmath>

using namespace ctorch;

namespace {
template <class Tns>
void iota(Tns& t, float scale = 1.0f, float offset = 0.0f) {
  for (index_t i = 0; i < t.numel(); ++i) t.data()[i] = static_cast<typename Tns::value_type>(offset + scale * i);
}
}  // namespace

TEST_CASE("assign: linear, row-broadcast and strided paths agree with a scalar loop") {
  for (index_t batch : {1, 3, 17}) {
    Tensor<float, Shape<Dyn, 37>> x(batch);  // 37: packets plus a scalar tail per row
    Tensor<float, Shape<37>> w;
    iota(x, 0.01f, -1.0f);
    iota(w, 0.1f, -2.0f);
    Tensor<float, Shape<Dyn, 37>> y = tanh(x * w + 1.0f);  // row path: w broadcast along the batch
    Tensor<float, Shape<Dyn, 37>> z = sigmoid(x) - x / 3.0f;  // linear path
    auto xt = transpose<0, 1>(x);
    Tensor<float, Shape<37, Dyn>> u = xt * 2.0f;  // strided path
    for (index_t i = 0; i < batch; ++i)
      for (index_t j = 0; j < 37; ++j) {
        const float xv = x(i, j);
        CHECK(y(i, j) == doctest::Approx(std::tanh(xv * w(j) + 1.0f)).epsilon(1e-6));
        CHECK(z(i, j) == doctest::Approx(1.0f / (1.0f + std::exp(-xv)) - xv / 3.0f).epsilon(1e-6));
        CHECK(u(j, i) == 2.0f * xv);
      }
  }
}

TEST_CASE("assign: Dyn mismatches throw shape_error naming the op and both shapes") {
  Tensor<float, Shape<Dyn, 4>> a(3);
  Tensor<float, Shape<Dyn, 4>> b(2);
  CHECK_THROWS_WITH_AS((void)(a + b).dims(), "ctorch: add: shapes [3, 4] and [2, 4] are not broadcastable",
                       shape_error);
  Tensor<float, Shape<Dyn, 4>> c(1);
  CHECK_NOTHROW((void)(a * c).dims());  // 1 broadcasts
  Tensor<float, Shape<3, 4>> d;
  CHECK_THROWS_AS(d.view() = b, shape_error);
}

TEST_CASE("assign: aliasing reads every right-hand value before writing") {
  Tensor<float, Shape<3, 3>> a{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
  a = a + transpose<0, 1>(a);
  CHECK(a(0, 1) == 6);
  CHECK(a(1, 0) == 6);
  CHECK(a(2, 0) == 10);
  CHECK(a(0, 2) == 10);
  Tensor<float, Shape<Dyn, Dyn>> b{{1, 2}, {3, 4}};
  transpose<0, 1>(b) = b * 1.0f;  // write through a transposed view of the source itself
  CHECK(b(0, 1) == 3);
  CHECK(b(1, 0) == 2);
  Tensor<float, Shape<4>> c{1, 2, 3, 4};
  c = c * c + 1.0f;  // same layout: safe in place
  CHECK(c(3) == 17);
}

TEST_CASE("assign: large work is split across threads with the same result") {
  Tensor<float, Shape<Dyn>> a(1 << 20), b(1 << 20);
  iota(a, 1e-6f);
  const int saved = get_num_threads();
  set_num_threads(1);
  Tensor<float, Shape<Dyn>> one = tanh(a) * 3.0f + a;
  set_num_threads(2);
  Tensor<float, Shape<Dyn>> two = tanh(a) * 3.0f + a;
  set_num_threads(saved);
  CHECK(one.tolist() == two.tolist());
  CHECK_THROWS_AS(set_num_threads(0), value_error);
}

TEST_CASE("assign: dtype promotion follows PyTorch") {
  Tensor<int, Shape<3>> i{1, 2, 3};
  Tensor<double, Shape<3>> d{0.5, 0.5, 0.5};
  static_assert(std::is_same_v<decltype(i * 2.5)::value_type, float>);   // int tensor, float scalar
  static_assert(std::is_same_v<decltype(i * 2)::value_type, int>);       // int scalar keeps int32
  static_assert(std::is_same_v<decltype(d * 2.5f)::value_type, double>); // scalars do not demote
  static_assert(std::is_same_v<decltype(i + d)::value_type, double>);
  static_assert(std::is_same_v<decltype(i / i)::value_type, float>);     // true division
  Tensor<double, Shape<3>> r = i + d;
  CHECK(r(2) == 3.5);
  Tensor<float, Shape<3>> q = i / 2;
  CHECK(q(0) == 0.5f);
}

TEST_CASE("to<U>: dtype conversion and same-device copy") {
  Tensor<float, Shape<4>> a{1.5f, -2.5f, 3.0f, 0.0f};
  auto i = a.to<std::int64_t>();
  static_assert(std::is_same_v<decltype(i), Tensor<std::int64_t, Shape<4>>>);
  CHECK(i(0) == 1);
  CHECK(i(1) == -2);
  auto b = a.to<bool>();
  CHECK(b(2));
  CHECK_FALSE(b(3));
  auto c = a.to<Cpu>();
  CHECK(c.data() != a.data());
  CHECK(c.tolist() == a.tolist());
}

TEST_CASE("promotion: 0-d tensors and numbers only raise the category, as torch.result_type") {
  Tensor<std::int32_t, Shape<3>> i{1, 2, 3};
  Tensor<float, Shape<3>> f{1, 2, 3};
  Tensor<std::int64_t, Shape<>> l(std::int64_t(2));
  Tensor<double, Shape<>> d(2.5);
  static_assert(std::is_same_v<decltype(i + l)::value_type, std::int32_t>);  // same category: dim tensor wins
  static_assert(std::is_same_v<decltype(f + d)::value_type, float>);
  static_assert(std::is_same_v<decltype(i + d)::value_type, double>);  // higher category: 0-d decides
  static_assert(std::is_same_v<decltype(l + d)::value_type, double>);  // both 0-d: plain promotion
  Tensor<std::int32_t, Shape<3>> r = i + l;
  CHECK(r(2) == 5);
  Tensor<float, Shape<3>> q = f * d;
  CHECK(q(1) == 5.0f);
  Tensor<bool, Shape<2, 2>> b{{true, false}, {false, true}};
  CHECK(b(1, 1));
  CHECK_FALSE(b(0, 1));
}
