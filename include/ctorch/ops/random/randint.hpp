// ctorch/ops/random/randint.hpp: randint (torch.randint) and randint_like: integers uniform on [low, high).
// Spelling: randint<T, S>(low, high, dyn extents..., [gen]) or randint<T, S>(high, dyn extents..., [gen]) (low 0);
// which one is meant follows from the number of Dyn extents of S. Dtype: T, any (torch's default is int64).
// No gradient. Values: random_(t, low, high) (see random_.hpp): PyTorch 1.13's bit for bit.
#pragma once
#include "random_.hpp"

namespace ctorch {

// requires: one or two integers (high, or low and high) with low < high (value_error otherwise), then one
// non-negative integer per Dyn extent of S, then optionally a Generator.
// ensures: a tensor of shape S, dtype T, on device D, each element uniform on {low, ..., high - 1}.
template <DType T, ShapeType S, Device D = Cpu, class... A>
Tensor<T, S, D> randint(A&&... args) {
  constexpr std::size_t given = sizeof...(A) - (detail::last_is_generator<A...>() ? 1 : 0);
  constexpr bool dims_form = [] {
    if constexpr (given == 0) {
      return false;
    } else {
      return std::is_same_v<std::remove_cvref_t<detail::nth_t<given - 1, A...>>, Dims<S>>;
    }
  }();
  constexpr std::size_t extents = dims_form ? 1 : S::num_dyn;
  constexpr std::size_t K = given >= extents ? given - extents : 0;
  static_assert(K == 1 || K == 2,
                "ctorch: randint: give high, or low and high, then one run-time extent per Dyn extent of the shape");
  if constexpr (K == 1) {
    return detail::random_creation<random_op::Randint, T, S, D, 1>(
        [](auto& t, Generator& g, auto high) {
          static_assert(std::is_integral_v<decltype(high)>, "ctorch: randint: high is an integer");
          detail::random_range("randint", t, 0, std::int64_t(high), g);
        },
        std::forward<A>(args)...);
  } else {
    return detail::random_creation<random_op::Randint, T, S, D, 2>(
        [](auto& t, Generator& g, auto low, auto high) {
          static_assert(std::is_integral_v<decltype(low)> && std::is_integral_v<decltype(high)>,
                        "ctorch: randint: low and high are integers");
          detail::random_range("randint", t, std::int64_t(low), std::int64_t(high), g);
        },
        std::forward<A>(args)...);
  }
}

// requires: low < high. ensures: integers uniform on {low, ..., high - 1} with x's shape, extents and device, of
// dtype U (x's when U is void).
template <class U = void, Expression X>
auto randint_like(const X& x, std::int64_t low, std::int64_t high, Generator& gen = default_generator()) {
  using R = detail::like_tensor_t<U, X>;
  return randint<typename R::value_type, typename R::shape_type, typename R::device_type>(low, high, x.dims(), gen);
}

}  // namespace ctorch
