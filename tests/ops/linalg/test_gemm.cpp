// ctorch/ops/linalg and eval/cpu/gemm.hpp: every product against a naive double-precision triple loop at
// awkward sizes (edges of the 14 x 32 micro-tile and of the kc/mc blocks), all four transpose
// combinations (transpose<0, 1> views read in place), Dyn and static shapes, 1 and 2 threads, float and
// double; a few golden values from PyTorch 1.13 (tests/golden/gen_linalg.py).
//
// Tolerance: |got - ref| <= c * K * max|a| * max|b| (+ the same for beta * input), c = 1e-5 for float
// and 1e-13 for double; ref is accumulated in double (long double for double inputs).
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "support/fixture.hpp"
#include "support/threads.hpp"

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

template <class T>
constexpr double tol_c() {
  return std::is_same_v<T, float> ? 1e-5 : 1e-13;
}

using Mat = std::vector<long double>;

// Naive reference of a (M x K view) @ b (K x N view).
template <class VA, class VB>
Mat ref_mm(const VA& a, const VB& b) {
  const index_t M = a.size(0), K = a.size(1), N = b.size(1);
  Mat r(std::size_t(M * N));
  for (index_t i = 0; i < M; ++i)
    for (index_t j = 0; j < N; ++j) {
      long double s = 0;
      for (index_t k = 0; k < K; ++k) s += (long double)a(i, k) * (long double)b(k, j);
      r[std::size_t(i * N + j)] = s;
    }
  return r;
}

template <class T>
void check_mat(const T* got, const Mat& want, index_t K, double scale, const std::string& what) {
  const double tol = tol_c<T>() * double(std::max<index_t>(K, 1)) * scale;
  int bad = 0;
  double worst = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const double e = std::abs(double(got[i]) - double(want[i]));
    worst = std::max(worst, e);
    if (!(e <= tol)) ++bad;
  }
  INFO(what << " worst error " << worst << " tolerance " << tol);
  CHECK(bad == 0);
}

struct Size {
  index_t M, N, K;
};
// {30, 530, 37}: over 16 slivers, so A is packed (on AVX-512 16 k at a time, then the last 5).
// {20, 1100, 40}: more than one N panel on one thread (AVX-512: 1024 floats or 512 doubles a panel).
const Size kSizes[] = {{1, 1, 1},      {7, 15, 17},   {17, 7, 15},    {63, 65, 257}, {65, 63, 7},   {255, 257, 65},
                       {257, 17, 255}, {1, 257, 65},  {65, 1, 257},   {600, 3, 40},  {3, 600, 40},  {14, 32, 256},
                       {15, 33, 257},  {29, 65, 513}, {520, 70, 300}, {30, 530, 37}, {20, 1100, 40}};

template <class T>
void run_mm_sizes(int threads) {
  Threads guard(threads);
  using M2 = Tensor<T, Shape<Dyn, Dyn>>;
  for (const auto& sz : kSizes) {
    for (int ta = 0; ta < 2; ++ta)
      for (int tb = 0; tb < 2; ++tb) {
        // Storage: a as M x K or K x M (then read through transpose<0, 1>), likewise b.
        M2 as = ta ? M2(sz.K, sz.M) : M2(sz.M, sz.K);
        M2 bs = tb ? M2(sz.N, sz.K) : M2(sz.K, sz.N);
        fill_random(as, std::uint64_t(sz.M * 131 + sz.K));
        fill_random(bs, std::uint64_t(sz.N * 7 + sz.K * 3));
        const auto va = ta ? transpose<0, 1>(as) : as.view();
        const auto vb = tb ? transpose<0, 1>(bs) : bs.view();
        const auto c = mm(va, vb);
        static_assert(std::is_same_v<typename decltype(c)::shape_type, Shape<Dyn, Dyn>>);
        REQUIRE(c.size(0) == sz.M);
        REQUIRE(c.size(1) == sz.N);
        check_mat(c.data(), ref_mm(va, vb), sz.K, 1.0,
                  "mm " + std::to_string(sz.M) + "x" + std::to_string(sz.K) + "x" + std::to_string(sz.N) + " ta=" +
                      std::to_string(ta) + " tb=" + std::to_string(tb) + " threads=" + std::to_string(threads));
      }
  }
}

}  // namespace

TEST_CASE("linalg: mm at awkward sizes, four transpose combinations, float, 1 and 2 threads") {
  run_mm_sizes<float>(1);
  run_mm_sizes<float>(2);
}

TEST_CASE("linalg: mm at awkward sizes, four transpose combinations, double, 1 and 2 threads") {
  run_mm_sizes<double>(1);
  run_mm_sizes<double>(2);
}

namespace {

// A column-dependent epilogue that is wrong if applied twice, to a partial sum or with the wrong column:
// x -> 2 x + col[j].
template <class T>
struct TwicePlusColumn {
  static constexpr bool active = true;
  const T* col;
  template <class V>
  V packet(const V& v, index_t j) const {
    return v * V(T(2)) + V::load_unaligned(col + j);
  }
  T scalar(T v, index_t j) const { return v * T(2) + col[j]; }
};

struct Plan {
  bool split_n, direct_a, direct_b;
};

// linalg::gemm_ep against the reference, C = epi(alpha A B + beta C), A and B each stored plain or
// transposed, C with a padded row stride whose padding must stay untouched; returns the plan it ran.
template <class T>
Plan check_gemm_ep(index_t M, index_t N, index_t K, bool ta, bool tb, int threads) {
  Threads guard(threads);
  using M2 = Tensor<T, Shape<Dyn, Dyn>>;
  M2 as = ta ? M2(K, M) : M2(M, K), bs = tb ? M2(N, K) : M2(K, N);
  fill_random(as, std::uint64_t(M * 31 + K));
  fill_random(bs, std::uint64_t(N * 17 + K));
  const auto va = ta ? transpose<0, 1>(as) : as.view();
  const auto vb = tb ? transpose<0, 1>(bs) : bs.view();
  const index_t ldc = N + 3;
  std::vector<T> c(std::size_t(M * ldc)), col(static_cast<std::size_t>(N));
  for (std::size_t i = 0; i < c.size(); ++i) c[i] = T(double(i % 13) / 13.0 - 0.5);
  for (index_t j = 0; j < N; ++j) col[std::size_t(j)] = T(0.01 * double(j));
  const std::vector<T> c0 = c;
  const T alpha = T(-1.5), beta = T(0.5);
  const index_t rsa = ta ? 1 : K, csa = ta ? M : 1, rsb = tb ? 1 : N, csb = tb ? K : 1;
  const auto pl = linalg::detail::plan_gemm<T>(M, N, K, csa, csb, get_num_threads());
  linalg::gemm_ep<T>(M, N, K, alpha, as.data(), rsa, csa, bs.data(), rsb, csb, beta, c.data(), ldc, 1,
                     TwicePlusColumn<T>{col.data()});
  const Mat ab = ref_mm(va, vb);
  Mat want(std::size_t(M * N));
  std::vector<T> got(std::size_t(M * N));
  bool padding_kept = true;
  for (index_t i = 0; i < M; ++i) {
    for (index_t j = 0; j < N; ++j) {
      const std::size_t o = std::size_t(i * N + j), oc = std::size_t(i * ldc + j);
      want[o] = 2.0L * ((long double)alpha * ab[o] + (long double)beta * c0[oc]) + col[std::size_t(j)];
      got[o] = c[oc];
    }
    for (index_t j = N; j < ldc; ++j)
      padding_kept = padding_kept && c[std::size_t(i * ldc + j)] == c0[std::size_t(i * ldc + j)];
  }
  const std::string what = "gemm_ep " + std::to_string(M) + "x" + std::to_string(K) + "x" + std::to_string(N) +
                           " ta=" + std::to_string(ta) + " tb=" + std::to_string(tb) +
                           " threads=" + std::to_string(threads) + " split_n=" + std::to_string(pl.split_n) +
                           " direct_a=" + std::to_string(pl.direct_a) + " direct_b=" + std::to_string(pl.direct_b);
  INFO(what);
  CHECK(padding_kept);
  check_mat(got.data(), want, K, 2.0 * 1.5 + 2.0 * 0.5, what);
  return {pl.split_n, pl.direct_a, pl.direct_b};
}

// The shapes are in units of the micro-tile so that, on any kernel width, on 2 threads the plans cover
// each split with A packed and read in place; 4 threads split N over several mc blocks of a shared A.
template <class T>
void run_gemm_plans() {
  using P = linalg::detail::gemm_params<T>;
  const index_t MR = P::MR, NR = P::NR;
  struct S {
    index_t M, N, K;
    int threads;
  };
  const S shapes[] = {
      {11 * MR - 2, 8 * NR, 600, 2},      // 11 row tiles, 8 slivers: split N (4 + 4 slivers)
      {87 * MR - 2, 5 * NR - 2, 300, 2},  // 87 row tiles, 5 slivers: split M
      {45 * MR - 3, 4 * NR - 5, 300, 4},  // split N, 1 sliver a thread, A over several mc blocks
      {3 * MR, NR + 1, 2000, 4},          // fewer tiles than threads
      {11 * MR - 2, 8 * NR, 600, 1},      // the same products on one thread
      {87 * MR - 2, 5 * NR - 2, 300, 1},
      // B read in place (a slab of at most direct_b_bytes): split M (A transposed) with a partial last
      // sliver, or split N (A plain); split N, A in place too; the last row tile of at most MR_EDGE rows
      // (64 = 4 x 14 + 8 on AVX-512), with a partial sliver.
      {20 * MR + 2, 8 * NR - 6, 24, 2},
      {44 * MR, 2 * NR, 64, 2},
      {4 * MR + P::MR_EDGE, 2 * NR, 64, 1},
      {P::MR_EDGE, NR + 8, 100, 1},
      // A and B both in place (AVX-512: the 4-packet tiles, MR_WIDE rows, a last tile of at most
      // MR_WIDE_EDGE rows): a last tile of MR_WIDE - 1 rows, then two wide blocks, a sliver and a partial
      // one; a last tile of MR_WIDE_EDGE rows; a single short tile; on 2 threads with an odd number of
      // slivers a thread.
      {5 * 6 + 5, 5 * NR + 7, 50, 1},
      {2 * 6 + 4, 2 * NR, 40, 1},
      {3, 2 * NR + 5, 60, 1},
      {200, 5 * NR - 3, 60, 2},
  };
  bool seen[2][2] = {}, seen_direct_b[2] = {}, seen_direct_ab = false;
  for (const S& s : shapes)
    for (int ta = 0; ta < 2; ++ta)
      for (int tb = 0; tb < 2; ++tb) {
        const Plan pl = check_gemm_ep<T>(s.M, s.N, s.K, ta, tb, s.threads);
        if (s.threads == 2) seen[pl.split_n][pl.direct_a] = true;
        if (s.threads == 2 && pl.direct_b) seen_direct_b[pl.split_n] = true;
        if (s.threads == 2 && pl.direct_a && pl.direct_b) seen_direct_ab = true;
      }
  CHECK(seen_direct_ab);
  CHECK(seen[0][0]);
  CHECK(seen[0][1]);
  CHECK(seen[1][0]);
  CHECK(seen[1][1]);
  CHECK(seen_direct_b[0]);
  CHECK(seen_direct_b[1]);
  // Split N on 4 threads over a shared packed A of several mc blocks (A transposed: not read in place).
  // N = 4 NR - 1: four slivers at every packet width (4 NR - 5 is three where NR = 4, SSE2 doubles).
  const auto pl4 = linalg::detail::plan_gemm<T>(45 * MR - 3, 4 * NR - 1, 300, 45 * MR - 3, 1, 4);
  CHECK(pl4.threads == 4);
  CHECK(pl4.split_n);
  CHECK(!pl4.direct_a);
  CHECK(45 * MR - 3 > P::MC);
}

}  // namespace

TEST_CASE("linalg: gemm_ep with an epilogue, alpha and beta, split along M and N, A packed and in place") {
  run_gemm_plans<float>();
  run_gemm_plans<double>();
}

namespace {
// detail::pack_b against its definition, element for element: sliver s holds B[k][s * NR + j] at
// [s * kc * NR + k * NR + j], zero past column nc. B is stored plain (row stride ld) or transposed (column
// stride ld, the nn::Linear weight's layout, packed by in-register 16 x 16 transposes on AVX-512), at kc
// and nc that are and are not multiples of 16 and of NR. The buffer starts as NaN, so a slot left
// unwritten fails too.
template <class T>
void check_pack_b(index_t kc, index_t nc, bool trans) {
  constexpr int NR = linalg::detail::gemm_params<T>::NR;
  const index_t ld = (trans ? kc : nc) + 5;  // padded: a read past a row or column picks up the wrong values
  std::vector<T> b(std::size_t((trans ? nc : kc) * ld));
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = T(double(i) + 1);
  const index_t rs = trans ? 1 : ld, cs = trans ? ld : 1, slivers = (nc + NR - 1) / NR;
  std::vector<T> out(std::size_t(slivers * kc * NR), std::numeric_limits<T>::quiet_NaN());
  linalg::detail::pack_b<T, NR>(kc, nc, b.data(), rs, cs, out.data());
  int bad = 0;
  for (index_t s = 0; s < slivers; ++s)
    for (index_t k = 0; k < kc; ++k)
      for (index_t j = 0; j < NR; ++j) {
        const index_t col = s * NR + j;
        const T want = col < nc ? b[std::size_t(k * rs + col * cs)] : T(0);
        bad += !(out[std::size_t((s * kc + k) * NR + j)] == want);
      }
  INFO("pack_b kc=" << kc << " nc=" << nc << " trans=" << trans);
  CHECK(bad == 0);
}
}  // namespace

TEST_CASE("linalg: pack_b, B plain and transposed, at sizes that are and are not multiples of 16") {
  for (index_t kc : {1, 5, 16, 17, 33, 196})
    for (index_t nc : {1, 10, 16, 17, 31, 32, 33, 64, 70})
      for (bool trans : {false, true}) {
        check_pack_b<float>(kc, nc, trans);
        check_pack_b<double>(kc, nc, trans);
      }
}

TEST_CASE("linalg: mm with static shapes, static result shape, transposed static views") {
  Tensor<float, Shape<7, 17>> a;
  Tensor<float, Shape<65, 17>> bt;
  fill_random(a, 1);
  fill_random(bt, 2);
  auto c = mm(a, transpose<0, 1>(bt));
  static_assert(std::is_same_v<decltype(c), Tensor<float, Shape<7, 65>>>);
  check_mat(c.data(), ref_mm(a.view(), transpose<0, 1>(bt)), 17, 1.0, "static mm");
  // Mixed static and Dyn: the result keeps what is known.
  Tensor<float, Shape<Dyn, 17>> d(5);
  fill_random(d, 3);
  auto e = mm(d, transpose<0, 1>(bt));
  static_assert(std::is_same_v<typename decltype(e)::shape_type, Shape<Dyn, 65>>);
  check_mat(e.data(), ref_mm(d.view(), transpose<0, 1>(bt)), 17, 1.0, "mixed mm");
}

// Every static size runs through linalg::gemm_static (contiguous operands, M N K <= 32^3): packet and
// scalar columns, full and partial row tiles, one and several column blocks; addmm gives it alpha and beta.
template <class T, index_t M, index_t N, index_t K>
void check_static_product() {
  static_assert(linalg::static_gemm_applies<M, N, K>);
  Tensor<T, Shape<M, K>> a;
  Tensor<T, Shape<K, N>> b;
  Tensor<T, Shape<M, N>> in;
  fill_random(a, std::uint64_t(M * 1000 + K));
  fill_random(b, std::uint64_t(N * 1000 + K + 7));
  fill_random(in, std::uint64_t(M + N));
  const std::string what = std::to_string(M) + "x" + std::to_string(K) + "x" + std::to_string(N);
  const auto c = mm(a, b);
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(c)>, Tensor<T, Shape<M, N>>>);
  const Mat want = ref_mm(a.view(), b.view());
  check_mat(c.data(), want, K, 1.0, "static mm " + what);
  const auto d = addmm(in, a, b, 0.5, -2.0);
  Mat want_d = want;
  for (index_t i = 0; i < M * N; ++i) want_d[std::size_t(i)] = -2.0L * want[std::size_t(i)] + 0.5L * in.data()[i];
  check_mat(d.data(), want_d, K, 3.0, "static addmm " + what);
}

TEST_CASE("linalg: small static products (the unpacked kernel) at awkward sizes, float and double") {
  check_static_product<float, 1, 1, 1>();
  check_static_product<float, 8, 8, 8>();
  check_static_product<float, 16, 16, 16>();
  check_static_product<float, 32, 32, 32>();
  check_static_product<float, 7, 17, 15>();
  check_static_product<float, 13, 40, 3>();
  check_static_product<float, 3, 100, 9>();
  check_static_product<float, 25, 5, 30>();
  check_static_product<double, 8, 8, 8>();
  check_static_product<double, 17, 31, 9>();
  check_static_product<double, 32, 20, 16>();
  // A transposed static operand is not contiguous: it takes the packed path and agrees.
  Tensor<float, Shape<16, 16>> a, bt;
  fill_random(a, 5);
  fill_random(bt, 6);
  const auto c = mm(a, transpose<0, 1>(bt));
  check_mat(c.data(), ref_mm(a.view(), transpose<0, 1>(bt)), 16, 1.0, "static mm, transposed b");
}

TEST_CASE("linalg: lazy operands are evaluated first") {
  Tensor<double, Shape<Dyn, Dyn>> a(33, 70), b(70, 40);
  fill_random(a, 4);
  fill_random(b, 5);
  const auto c = mm(a * 2.0 + 1.0, b);
  Tensor<double, Shape<Dyn, Dyn>> a2 = a * 2.0 + 1.0;
  check_mat(c.data(), ref_mm(a2.view(), b.view()), 70, 3.0, "lazy mm");
}

TEST_CASE("linalg: mv, dot, matmul ranks 1..3, bmm") {
  Threads guard(2);
  Tensor<float, Shape<Dyn, Dyn>> a(70, 130);
  Tensor<float, Shape<Dyn>> v(130), w(70);
  fill_random(a, 6);
  fill_random(v, 7);
  fill_random(w, 8);
  const auto av = a.view();
  auto col = [](const auto& x) {  // a vector as a K x 1 view
    return TensorView<const float, Shape<Dyn, Dyn>>(x.data(), Dims<Shape<Dyn, Dyn>>(x.size(0), 1), {x.stride(0), 1});
  };
  auto row = [](const auto& x) {
    return TensorView<const float, Shape<Dyn, Dyn>>(x.data(), Dims<Shape<Dyn, Dyn>>(1, x.size(0)), {0, x.stride(0)});
  };
  const auto y = mv(a, v);
  static_assert(std::is_same_v<typename decltype(y)::shape_type, Shape<Dyn>>);
  check_mat(y.data(), ref_mm(av, col(v)), 130, 1.0, "mv");
  check_mat(mv(transpose<0, 1>(a), w).data(), ref_mm(transpose<0, 1>(a), col(w)), 70, 1.0, "mv transposed");
  check_mat(matmul(a, v).data(), ref_mm(av, col(v)), 130, 1.0, "matmul 2d 1d");
  check_mat(matmul(w, a).data(), ref_mm(row(w), av), 70, 1.0, "matmul 1d 2d");
  const auto d = dot(v, v);
  static_assert(std::is_same_v<typename decltype(d)::shape_type, Shape<>>);
  check_mat(d.data(), ref_mm(row(v), col(v)), 130, 1.0, "dot");
  check_mat(matmul(v, v).data(), ref_mm(row(v), col(v)), 130, 1.0, "matmul 1d 1d");
  Tensor<float, Shape<Dyn, Dyn>> b(130, 50);
  fill_random(b, 9);
  check_mat(matmul(a, b).data(), ref_mm(av, b.view()), 130, 1.0, "matmul 2d 2d");

  // Batched: 3 x 70 x 130 @ 3 x 130 x 50, a 3-D by 2-D matmul, and broadcast batch 1.
  Tensor<float, Shape<3, Dyn, Dyn>> ba(70, 130);
  Tensor<float, Shape<Dyn, Dyn, Dyn>> bb(3, 130, 50), b1(1, 130, 50);
  fill_random(ba, 10);
  fill_random(bb, 11);
  fill_random(b1, 12);
  const auto c = bmm(ba, bb);
  static_assert(std::is_same_v<typename decltype(c)::shape_type, Shape<3, Dyn, Dyn>>);
  const auto c2 = matmul(ba, b);
  const auto c3 = matmul(ba, b1);
  const auto c4 = matmul(v, bb);  // [130] x [3, 130, 50] -> [3, 50]
  static_assert(std::is_same_v<typename decltype(c4)::shape_type, Shape<Dyn, Dyn>>);
  for (index_t i = 0; i < 3; ++i) {
    auto sa =
        TensorView<const float, Shape<Dyn, Dyn>>(ba.data() + i * 70 * 130, Dims<Shape<Dyn, Dyn>>(70, 130), {130, 1});
    auto sb =
        TensorView<const float, Shape<Dyn, Dyn>>(bb.data() + i * 130 * 50, Dims<Shape<Dyn, Dyn>>(130, 50), {50, 1});
    auto s1 = TensorView<const float, Shape<Dyn, Dyn>>(b1.data(), Dims<Shape<Dyn, Dyn>>(130, 50), {50, 1});
    check_mat(c.data() + i * 70 * 50, ref_mm(sa, sb), 130, 1.0, "bmm batch " + std::to_string(i));
    check_mat(c2.data() + i * 70 * 50, ref_mm(sa, b.view()), 130, 1.0, "matmul 3d 2d " + std::to_string(i));
    check_mat(c3.data() + i * 70 * 50, ref_mm(sa, s1), 130, 1.0, "matmul 3d batch-1 " + std::to_string(i));
    check_mat(c4.data() + i * 50, ref_mm(row(v), sb), 130, 1.0, "matmul 1d 3d " + std::to_string(i));
  }
}

TEST_CASE("linalg: addmm with broadcast input, beta and alpha; beta = 0 ignores NaN input") {
  Tensor<double, Shape<Dyn, Dyn>> a(40, 90), b(90, 70);
  Tensor<double, Shape<Dyn>> in(70);
  fill_random(a, 13);
  fill_random(b, 14);
  fill_random(in, 15);
  const auto c = addmm(in, a, b, 0.5, 2.0);
  auto want = ref_mm(a.view(), b.view());
  for (index_t i = 0; i < 40; ++i)
    for (index_t j = 0; j < 70; ++j)
      want[std::size_t(i * 70 + j)] = 2.0L * want[std::size_t(i * 70 + j)] + 0.5L * in(j);
  check_mat(c.data(), want, 90, 3.0, "addmm");
  Tensor<double, Shape<Dyn, Dyn>> nan_in(40, 70);
  nan_in.fill_(std::numeric_limits<double>::quiet_NaN());
  const auto z = addmm(nan_in, a, b, 0.0);
  check_mat(z.data(), ref_mm(a.view(), b.view()), 90, 1.0, "addmm beta=0");
}

TEST_CASE("linalg: Dyn shape mismatches throw shape_error naming the op and both shapes") {
  Tensor<float, Shape<Dyn, Dyn>> a(3, 4), b(5, 6);
  Tensor<float, Shape<Dyn>> v(5);
  Tensor<float, Shape<Dyn, Dyn, Dyn>> x(2, 3, 4), y(3, 4, 2);
  CHECK_THROWS_WITH_AS(mm(a, b), "ctorch: mm: the inner dims do not match (shapes [3, 4] and [5, 6])", shape_error);
  CHECK_THROWS_AS(mv(a, v), shape_error);
  CHECK_THROWS_AS(dot(v, Tensor<float, Shape<Dyn>>(4)), shape_error);
  CHECK_THROWS_WITH_AS(bmm(x, y), "ctorch: bmm: the batch dims do not match (shapes [2, 3, 4] and [3, 4, 2])",
                       shape_error);
  CHECK_THROWS_AS(addmm(Tensor<float, Shape<Dyn>>(5), a, Tensor<float, Shape<Dyn, Dyn>>(4, 6)), shape_error);
  // Empty K: zeros.
  const auto z = mm(Tensor<float, Shape<Dyn, Dyn>>(3, 0), Tensor<float, Shape<Dyn, Dyn>>(0, 2));
  CHECK(z.numel() == 6);
  for (index_t i = 0; i < 6; ++i) CHECK(z.data()[i] == 0.0f);
}

TEST_CASE("linalg: golden values from PyTorch") {
  const test::Fixture fx("linalg.txt");
  Tensor<float, Shape<3, 4>> a;
  Tensor<float, Shape<4, 5>> b;
  Tensor<float, Shape<4>> v;
  Tensor<float, Shape<5>> in;
  Tensor<float, Shape<2, 3, 4>> ba;
  Tensor<float, Shape<2, 4, 2>> bb;
  Tensor<double, Shape<5, 6>> ad;
  Tensor<double, Shape<6, 2>> bd;
  test::load(a, fx["mm_a"]);
  test::load(b, fx["mm_b"]);
  test::load(v, fx["mv_v"]);
  test::load(in, fx["addmm_in"]);
  test::load(ba, fx["bmm_a"]);
  test::load(bb, fx["bmm_b"]);
  test::load(ad, fx["mmd_a"]);
  test::load(bd, fx["mmd_b"]);
  const double r = 1e-5, at = 1e-6;
  test::check_close(mm(a, b).tolist(), fx["mm_out"], r, at, "mm");
  test::check_close(mm(transpose<0, 1>(b), transpose<0, 1>(a)).tolist(), fx["mm_tt_out"], r, at, "mm tt");
  test::check_close(mm(ad, bd).tolist(), fx["mmd_out"], 1e-12, 1e-14, "mm double");
  test::check_close(mv(a, v).tolist(), fx["mv_out"], r, at, "mv");
  Tensor<float, Shape<4>> a0 = select<0>(a, 0);
  test::check_close(dot(v, a0).tolist(), fx["dot_out"], r, at, "dot");
  test::check_close(bmm(ba, bb).tolist(), fx["bmm_out"], r, at, "bmm");
  const auto m32 = matmul(ba, b);
  static_assert(std::is_same_v<typename decltype(m32)::shape_type, Shape<2, 3, 5>>);
  test::check_close(m32.tolist(), fx["matmul_3d2d_out"], r, at, "matmul 3d 2d");
  Tensor<float, Shape<3>> half;
  half.fill_(0.5f);
  test::check_close(matmul(half, ba).tolist(), fx["matmul_1d3d_out"], r, at, "matmul 1d 3d");
  test::check_close(addmm(in, a, b, 0.5, 2.0).tolist(), fx["addmm_out"], r, at, "addmm");
}
