// ctorch/ops/reduction/sum.hpp: sum (torch.sum), over every element or along one dim.
// Shape: 0-d, or the input's with Dim removed (kept as 1 with Keep). dtype: bool and integers give
// int64, floating point keeps its dtype. Empty input gives 0. NaN propagates. Fused: sum(a * b) reads
// a and b once; float sums use blocked packet accumulation (a cascade, like PyTorch's).
#pragma once
#include "common.hpp"

namespace ctorch {
namespace red {
struct Sum {
  static constexpr const char* name = "sum";
  template <class Acc>
  CTORCH_HD static Acc init() {
    return Acc(0);
  }
  template <class Acc, class V>
  CTORCH_HD static Acc step(Acc a, V x, index_t) {
    return a + static_cast<Acc>(x);
  }
  template <class Acc>
  CTORCH_HD static Acc merge(Acc a, Acc b) {
    return a + b;
  }
  template <class Acc>
  CTORCH_HD static Acc finalize(Acc a, index_t) {
    return a;
  }
  template <class B>
  static B pstep(const B& a, const B& x) {
    return a + x;
  }
  template <class B>
  static B pmerge(const B& a, const B& b) {
    return a + b;
  }
  template <class Acc, class B>
  static Acc phorizontal(const B& b) {
    return xsimd::hadd(b);
  }
};
}  // namespace red

// ensures: a 0-d tensor holding the sum of every element of x.
template <Expression X>
auto sum(const X& x) {
  using T = detail::sum_acc_t<detail::expr_value_t<X>>;
  return Tensor<T, Shape<>, detail::expr_device_t<X>>(detail::reduce_full_acc<red::Sum, T>(x));
}

// requires: Dim in [-rank, rank) (compile error otherwise). ensures: the sums along Dim.
template <int Dim, bool Keep = false, Expression X>
auto sum(const X& x) {
  using S = detail::expr_shape_t<X>;
  [[maybe_unused]] constexpr std::size_t d = detail::reduce_dim_check<red::Sum, S, Dim>::value;
  using T = detail::sum_acc_t<detail::expr_value_t<X>>;
  return detail::reduce_along<red::Sum, T, T, detail::reduced_shape_t<S, d, Keep>>(x, d, "sum");
}

namespace detail {
// The VJP of a sum along D as a recorded op (for create_graph): g, of the reduced shape, repeated along
// D to extents `to`; its own VJP is the sum along D again.
template <std::size_t D, bool Keep, class T, class SG, class Dev, class S>
Var<T, S, Dev> unreduce_to(const Var<T, SG, Dev>& g, const Dims<S>& to) {
  Tensor<T, S, Dev> out(to);
  assign(out.view(), unreduce<D, Keep>(g.value()));
  return autograd::record_graph(
      "ExpandBackward1", std::move(out),
      [](const auto& h, const auto&, const Var<T, SG, Dev>& in) { autograd::accumulate(in, sum<int(D), Keep>(h)); },
      [](const Var<T, S, Dev>& h, const Var<T, SG, Dev>& in) {
        autograd::accumulate_graph(in, Var<T, SG, Dev>(sum<int(D), Keep>(h)));
      },
      g);
}
}  // namespace detail

// Autograd: the gradient of a sum is the incoming gradient broadcast back over the summed elements
// (under create_graph, a recorded broadcast).
template <Tracked X>
auto sum(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  return autograd::record_graph(
      "SumBackward0", sum(v.value()), [](const auto& g, const auto&, const V& in) { autograd::accumulate(in, g); },
      [](const auto& g, const V& in) { autograd::accumulate_graph(in, autograd::bcast_to(g, in.dims())); }, v);
}
template <int Dim, bool Keep = false, Tracked X>
auto sum(const X& x) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  [[maybe_unused]] constexpr std::size_t d = detail::reduce_dim_check<red::Sum, typename V::shape_type, Dim>::value;
  return autograd::record_graph(
      "SumBackward1", sum<Dim, Keep>(v.value()),
      [](const auto& g, const auto&, const V& in) { autograd::accumulate(in, detail::unreduce<d, Keep>(g)); },
      [](const auto& g, const V& in) { autograd::accumulate_graph(in, detail::unreduce_to<d, Keep>(g, in.dims())); },
      v);
}

}  // namespace ctorch
