// Tests of the Cuda device (eval/cuda): the same expressions evaluated on Cpu and Cuda tensors agree.
//
// Built twice (tests/cuda/CMakeLists.txt): by the host compiler with Thrust's CPP back end, which runs
// the CUDA evaluator's logic on any machine, and by nvcc for sm_90, which runs it on a GPU and skips
// (exit code 77) where there is none.
#include <ctorch/cuda.hpp>
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <vector>

#if __has_include(<ctorch/ops/reduction.hpp>)
#include <ctorch/ops/reduction.hpp>
#define CTORCH_TEST_HAVE_REDUCTIONS 1
#endif

using namespace ctorch;

namespace {

// A host tensor with deterministic values in about [-2, 2] (integers: in [-5, 5]).
template <class T, class S>
Tensor<T, S, Cpu> host_values(Tensor<T, S, Cpu> t, int seed) {
  for (index_t i = 0; i < t.numel(); ++i) {
    const double v = double((i * 37 + seed * 11) % 101) / 25.0 - 2.0;
    t.data()[i] = std::is_floating_point_v<T> ? static_cast<T>(v) : static_cast<T>(int(v * 2.5));
  }
  return t;
}

template <class T, class S, class D>
void check_close(const Tensor<T, S, D>& gpu, const Tensor<T, S, Cpu>& cpu) {
  REQUIRE(gpu.sizes() == cpu.sizes());
  const std::vector<T> g = gpu.tolist(), c = cpu.tolist();
  for (std::size_t i = 0; i < g.size(); ++i) {
    INFO("element " << i);
    if constexpr (std::is_floating_point_v<T>)
      CHECK(double(g[i]) == doctest::Approx(double(c[i])).epsilon(1e-5));
    else
      CHECK(g[i] == c[i]);
  }
}

// Local reducers with the executor protocol: init, step(acc, x, k), merge.
struct SumRed {
  template <class Acc>
  CTORCH_HD static Acc init() {
    return Acc(0);
  }
  template <class Acc, class X>
  CTORCH_HD static Acc step(Acc a, X x, index_t) {
    return a + static_cast<Acc>(x);
  }
  template <class Acc>
  CTORCH_HD static Acc merge(Acc a, Acc b) {
    return a + b;
  }
};

// The first position of the maximum: checks that k is the row-major position on both devices.
struct ArgMax {
  float v;
  index_t k;
};
struct ArgMaxRed {
  template <class Acc>
  CTORCH_HD static Acc init() {
    return Acc{-1e30f, -1};
  }
  template <class Acc, class X>
  CTORCH_HD static Acc step(Acc a, X x, index_t k) {
    return merge(a, Acc{float(x), k});
  }
  template <class Acc>
  CTORCH_HD static Acc merge(Acc a, Acc b) {
    if (a.k < 0) return b;
    if (b.k < 0) return a;
    return (b.v > a.v || (b.v == a.v && b.k < a.k)) ? b : a;
  }
};

template <class Red, class Acc, class E>
Acc reduce_on(const E& e) {
  using Dv = std::conditional_t<std::is_void_v<typename E::device_type>, Cpu, typename E::device_type>;
  constexpr std::size_t R = E::shape_type::rank;
  const auto ext = e.dims().array();
  return executor<Dv>::template reduce_all<Red, Acc>(ext, make_evaluator<R>(e, ext));
}

}  // namespace

TEST_CASE("cuda: tensors round-trip through to<Cuda>() and to<Cpu>()") {
  const auto h = host_values(Tensor<float, Shape<3, 5>>(), 1);
  const Tensor<float, Shape<3, 5>, Cuda> d = h.to<Cuda>();
  check_close(d, h);
  Tensor<float, Shape<3, 5>, Cuda> d2 = d;  // device to device copy
  check_close(d2.to<Cpu>(), h);
  Tensor<float, Shape<Dyn, 4>, Cuda> z(7);  // zero-filled
  CHECK(z.tolist() == std::vector<float>(28, 0.0f));
  z.fill_(2.5f);
  CHECK(z.tolist() == std::vector<float>(28, 2.5f));
  Tensor<int, Shape<2, 2>, Cuda> l{{1, 2}, {3, 4}};
  CHECK(l.tolist() == std::vector<int>{1, 2, 3, 4});
  Tensor<double, Shape<>, Cuda> s(3.5);
  CHECK(s.item() == 3.5);
}

TEST_CASE("cuda: tanh(a * x + b) * sigmoid(c) matches the CPU (linear path)") {
  const auto x = host_values(Tensor<float, Shape<Dyn, 37>>(19), 1);
  const auto a = host_values(Tensor<float, Shape<Dyn, 37>>(19), 2);
  const auto b = host_values(Tensor<float, Shape<Dyn, 37>>(19), 3);
  const auto c = host_values(Tensor<float, Shape<Dyn, 37>>(19), 4);
  const auto xd = x.to<Cuda>(), ad = a.to<Cuda>(), bd = b.to<Cuda>(), cd = c.to<Cuda>();
  Tensor<float, Shape<Dyn, 37>> yc = tanh(a * x + b) * sigmoid(c);
  Tensor<float, Shape<Dyn, 37>, Cuda> yd = tanh(ad * xd + bd) * sigmoid(cd);
  check_close(yd, yc);
  yd = yd * 0.5f - 1;  // in place, same layout
  yc = yc * 0.5f - 1;
  check_close(yd, yc);
}

TEST_CASE("cuda: broadcasting (row, column, scalar, 0-d)") {
  const auto x = host_values(Tensor<float, Shape<6, 9>>(), 1);
  const auto w = host_values(Tensor<float, Shape<9>>(), 2);
  const auto col = host_values(Tensor<float, Shape<6, 1>>(), 3);
  const Tensor<float, Shape<>> s(0.25f);
  const auto xd = x.to<Cuda>();
  const auto wd = w.to<Cuda>();
  const auto cold = col.to<Cuda>();
  const auto sd = s.to<Cuda>();
  Tensor<float, Shape<6, 9>> yc = x * w + col - s + 2.0f;
  Tensor<float, Shape<6, 9>, Cuda> yd = xd * wd + cold - sd + 2.0f;
  check_close(yd, yc);
  Tensor<float, Shape<6, 9>, Cuda> bd;
  bd.view() = wd;  // copy_-style broadcast into a destination
  Tensor<float, Shape<6, 9>> bc;
  bc.view() = w;
  check_close(bd, bc);
  Tensor<float, Shape<>, Cuda> s2 = sd * 4.0f;  // 0-d destination
  CHECK(s2.item() == 1.0f);
}

TEST_CASE("cuda: transposed operands and destinations (indexed path), aliasing") {
  const auto x = host_values(Tensor<float, Shape<5, 7>>(), 1);
  const auto m = host_values(Tensor<float, Shape<7, 5>>(), 2);
  const auto xd = x.to<Cuda>();
  const auto md = m.to<Cuda>();
  Tensor<float, Shape<5, 7>> yc = x + transpose<0, 1>(m) * 3.0f;
  Tensor<float, Shape<5, 7>, Cuda> yd = xd + transpose<0, 1>(md) * 3.0f;
  check_close(yd, yc);
  Tensor<float, Shape<7, 5>> tc;
  Tensor<float, Shape<7, 5>, Cuda> td;
  transpose<0, 1>(tc) = tanh(x);  // strided destination
  transpose<0, 1>(td) = tanh(xd);
  check_close(td, tc);
  Tensor<float, Shape<Dyn, Dyn>> qc = host_values(Tensor<float, Shape<Dyn, Dyn>>(4, 4), 5);
  auto qd = qc.to<Cuda>();
  qc = qc + transpose<0, 1>(qc);  // aliasing with another layout: goes through a temporary
  qd = qd + transpose<0, 1>(qd);
  check_close(qd, qc);
}

TEST_CASE("cuda: mixed dtypes promote and convert as on the CPU") {
  const auto i = host_values(Tensor<int, Shape<4, 6>>(), 1);
  const auto l = host_values(Tensor<std::int64_t, Shape<6>>(), 2);
  const auto f = host_values(Tensor<float, Shape<4, 6>>(), 3);
  const auto dv = host_values(Tensor<double, Shape<4, 1>>(), 4);
  const auto id = i.to<Cuda>();
  const auto ld = l.to<Cuda>();
  const auto fd = f.to<Cuda>();
  const auto dd = dv.to<Cuda>();
  Tensor<std::int64_t, Shape<4, 6>> a_c = i * l + 3;  // int32 * int64 -> int64
  Tensor<std::int64_t, Shape<4, 6>, Cuda> a_d = id * ld + 3;
  check_close(a_d, a_c);
  Tensor<double, Shape<4, 6>> b_c = sigmoid(i) * f + dv;  // float32, then float64
  Tensor<double, Shape<4, 6>, Cuda> b_d = sigmoid(id) * fd + dd;
  check_close(b_d, b_c);
  Tensor<int, Shape<4, 6>> c_c;
  Tensor<int, Shape<4, 6>, Cuda> c_d;
  c_c.view() = f * 2.0f;  // converted (truncated) at assignment
  c_d.view() = fd * 2.0f;
  check_close(c_d, c_c);
  const auto e_d = fd.to<double>();  // cast<U> on the device
  check_close(e_d, f.to<double>());
}

TEST_CASE("cuda: full reductions (linear and strided) match the CPU") {
  const auto x = host_values(Tensor<float, Shape<Dyn, 129>>(1000), 1);
  const auto w = host_values(Tensor<float, Shape<129>>(), 2);
  const auto xd = x.to<Cuda>();
  const auto wd = w.to<Cuda>();
  // sum(x * w), fused: one pass over x.
  const double sc = reduce_on<SumRed, double>(x * w);
  const double sd = reduce_on<SumRed, double>(xd * wd);
  CHECK(sd == doctest::Approx(sc).epsilon(1e-9));
  const float fc = reduce_on<SumRed, float>(tanh(x));
  const float fd = reduce_on<SumRed, float>(tanh(xd));
  CHECK(fd == doctest::Approx(fc).epsilon(1e-3));
  // Through a transposed view (indexed path) and integer accumulation.
  const auto xt = transpose<0, 1>(xd);
  CHECK(reduce_on<SumRed, double>(xt) == doctest::Approx(reduce_on<SumRed, double>(transpose<0, 1>(x))).epsilon(1e-9));
  const auto n = host_values(Tensor<int, Shape<33, 17>>(), 3);
  const auto nd = n.to<Cuda>();
  CHECK(reduce_on<SumRed, std::int64_t>(nd) == reduce_on<SumRed, std::int64_t>(n));
  CHECK(reduce_on<SumRed, std::int64_t>(transpose<0, 1>(nd)) == reduce_on<SumRed, std::int64_t>(n));
  // k is the row-major position of the evaluator's extents on both devices.
  const ArgMax ac = reduce_on<ArgMaxRed, ArgMax>(x * w);
  const ArgMax ad = reduce_on<ArgMaxRed, ArgMax>(xd * wd);
  CHECK(ad.k == ac.k);
  CHECK(ad.v == ac.v);
  const ArgMax tc = reduce_on<ArgMaxRed, ArgMax>(transpose<0, 1>(x) * 1.0f);
  const ArgMax td = reduce_on<ArgMaxRed, ArgMax>(transpose<0, 1>(xd) * 1.0f);
  CHECK(td.k == tc.k);
  // Empty and 0-d.
  Tensor<float, Shape<Dyn, 3>, Cuda> empty(0);
  CHECK(reduce_on<SumRed, float>(empty) == 0.0f);
  Tensor<float, Shape<>, Cuda> one(4.0f);
  CHECK(reduce_on<SumRed, float>(one) == 4.0f);
}

#if defined(CTORCH_TEST_HAVE_REDUCTIONS)
TEST_CASE("cuda: ctorch's full reductions run on Cuda tensors") {
  const auto x = host_values(Tensor<float, Shape<Dyn, 129>>(300), 1);
  const auto w = host_values(Tensor<float, Shape<129>>(), 2);
  const auto n = host_values(Tensor<int, Shape<7, 9>>(), 3);
  const auto xd = x.to<Cuda>();
  const auto wd = w.to<Cuda>();
  const auto nd = n.to<Cuda>();
  CHECK(sum(xd * wd).item() == doctest::Approx(sum(x * w).item()).epsilon(1e-4));
  CHECK(sum(nd).item() == sum(n).item());
  CHECK(mean(transpose<0, 1>(xd)).item() == doctest::Approx(mean(x).item()).epsilon(1e-4));
  CHECK(max(xd * wd).item() == max(x * w).item());
  CHECK(min(tanh(xd)).item() == min(tanh(x)).item());
  CHECK(argmax(xd * wd).item() == argmax(x * w).item());
  CHECK(argmin(transpose<0, 1>(xd)).item() == argmin(transpose<0, 1>(x)).item());
  CHECK(norm(xd).item() == doctest::Approx(norm(x).item()).epsilon(1e-4));
  CHECK(prod(nd * 0 + 1).item() == 1);
}
#endif

TEST_CASE("cuda: Thrust's errors become cuda_error naming the op") {
  CHECK_THROWS_WITH_AS(cuda_backend::checked(
                           "assign", [] { throw thrust::system_error(1, thrust::system_category(), "launch failed"); }),
                       doctest::Contains("ctorch: cuda: assign: launch failed"), cuda_error);
  struct oom : std::bad_alloc {
    const char* what() const noexcept override { return "cudaErrorMemoryAllocation: out of memory"; }
  };
  CHECK_THROWS_AS(cuda_backend::checked("allocate 4 bytes", []() -> int { throw oom(); }), cuda_out_of_memory);
  CHECK_THROWS_WITH_AS(cuda_backend::checked("allocate 4 bytes", []() -> int { throw std::bad_alloc(); }),
                       doctest::Contains("ctorch: cuda: allocate 4 bytes: allocation failed"), cuda_error);
}

int main(int argc, char** argv) {
#if defined(__CUDACC__)
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0) {
    std::printf("no CUDA device: skipped\n");
    return 77;  // ctest's SKIP_RETURN_CODE
  }
#endif
  doctest::Context ctx(argc, argv);
  return ctx.run();
}
