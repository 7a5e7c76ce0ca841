// ctorch/ops/random/normal.hpp: normal_ (Tensor.normal_) and normal (torch.normal): Gaussian samples.
// Spellings:
//   normal_(t, mean = 0, std = 1, [gen])        fills a tensor or a view in place;
//   normal<T, S>(mean, std, dyn extents..., [gen])  a new tensor of shape S (torch.normal(mean, std, size));
//   normal(mean_expr, std_expr, [gen]), normal(mean_expr, std), normal(mean, std_expr)  elementwise mean and std,
//     the shape being their broadcast (mean's dtype, or std's when mean is a number).
// Dtype: floating point. No gradient (samples are leaves).
// Algorithm (PyTorch 1.13's CPU normal_kernel): a contiguous target of 16 or more elements is filled with
// uniforms, then each block of 16 goes through Box-Muller (element j and j + 8 from one pair); a size that is
// not a multiple of 16 redraws its last 16 uniforms and transforms them again. Other targets draw one
// normal_distribution<double> sample per element in memory order (Box-Muller with a cached second value).
// Float blocks of 16 copy PyTorch's AVX2 kernel (Cephes' polynomial log and sincos from avx_mathfun.h, with
// the same fused multiply-adds), so the values are PyTorch's bit for bit for float and double alike.
// mean/std tensors: samples of N(0, 1) times std, plus mean, as two rounded steps (PyTorch's mul_ then add_).
#pragma once
#include <cstring>

#include "common.hpp"

namespace ctorch {

namespace detail {

// a * b rounded to float, never fused with a later addition (PyTorch's _mm256_mul_ps results that GCC kept).
inline float mul_rounded(float a, float b) {
  volatile float p = a * b;
  return p;
}
inline float float_of_bits(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
inline std::uint32_t bits_of_float(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

// log256_ps of PyTorch's avx_mathfun.h (Cephes' logf) on one lane, with the multiply-adds fused exactly where
// GCC fused them in PyTorch 1.13's AVX2 build (found by comparing with torch.randn bit for bit).
inline float cephes_logf(float x) {
  x = std::max(x, float_of_bits(0x00800000u));  // smallest normal: no subnormal input
  float e = float(std::int32_t(bits_of_float(x) >> 23) - 0x7f) + 1.0f;
  x = float_of_bits((bits_of_float(x) & ~0x7f800000u) | bits_of_float(0.5f));
  const bool below = x < 0.707106781186547524f;
  const float tmp = below ? x : 0.0f;
  x = x - 1.0f;
  e = e - (below ? 1.0f : 0.0f);
  x = x + tmp;
  const float z = mul_rounded(x, x);
  float y = 7.0376836292E-2f;
  y = std::fma(y, x, -1.1514610310E-1f);
  y = std::fma(y, x, 1.1676998740E-1f);
  y = std::fma(y, x, -1.2420140846E-1f);
  y = std::fma(y, x, 1.4249322787E-1f);
  y = std::fma(y, x, -1.6668057665E-1f);
  y = std::fma(y, x, 2.0000714765E-1f);
  y = std::fma(y, x, -2.4999993993E-1f);
  y = std::fma(y, x, 3.3333331174E-1f);
  y = mul_rounded(y, x);
  y = std::fma(y, z, mul_rounded(e, -2.12194440e-4f));
  y = std::fma(-z, 0.5f, y);
  x = x + y;
  return std::fma(e, 0.693359375f, x);
}

// sincos256_ps of PyTorch's avx_mathfun.h (Cephes' sinf/cosf) on one lane, fused as cephes_logf.
inline void cephes_sincosf(float x, float& s, float& c) {
  std::uint32_t sign_sin = bits_of_float(x) & 0x80000000u;
  x = float_of_bits(bits_of_float(x) & 0x7fffffffu);
  std::int32_t j = static_cast<std::int32_t>(mul_rounded(x, 1.27323954473516f));  // x * 4 / pi, truncated
  j = (j + 1) & ~1;
  const float y = float(j);
  const std::uint32_t swap_sign_sin = std::uint32_t(j & 4) << 29;
  const bool poly = (j & 2) == 0;
  x = std::fma(y, -0.78515625f, x);
  x = std::fma(y, -2.4187564849853515625e-4f, x);
  x = std::fma(y, -3.77489497744594108e-8f, x);
  const std::uint32_t sign_cos = (~std::uint32_t(j - 2) & 4u) << 29;
  sign_sin ^= swap_sign_sin;
  const float z = mul_rounded(x, x);
  float yc = 2.443315711809948E-005f;
  yc = std::fma(yc, z, -1.388731625493765E-003f);
  yc = std::fma(yc, z, 4.166664568298827E-002f);
  yc = mul_rounded(yc, z);
  yc = std::fma(yc, z, -mul_rounded(z, 0.5f));
  yc = yc + 1.0f;
  float ys = -1.9515295891E-4f;
  ys = std::fma(ys, z, 8.3321608736E-3f);
  ys = std::fma(ys, z, -1.6666654611E-1f);
  ys = mul_rounded(ys, z);
  ys = std::fma(ys, x, x);
  s = float_of_bits(bits_of_float(poly ? ys : yc) ^ sign_sin);
  c = float_of_bits(bits_of_float(poly ? yc : ys) ^ sign_cos);
}

// PyTorch's normal_fill_16: Box-Muller over d[0..7] (first uniforms) and d[8..15] (second). Double: the scalar
// kernel; float: the AVX2 kernel (normal_fill_16_AVX2) lane by lane.
template <class T>
void normal_fill_16(T* d, T mean, T stdv) {
  for (int j = 0; j < 8; ++j) {
    if constexpr (std::is_same_v<T, double>) {
      const double u1 = 1 - d[j];
      const double u2 = d[j + 8];
      const double radius = std::sqrt(-2 * std::log(u1));
      const double theta = 2.0f * 3.14159265358979323846 * u2;
      d[j] = fused(radius * std::cos(theta), stdv, mean);
      d[j + 8] = fused(radius * std::sin(theta), stdv, mean);
    } else {
      const float u1 = 1.0f - d[j];
      const float u2 = d[j + 8];
      const float radius = std::sqrt(mul_rounded(-2.0f, cephes_logf(u1)));
      const float theta = mul_rounded(float(2.0f * 3.14159265358979323846), u2);
      float s, c;
      cephes_sincosf(theta, s, c);
      d[j] = std::fma(mul_rounded(radius, c), stdv, mean);
      d[j + 8] = std::fma(mul_rounded(radius, s), stdv, mean);
    }
  }
}

// normal_ on n drawn-order host elements; contiguous says the target is contiguous (PyTorch's fast path).
template <class T>
void normal_fill(T* p, index_t n, bool contiguous, double mean, double stdv, Generator& g) {
  if (n >= 16 && contiguous) {
    const T m = static_cast<T>(mean), s = static_cast<T>(stdv);
    for (index_t i = 0; i < n; ++i) p[i] = uniform_real<T>(g, T(0), T(1));
    for (index_t i = 0; i + 16 <= n; i += 16) normal_fill_16<T>(p + i, m, s);
    if (n % 16 != 0) {
      T* q = p + n - 16;
      for (int i = 0; i < 16; ++i) q[i] = uniform_real<T>(g, T(0), T(1));
      normal_fill_16<T>(q, m, s);
    }
  } else {
    for (index_t i = 0; i < n; ++i) p[i] = static_cast<T>(normal_double(g, mean, stdv));
  }
}

template <class V>
void check_std(const char* op, V stdv) {
  if (!(stdv >= 0))
    throw value_error(std::string("ctorch: ") + op + ": expects std >= 0.0, but found std=" + num_str(stdv));
}

}  // namespace detail

// requires: t is a tensor or a writable host view of a floating dtype; std >= 0 (value_error otherwise).
// ensures: every element of t is drawn from N(mean, std^2); returns t.
template <class X>
  requires detail::is_random_target_v<X>
detail::inplace_result_t<X&&> normal_(X&& t, double mean = 0.0, double std = 1.0, Generator& gen = default_generator()) {
  using T = typename std::remove_cvref_t<X>::value_type;
  static_assert(std::is_floating_point_v<T>, "ctorch: normal_: the dtype must be floating point");
  detail::check_std("normal_", std);
  detail::fill_random(t, [&](T* p, index_t n, const index_t* logical) {
    detail::normal_fill<T>(p, n, logical == nullptr, mean, std, gen);
  });
  return std::forward<X>(t);
}
template <class X>
  requires detail::is_random_target_v<X>
detail::inplace_result_t<X&&> normal_(X&& t, Generator& gen) {
  return normal_(std::forward<X>(t), 0.0, 1.0, gen);
}

// requires: T floating; std >= 0 (value_error); one non-negative integer per Dyn extent of S, then optionally a
// Generator. ensures: a tensor of shape S whose elements are drawn from N(mean, std^2).
template <DType T, ShapeType S, Device D = Cpu, Arithmetic M, Arithmetic Sd, class... A>
Tensor<T, S, D> normal(M mean, Sd std, A&&... args) {
  static_assert(std::is_floating_point_v<T>, "ctorch: normal: the dtype must be floating point");
  detail::check_std("normal", std);
  return detail::random_creation<random_op::Normal, T, S, D, 0>(
      [&](auto& t, Generator& g) { normal_(t, double(mean), double(std), g); }, std::forward<A>(args)...);
}

// requires: mean and std are expressions that broadcast together, mean of a floating dtype; every element of
// std >= 0 (value_error). ensures: a tensor of their broadcast shape, mean's dtype, element i drawn from
// N(mean[i], std[i]^2) (as N(0, 1) * std + mean).
template <Expression M, Expression Sd>
auto normal(const M& mean, const Sd& std, Generator& gen = default_generator()) {
  using T = typename M::value_type;
  static_assert(std::is_floating_point_v<T>, "ctorch: normal: mean must have a floating dtype");
  using S = broadcast_shape_t<random_op::Normal, typename M::shape_type, typename Sd::shape_type>;
  const Dims<S> dims = broadcast_dims<S>("normal", mean.dims(), std.dims());
  auto sd = detail::host_broadcast<typename Sd::value_type>(std, dims);
  for (auto v : sd.tolist()) detail::check_std("normal", v);
  auto mn = detail::host_broadcast<T>(mean, dims);
  Tensor<T, S, Cpu> out(dims);
  normal_(out, 0.0, 1.0, gen);
  T* p = out.data();
  const auto* s = sd.data();
  const T* m = mn.data();
  for (index_t i = 0; i < out.numel(); ++i) p[i] = static_cast<T>(p[i] * s[i]);  // mul_(std)
  for (index_t i = 0; i < out.numel(); ++i) p[i] = p[i] + m[i];                   // add_(mean)
  using D = typename M::device_type;
  if constexpr (std::is_same_v<D, Cpu>) {
    return out;
  } else {
    return out.template to<D>();
  }
}

// requires: mean is an expression of a floating dtype; std >= 0. ensures: mean's shape and dtype, element i
// drawn from N(mean[i], std^2) (as N(0, std^2) + mean).
template <Expression M, Arithmetic Sd>
auto normal(const M& mean, Sd std, Generator& gen = default_generator()) {
  using T = typename M::value_type;
  static_assert(std::is_floating_point_v<T>, "ctorch: normal: mean must have a floating dtype");
  using S = typename M::shape_type;
  detail::check_std("normal", std);
  auto out = detail::host_broadcast<T>(mean, Dims<S>(mean.dims()));
  std::vector<T> m = out.tolist();
  normal_(out, 0.0, double(std), gen);
  T* p = out.data();
  for (index_t i = 0; i < out.numel(); ++i) p[i] = p[i] + m[std::size_t(i)];
  using D = typename M::device_type;
  if constexpr (std::is_same_v<D, Cpu>) {
    return out;
  } else {
    return out.template to<D>();
  }
}

// requires: std is an expression, every element >= 0. ensures: std's shape, its dtype when floating (else
// float), element i drawn from N(mean, std[i]^2) (as N(0, 1) * std + mean).
template <Arithmetic M, Expression Sd>
auto normal(M mean, const Sd& std, Generator& gen = default_generator()) {
  using T = float_promote_t<typename Sd::value_type>;
  using S = typename Sd::shape_type;
  auto sd = detail::host_broadcast<typename Sd::value_type>(std, Dims<S>(std.dims()));
  for (auto v : sd.tolist()) detail::check_std("normal", v);
  Tensor<T, S, Cpu> out(Dims<S>(std.dims()));
  normal_(out, 0.0, 1.0, gen);
  T* p = out.data();
  const auto* s = sd.data();
  for (index_t i = 0; i < out.numel(); ++i) p[i] = static_cast<T>(p[i] * s[i]);
  for (index_t i = 0; i < out.numel(); ++i) p[i] = p[i] + static_cast<T>(mean);
  using D = typename Sd::device_type;
  if constexpr (std::is_same_v<D, Cpu>) {
    return out;
  } else {
    return out.template to<D>();
  }
}

}  // namespace ctorch
