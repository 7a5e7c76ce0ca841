// ctorch/ops/random/bernoulli.hpp: bernoulli (torch.bernoulli) and bernoulli_ (Tensor.bernoulli_): 0/1 samples.
//   bernoulli(p_expr, [gen])      a tensor of p's shape and dtype (floating), element i is 1 with probability p[i];
//   bernoulli(x_expr, p, [gen])   a tensor of x's shape and dtype, each element 1 with probability p;
//   bernoulli_(t, p = 0.5, [gen]) and bernoulli_(t, p_expr, [gen])  in place (any dtype), p_expr broadcast to t.
// No gradient.
// Values: PyTorch 1.13's bit for bit (its build without MKL): element i is (u < p), u a 53-bit uniform for a
// scalar p or a double p tensor, a 24-bit (float) uniform for a float p tensor, drawn in memory order.
#pragma once
#include "common.hpp"

namespace ctorch {

namespace detail {
inline void check_p(const char* op, double p) {
  if (!(p >= 0.0 && p <= 1.0))
    throw value_error(std::string("ctorch: ") + op + ": expects p to be in [0, 1], but got p=" + num_str(p));
}
}  // namespace detail

// requires: t a tensor or writable host view; 0 <= p <= 1 (value_error otherwise).
// ensures: every element of t is 1 with probability p, else 0; returns t.
template <class X>
  requires detail::is_random_target_v<X>
detail::inplace_result_t<X&&> bernoulli_(X&& t, double p = 0.5, Generator& gen = default_generator()) {
  using T = typename std::remove_cvref_t<X>::value_type;
  detail::check_p("bernoulli_", p);
  detail::fill_serial(t, [&] { return static_cast<T>(detail::bernoulli_draw<double>(gen, p)); });
  return std::forward<X>(t);
}
template <class X>
  requires detail::is_random_target_v<X>
detail::inplace_result_t<X&&> bernoulli_(X&& t, Generator& gen) {
  return bernoulli_(std::forward<X>(t), 0.5, gen);
}

// requires: t a tensor or writable host view; p an expression of a floating dtype that broadcasts to t's shape,
// every element in [0, 1] (value_error otherwise). ensures: element i of t is 1 with probability p[i]; returns t.
template <class X, Expression P>
  requires detail::is_random_target_v<X>
detail::inplace_result_t<X&&> bernoulli_(X&& t, const P& p, Generator& gen = default_generator()) {
  using XT = std::remove_cvref_t<X>;
  using T = typename XT::value_type;
  using PT = typename P::value_type;
  static_assert(std::is_floating_point_v<PT>, "ctorch: bernoulli_: the probabilities must have a floating dtype");
  auto probs = detail::host_broadcast<PT>(p, Dims<typename XT::shape_type>(t.dims()));
  const PT* q = probs.data();
  for (index_t i = 0; i < probs.numel(); ++i) detail::check_p("bernoulli_", double(q[i]));
  detail::fill_random(t, [&](T* out, index_t n, const index_t* logical) {
    for (index_t k = 0; k < n; ++k) {
      const PT pk = q[logical ? logical[k] : k];
      out[k] = static_cast<T>(detail::bernoulli_draw<PT>(gen, pk));
    }
  });
  return std::forward<X>(t);
}

// requires: p an expression of a floating dtype, every element in [0, 1] (value_error otherwise).
// ensures: a tensor of p's shape, dtype and device; element i is 1 with probability p[i], else 0.
template <Expression P>
auto bernoulli(const P& p, Generator& gen = default_generator()) {
  using R = detail::like_tensor_t<void, P>;
  static_assert(std::is_floating_point_v<typename R::value_type>,
                "ctorch: bernoulli: the probabilities must have a floating dtype");
  R out(Dims<typename R::shape_type>(p.dims()));
  bernoulli_(out, p, gen);
  return out;
}

// requires: x an expression; 0 <= p <= 1 (value_error otherwise).
// ensures: a tensor of x's shape, dtype and device; each element 1 with probability p, else 0.
template <Expression X>
auto bernoulli(const X& x, double p, Generator& gen = default_generator()) {
  using R = detail::like_tensor_t<void, X>;
  detail::check_p("bernoulli", p);
  R out(Dims<typename R::shape_type>(x.dims()));
  bernoulli_(out, p, gen);
  return out;
}

}  // namespace ctorch
