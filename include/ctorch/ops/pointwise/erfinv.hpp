// ctorch/ops/pointwise/erfinv.hpp: erfinv (torch.erfinv), the inverse error function.
// Shape: same. dtype: integers and bool become float32. Gradient: grad * sqrt(pi) / 2 * exp(erfinv(x)^2).
//
// M. Giles' approximations ("Approximating the erfinv function", GPU Computing Gems Jade, 2011):
// one polynomial in w = -log((1 - x)(1 + x)) per range, two ranges in single precision and three in
// double, no division and no erf call, so the same code runs as a scalar, an xsimd packet and on a GPU.
// PyTorch instead refines a rational guess with two Newton steps through erf, in the input's precision;
// for float32 near +-1 that loses up to ~7e-6 relative (its own float64 result disagrees), so float32
// is checked against PyTorch's float64 result rounded to float32 (see tests/ops/pointwise).
#pragma once
#include <cmath>
#include <limits>
#include <type_traits>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace detail {

// Horner evaluation of c[0] w^(N-1) + ... + c[N-1], for scalars and batches alike.
template <class V, class T, std::size_t N>
CTORCH_HD V horner(const V& w, const T (&c)[N]) {
  V p = V(c[0]);
  for (std::size_t i = 1; i < N; ++i) p = V(c[i]) + p * w;
  return p;
}

template <class T>
struct giles_erfinv;

template <>
struct giles_erfinv<float> {
  static constexpr float split = 5.0f, c1 = 2.5f, c2 = 3.0f;
  static constexpr float p1[9] = {2.81022636e-08f, 3.43273939e-07f, -3.5233877e-06f, -4.39150654e-06f, 0.00021858087f,
                                  -0.00125372503f, -0.00417768164f, 0.246640727f,    1.50140941f};
  static constexpr float p2[9] = {-0.000200214257f, 0.000100950558f, 0.00134934322f, -0.00367342844f, 0.00573950773f,
                                  -0.0076224613f,   0.00943887047f,  1.00167406f,    2.83297682f};
};

template <>
struct giles_erfinv<double> {
  static constexpr double split = 6.25, split2 = 16.0, c1 = 3.125, c2 = 3.25, c3 = 5.0;
  static constexpr double p1[23] = {
      -3.6444120640178196996e-21, -1.685059138182016589e-19,  1.2858480715256400167e-18,  1.115787767802518096e-17,
      -1.333171662854620906e-16,  2.0972767875968561637e-17,  6.6376381343583238325e-15,  -4.0545662729752068639e-14,
      -8.1519341976054721522e-14, 2.6335093153082322977e-12,  -1.2975133253453532498e-11, -5.4154120542946279317e-11,
      1.051212273321532285e-09,   -4.1126339803469836976e-09, -2.9070369957882005086e-08, 4.2347877827932403518e-07,
      -1.3654692000834678645e-06, -1.3882523362786468719e-05, 0.0001867342080340571352,   -0.00074070253416626697512,
      -0.0060336708714301490533,  0.24015818242558961693,     1.6536545626831027356};
  static constexpr double p2[19] = {
      2.2137376921775787049e-09,  9.0756561938885390979e-08, -2.7517406297064545428e-07, 1.8239629214389227755e-08,
      1.5027403968909827627e-06,  -4.013867526981545969e-06, 2.9234449089955446044e-06,  1.2475304481671778723e-05,
      -4.7318229009055733981e-05, 6.8284851459573175448e-05, 2.4031110387097893999e-05,  -0.0003550375203628474796,
      0.00095328937973738049703,  -0.0016882755560235047313, 0.0024914420961078508066,   -0.0037512085075692412107,
      0.005370914553590063617,    1.0052589676941592334,     3.0838856104922207635};
  static constexpr double p3[17] = {-2.7109920616438573243e-11, -2.5556418169965252055e-10, 1.5076572693500548083e-09,
                                    -3.7894654401267369937e-09, 7.6157012080783393804e-09,  -1.4960026627149240478e-08,
                                    2.9147953450901080826e-08,  -6.7711997758452339498e-08, 2.2900482228026654717e-07,
                                    -9.9298272942317002539e-07, 4.5260625972231537039e-06,  -1.9681778105531670567e-05,
                                    7.5995277030017761139e-05,  -0.00021503011930044477347, -0.00013871931833623122026,
                                    1.0103004648645343977,      4.8499064014085844221};
};

}  // namespace detail

namespace op {
struct Erfinv : float_op<Erfinv> {
  static constexpr const char* name = "erfinv";
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::k<V>(0.88622692545275801) * dm::exp(y * y);
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    using G = detail::giles_erfinv<T>;
    if (std::fabs(x) == T(1)) return x * std::numeric_limits<T>::infinity();
    T w = -std::log((T(1) - x) * (T(1) + x));  // nan for |x| > 1 or nan x, and the result with it
    T p;
    if constexpr (std::is_same_v<T, float>) {
      p = w < G::split ? detail::horner(w - G::c1, G::p1) : detail::horner(std::sqrt(w) - G::c2, G::p2);
    } else {
      p = w < G::split    ? detail::horner(w - G::c1, G::p1)
          : w < G::split2 ? detail::horner(std::sqrt(w) - G::c2, G::p2)
                          : detail::horner(std::sqrt(w) - G::c3, G::p3);
    }
    return p * x;
  }
  // Every range is evaluated and the right one selected per lane (ranges no lane needs are skipped).
  template <class B>
  static B packet(const B& x) {
    using T = typename B::value_type;
    using G = detail::giles_erfinv<T>;
    const B w = -xsimd::log((B(T(1)) - x) * (B(T(1)) + x));
    const auto near = w < B(G::split);
    B p;
    if (xsimd::all(near)) {
      p = detail::horner(w - B(G::c1), G::p1);
    } else {
      const B s = xsimd::sqrt(w);
      if constexpr (std::is_same_v<T, float>) {
        p = xsimd::select(near, detail::horner(w - B(G::c1), G::p1), detail::horner(s - B(G::c2), G::p2));
      } else {
        const B far =
            xsimd::select(w < B(G::split2), detail::horner(s - B(G::c2), G::p2), detail::horner(s - B(G::c3), G::p3));
        p = xsimd::select(near, detail::horner(w - B(G::c1), G::p1), far);
      }
    }
    return xsimd::select(xsimd::abs(x) == B(T(1)), x * B(std::numeric_limits<T>::infinity()), p * x);
  }
};
}  // namespace op

// ensures: a lazy elementwise inverse error function: +-inf at +-1, nan outside [-1, 1].
template <Expression X>
auto erfinv(X&& x) {
  return make_map<op::Erfinv>(std::forward<X>(x));
}
}  // namespace ctorch
