// ctorch/ops/joining/unbind.hpp: unbind (torch.unbind): the slices of x along dim Dim, each a view of
// rank - 1 aliasing x (select<Dim>(x, i) for every i).
// Result: a std::array of views when the extent at Dim is static, else a std::vector. dtype: x's.
// Gradient: on a Var, each slice is a Var whose gradient lands in its slice. Dim out of range is a
// compile error.
#pragma once
#include <vector>

#include "split.hpp"

namespace ctorch {

namespace op {
struct Unbind {
  static constexpr const char* name = "unbind";
};
}  // namespace op

// requires: rank >= 1, Dim in [-rank, rank). ensures: the slices select<Dim>(v, i), i = 0 .. size - 1.
template <int Dim = 0, class T, class S, class D>
auto unbind(const TensorView<T, S, D>& v) {
  constexpr std::size_t P = view_dim_check<op::Unbind, S, Dim>::value;
  constexpr index_t n = S::static_extents[P];
  using V = decltype(select<int(P)>(v, index_t(0)));
  if constexpr (n == Dyn) {
    std::vector<V> out;
    const index_t m = v.dims()[P];
    out.reserve(std::size_t(m));
    for (index_t i = 0; i < m; ++i) out.push_back(select<int(P)>(v, i));
    return out;
  } else {
    return detail::array_from<V>([&](index_t i) { return select<int(P)>(v, i); },
                                 std::make_index_sequence<std::size_t(n)>{});
  }
}
// On a Tensor: the same, as views of its storage (mutable from Tensor&, const from const Tensor&);
// deleted on an rvalue Tensor, whose views would dangle.
template <int Dim = 0, class T, class S, class D>
auto unbind(Tensor<T, S, D>& t) {
  return unbind<Dim>(t.view());
}
template <int Dim = 0, class T, class S, class D>
auto unbind(const Tensor<T, S, D>& t) {
  return unbind<Dim>(t.view());
}
template <int Dim = 0, class T, class S, class D>
void unbind(Tensor<T, S, D>&& t) = delete;
// On a Var: the slices as Vars (detail::track_pieces), each with its slice's VJP.
template <int Dim = 0, class T, class S, class D>
auto unbind(const Var<T, S, D>& v) {
  return detail::track_pieces("UnbindBackward0", v, unbind<Dim>(v.value().view()));
}

}  // namespace ctorch
