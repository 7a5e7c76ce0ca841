// ctorch/ops/pointwise/log1p.hpp: log1p (torch.log1p), the elementwise natural logarithm of 1 + x.
// Shape: same. dtype: integers and bool become float32. Gradient: grad * 1 / (1 + x).
#pragma once
#include <cmath>

#include "../../core/simd.hpp"

#include "../../expr/map.hpp"

namespace ctorch {
namespace op {
struct Log1p : float_op<Log1p> {
  static constexpr const char* name = "log1p";
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::log1p(x);
  }
  template <class B>
  static B packet(const B& x) {
    return xsimd::log1p(x);
  }
};
}  // namespace op

// ensures: a lazy elementwise log1p(x); nan below -1, -inf at -1.
template <Expression X>
auto log1p(X&& x) {
  return make_map<op::Log1p>(std::forward<X>(x));
}
}  // namespace ctorch
