// ctorch/ops/reduction/logsumexp.hpp: logsumexp (torch.logsumexp), log(sum(exp(x))) along one dim.
// Stable: m = amax along Dim (replaced by 0 where it is +-inf), then log(sum(exp(x - m))) + m, as
// PyTorch does; so a row holding +inf gives inf, an all -inf row gives -inf, a NaN gives nan, and an
// empty dim gives -inf. Shape: as sum<Dim, Keep>. dtype: integers and bool become float32.
// Two fused passes over x (the max, then the sum of exponentials); x is never materialised.
#pragma once
#include "../comparison/eq.hpp"
#include "../pointwise/add.hpp"
#include "../pointwise/cast.hpp"
#include "../pointwise/exp.hpp"
#include "../pointwise/mul.hpp"
#include "../pointwise/sub.hpp"
#include "amax.hpp"
#include "sum.hpp"

namespace ctorch {
namespace op {
// x, or 0 where x is +-inf (the shift logsumexp uses).
struct LseShift : float_op<LseShift> {
  static constexpr const char* name = "logsumexp";
  template <class T>
  CTORCH_HD static T f(T x) {
    return std::isinf(x) ? T(0) : x;
  }
};
}  // namespace op

namespace red {
// log(sum(exp(x))) of an already shifted x.
struct LogSumExp : Sum {
  static constexpr const char* name = "logsumexp";
  template <class Acc, class V>
  CTORCH_HD static Acc step(Acc a, V x, index_t) {
    return a + std::exp(static_cast<Acc>(x));
  }
  template <class Acc>
  CTORCH_HD static Acc finalize(Acc a, index_t) {
    return std::log(a);
  }
  template <class B>
  static B pstep(const B& a, const B& x) {
    return a + xsimd::exp(x);
  }
};
}  // namespace red

// requires: Dim in [-rank, rank). ensures: log(sum(exp(x))) along Dim, computed stably.
template <int Dim, bool Keep = false, Expression X>
auto logsumexp(const X& x) {
  using V = detail::expr_value_t<X>;
  using T = float_promote_t<V>;
  using S = detail::expr_shape_t<X>;
  [[maybe_unused]] constexpr std::size_t d = detail::reduce_dim_check<red::LogSumExp, S, Dim>::value;
  using RS = detail::reduced_shape_t<S, d, Keep>;
  if constexpr (!std::is_same_v<V, T>) {
    return logsumexp<Dim, Keep>(cast<T>(x));
  } else {
    const auto ext = x.dims().array();
    if (ext[d] == 0) {
      Tensor<T, RS, detail::expr_device_t<X>> out(detail::reduced_dims<RS>(ext, d, "logsumexp"));
      out.fill_(-std::numeric_limits<T>::infinity());
      return out;
    }
    auto m = amax<Dim, true>(x);
    m.view() = make_map<op::LseShift>(m);
    auto out = detail::reduce_along<red::LogSumExp, T, T, RS>(x - m, d, "logsumexp");
    // m has the keepdim shape; its memory is laid out as out's.
    const TensorView<const T, RS, detail::expr_device_t<X>> mv(m.data(), out.dims(),
                                                               contiguous_strides(out.dims().array()));
    out.view() = out + mv;
    return out;
  }
}

// Autograd: d logsumexp / dx = softmax(x) along Dim.
template <int Dim, bool Keep = false, Tracked X>
auto logsumexp(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  [[maybe_unused]] constexpr std::size_t d =
      detail::reduce_dim_check<red::LogSumExp, typename V::shape_type, Dim>::value;
  return autograd::record_graph(
      "LogsumexpBackward0", logsumexp<Dim, Keep>(v.value()),
      [](const auto& g, const auto& y, const V& in) {
        autograd::accumulate(in, detail::unreduce<d, Keep>(g) * exp(in.value() - detail::unreduce<d, Keep>(y)));
      },
      [](const auto& g, const V& in) {  // create_graph: the same, with the result recomputed as a recorded Var
        const auto dims = in.dims();
        autograd::accumulate_graph(in, V(detail::unreduce_to<d, Keep>(g, dims) *
                                         exp(in - autograd::bcast_to(logsumexp<Dim, true>(in), dims))));
      },
      v);
}

}  // namespace ctorch
