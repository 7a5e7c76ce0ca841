// ctorch/ops/pointwise/tanh.hpp: tanh (torch.tanh).
// Shape: same. dtype: integers become float32. Gradient: 1 - tanh(x)^2.
#pragma once
#include <cmath>
#include <type_traits>

#include "../../core/simd.hpp"

#include "../../expr/dmath.hpp"
#include "../../expr/map.hpp"

namespace ctorch {
namespace detail {
// tanh of a float batch as a [13/6] rational function on [-c, c] (Eigen's ptanh_float, also TensorFlow's):
// about twice as fast as xsimd's tanh, which evaluates both a polynomial and exp + division for a batch
// that straddles |x| = 0.625. Within 5 ulp of tanh (relative error below 3e-7, measured over every 8th
// float in [-10, 10]); x itself below 4e-4, where tanh(x) rounds to x; NaN stays NaN.
template <class B>
CTORCH_ALWAYS_INLINE B tanh_float_rational(const B& a) {
  const B c(7.99881172180175781f);  // beyond it, p / q rounds to +-1
  const B x = xsimd::max(xsimd::min(a, c), -c);
  const B x2 = x * x;
  B p = xsimd::fma(x2, B(-2.76076847742355e-16f), B(2.00018790482477e-13f));
  p = xsimd::fma(x2, p, B(-8.60467152213735e-11f));
  p = xsimd::fma(x2, p, B(5.12229709037114e-08f));
  p = xsimd::fma(x2, p, B(1.48572235717979e-05f));
  p = xsimd::fma(x2, p, B(6.37261928875436e-04f));
  p = xsimd::fma(x2, p, B(4.89352455891786e-03f));
  B q = xsimd::fma(x2, B(1.19825839466702e-06f), B(1.18534705686654e-04f));
  q = xsimd::fma(x2, q, B(2.26843463243900e-03f));
  q = xsimd::fma(x2, q, B(4.89352518554385e-03f));
  return xsimd::select((xsimd::abs(a) < B(0.0004f)) | xsimd::isnan(a), a, x * p / q);
}
}  // namespace detail

namespace op {
struct Tanh : float_op<Tanh> {
  static constexpr const char* name = "tanh";
  // The derivative below reads only y, so a producer may keep y alone (nn::Linear's fused epilogue).
  static constexpr bool d_from_result = true;
  // Derivative with respect to operand I (y: the result), for the fused backward pass.
  template <std::size_t I, class V>
  static V d(const V& y, const V& x) {
    (void)y, (void)x;
    return dm::k<V>(1) - y * y;
  }
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::tanh(x);
  }
  template <class B>
  CTORCH_ALWAYS_INLINE static B packet(const B& x) {
    if constexpr (std::is_same_v<typename B::value_type, float>)
      return detail::tanh_float_rational(x);
    else
      return xsimd::tanh(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise tanh(x).
template <Expression X>
auto tanh(X&& x) {
  return make_map<op::Tanh>(std::forward<X>(x));
}
}  // namespace ctorch
