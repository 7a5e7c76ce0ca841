// eval/cpu/gemm.hpp with CTORCH_CBLAS=1: products of at least detail::cblas_min_work multiply-adds whose
// operands have a unit stride go to the system's CBLAS, the others stay on ctorch's kernels, and every route
// gives the product (against a long double reference): four transpose combinations, alpha and beta, the
// epilogue of a fused Linear + ReLU, float and double.
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>
#include <ctorch/nn.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

using namespace ctorch;

namespace {

template <class Tns>
void fill_random(Tns& t, std::uint64_t seed) {
  std::uint64_t s = seed * 6364136223846793005ull + 1442695040888963407ull;
  for (index_t i = 0; i < t.numel(); ++i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    t.data()[i] = typename Tns::value_type(double(s >> 11) / double(1ull << 53) * 2.0 - 1.0);
  }
}

template <class T, class VA, class VB, class C>
void check_product(const VA& a, const VB& b, const C& c, double alpha, const std::string& what) {
  const index_t M = a.size(0), K = a.size(1), N = b.size(1);
  const double tol = (std::is_same_v<T, float> ? 1e-5 : 1e-13) * double(K) * std::abs(alpha);
  double worst = 0;
  for (index_t i = 0; i < M; ++i)
    for (index_t j = 0; j < N; ++j) {
      long double s = 0;
      for (index_t k = 0; k < K; ++k) s += (long double)a(i, k) * (long double)b(k, j);
      worst = std::max(worst, std::abs(double(c(i, j)) - double(alpha * s)));
    }
  INFO(what << ": worst error " << worst << ", tolerance " << tol);
  CHECK(worst <= tol);
}

template <class T>
void run_transposes() {
  using M2 = Tensor<T, Shape<Dyn, Dyn>>;
  const index_t M = 130, N = 150, K = 120;  // 2.3M multiply-adds: above cblas_min_work
  static_assert(double(130 * 150 * 120) >= linalg::detail::cblas_min_work);
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb) {
      M2 as = ta ? M2(K, M) : M2(M, K);
      M2 bs = tb ? M2(N, K) : M2(K, N);
      fill_random(as, std::uint64_t(10 + ta));
      fill_random(bs, std::uint64_t(20 + tb));
      const auto va = ta ? transpose<0, 1>(as) : as.view();
      const auto vb = tb ? transpose<0, 1>(bs) : bs.view();
      const long before = linalg::detail::cblas_calls().load();
      const auto c = mm(va, vb);
      CHECK(linalg::detail::cblas_calls().load() == before + 1);
      check_product<T>(va, vb, c, 1.0, "mm ta=" + std::to_string(ta) + " tb=" + std::to_string(tb));
    }
}

}  // namespace

TEST_CASE("cblas route: large products with unit-stride operands go to CBLAS, all four transposes") {
  run_transposes<float>();
  run_transposes<double>();
}

TEST_CASE("cblas route: small products and operands without a unit stride stay on ctorch's kernels") {
  Tensor<float, Shape<Dyn, Dyn>> a(40, 40), b(40, 40);
  fill_random(a, 1);
  fill_random(b, 2);
  long before = linalg::detail::cblas_calls().load();
  const auto c = mm(a, b);
  CHECK(linalg::detail::cblas_calls().load() == before);
  check_product<float>(a.view(), b.view(), c, 1.0, "small mm");
  // Every other column of a 130 x 240 matrix: strides (240, 2), no unit stride.
  Tensor<double, Shape<Dyn, Dyn>> wide(130, 240), rhs(120, 150);
  fill_random(wide, 3);
  fill_random(rhs, 4);
  using SV = Shape<Dyn, Dyn>;
  const TensorView<const double, SV> strided(wide.data(), Dims<SV>(130, 120), {240, 2});
  before = linalg::detail::cblas_calls().load();
  const auto d = mm(strided, rhs);
  CHECK(linalg::detail::cblas_calls().load() == before);
  check_product<double>(strided, rhs.view(), d, 1.0, "strided mm");
}

TEST_CASE("cblas route: alpha and beta (addmm), and a fused Linear + ReLU epilogue after the call") {
  Tensor<double, Shape<Dyn, Dyn>> a(130, 120), b(120, 150), in(130, 150);
  fill_random(a, 5);
  fill_random(b, 6);
  fill_random(in, 7);
  const long before = linalg::detail::cblas_calls().load();
  const auto c = addmm(in, a, b, 0.5, -2.0);
  CHECK(linalg::detail::cblas_calls().load() == before + 1);
  Tensor<double, Shape<Dyn, Dyn>> want(130, 150);
  want.view() = (c - in * 0.5) * (-0.5);  // recovers a @ b
  check_product<double>(a.view(), b.view(), want, 1.0, "addmm");

  Tensor<float, Shape<Dyn, 300>> x(200);
  Tensor<float, Shape<120, 300>> w;
  Tensor<float, Shape<120>> bias;
  fill_random(x, 8);
  fill_random(w, 9);
  fill_random(bias, 10);
  const long before_fused = linalg::detail::cblas_calls().load();
  const auto fused = nn::functional::linear_act<op::Relu>(x, w, bias);
  CHECK(linalg::detail::cblas_calls().load() == before_fused + 1);
  const Tensor<float, Shape<Dyn, 120>> plain = relu(nn::functional::linear(x, w, bias));
  double worst = 0;
  for (index_t i = 0; i < fused.numel(); ++i)
    worst = std::max(worst, double(std::abs(fused.data()[i] - plain.data()[i])));
  CHECK(worst <= 1e-4);
}
