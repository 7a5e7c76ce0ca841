// ctorch/ops/sorting/renorm.hpp: renorm (torch.renorm): each slice of x along dim Dim (select<Dim>(x, i))
// whose p-norm exceeds maxnorm scaled down to norm maxnorm (by maxnorm / (norm + 1e-7), as PyTorch);
// the others are kept. Into a new Tensor. Shape and dtype: x's (floating point only: a compile error
// otherwise). Gradient: through the scale. p <= 0 or maxnorm < 0 throws value_error; Dim out of range is
// a compile error.
#pragma once
#include "../reduction/norm.hpp"
#include "common.hpp"
#if CTORCH_CREATE_GRAPH  // the create_graph VJP's recorded ops
#include "../pointwise/abs.hpp"
#include "../pointwise/add.hpp"
#include "../pointwise/div.hpp"
#include "../pointwise/mul.hpp"
#include "../pointwise/pow.hpp"
#include "../pointwise/sign.hpp"
#include "../pointwise/sub.hpp"
#include "../reduction/amax.hpp"
#include "../reduction/sum.hpp"
#endif

namespace ctorch {

// requires: floating-point x of rank >= 1; Dim in [-rank, rank); p > 0; maxnorm >= 0.
// ensures: a new Tensor with every slice along Dim of p-norm at most about maxnorm.
template <int Dim, Expression X>
auto renorm(const X& x, double p, double maxnorm) {
  using S = typename X::shape_type;
  using T = std::remove_const_t<typename X::value_type>;
  using Dev = typename X::device_type;
  static_assert(std::is_floating_point_v<T>, "ctorch: renorm: only floating point tensors (as in PyTorch)");
  constexpr std::size_t P = view_dim_check<op::Renorm, S, Dim>::value;
  if (!(p > 0)) throw value_error("ctorch: renorm: non-positive norm not supported, got p = " + std::to_string(p));
  if (!(maxnorm >= 0))
    throw value_error("ctorch: renorm: expected maxnorm to be >= 0 but got " + std::to_string(maxnorm));
  Tensor<T, S, Dev> out(x);
  const index_t n = out.dims()[P];
  for (index_t i = 0; i < n; ++i) {
    auto slice = select<int(P)>(out, i);
    const double norm = double(ctorch::norm(slice, p).item());
    if (norm > maxnorm) slice = slice * static_cast<T>(maxnorm / (norm + 1e-7));
  }
  return out;
}

namespace detail {
// The VJP of renorm along P (PyTorch's renorm_backward): a slice left alone passes g; a scaled one,
// y = s x with s = maxnorm / (N + 1e-7) and N = ||x||_p, gets s g - s / (N + 1e-7) <g, x> dN/dx, where
// dN/dx = sign(x) (|x| / N)^(p - 1) (0 at x = 0), or for p = inf sign(x) shared among the entries of
// largest |x|. The slices of x, g and the gradient buffer have one layout (contiguous, one shape), so one
// offset addresses all three.
template <std::size_t P, class V, class G>
void renorm_backward(const V& in, const G& g, double p, double maxnorm) {
  if (!in.requires_grad()) return;
  using T = typename V::value_type;
  const auto& x = in.value();
  bool fresh;
  T* out = autograd::grad_buffer(in, fresh).data();  // fresh: zeros, so += is right either way
  for (index_t i = 0; i < x.dims()[P]; ++i) {
    const auto xs = select<int(P)>(x.view(), i);
    const index_t base = index_t(xs.data() - x.data());
    const T* xp = xs.data();
    const T* gp = g.data() + base;
    T* op = out + base;
    const auto st = xs.strides();
    auto each = [&](auto&& f) { for_each_index(xs.sizes(), [&](const auto& idx) { f(offset_of(idx, st)); }); };
    const double nrm = double(norm(xs, p).item());
    if (!(nrm > maxnorm)) {
      each([&](index_t o) { op[o] += gp[o]; });
      continue;
    }
    const double den = nrm + 1e-7, s = maxnorm / den;
    double dot = 0;
    index_t ties = 0;
    each([&](index_t o) {
      dot += double(gp[o]) * double(xp[o]);
      ties += std::abs(double(xp[o])) == nrm ? 1 : 0;
    });
    each([&](index_t o) {
      const double xv = double(xp[o]), ax = std::abs(xv), sg = xv > 0 ? 1.0 : -1.0;
      double dn = 0;
      if (std::isinf(p))
        dn = ax == nrm ? sg / double(ties) : 0;
      else if (xv != 0)
        dn = sg * std::pow(ax / nrm, p - 1);
      op[o] += static_cast<T>(s * double(gp[o]) - s / den * dot * dn);
    });
  }
}

template <std::size_t P, class V, class G>
void renorm_backward_graph(const G& g, const V& in, double p, double maxnorm);

#if CTORCH_CREATE_GRAPH
// renorm_backward's formula in recorded ops (create_graph). x and g are viewed as [A, n, B] with the
// renormed dim in the middle, so a slice's reductions are sums over dims 0 and 2 whatever the rank (and
// the ops are compiled for one shape type, Shape<Dyn, Dyn, Dyn>). The slices kept or scaled are fixed
// (mask m, from the norms' values); s = m maxnorm / den + (1 - m), and the scaled slices' extra term
// m maxnorm / den^2 <g, x> dN/dx is differentiable through N and dN/dx = sign(x) (|x| / N)^(p - 1), except
// for p = inf, whose dN/dx (sign(x) shared among the largest |x|) is piecewise constant.
template <std::size_t P, class V, class G>
void renorm_backward_graph(const G& g, const V& in, double p, double maxnorm) {
  if (!in.requires_grad()) return;
  using T = typename V::value_type;
  using D = typename V::device_type;
  using S3 = Shape<Dyn, Dyn, Dyn>;
  const auto e = in.value().sizes();
  index_t A = 1, B = 1;
  for (std::size_t k = 0; k < e.size(); ++k)
    if (k < P)
      A *= e[k];
    else if (k > P)
      B *= e[k];
  const index_t n = e[P];
  const Dims<S3> d3(A, n, B);
  const auto x = autograd::reshape_to(in, d3);
  const auto gg = autograd::reshape_to(g, d3);
  const auto nrm = [&] {
    if (std::isinf(p)) return Var(amax<0, true>(amax<2, true>(abs(x))));
    return Var(pow(sum<0, true>(sum<2, true>(pow(abs(x), T(p)))), T(1 / p)));
  }();
  using VN = std::remove_cvref_t<decltype(nrm)>;
  typename VN::tensor_type mk(nrm.value().dims());  // 1: a scaled slice
  for (index_t j = 0; j < n; ++j) mk.data()[j] = double(nrm.value().data()[j]) > maxnorm ? T(1) : T(0);
  const VN m(std::move(mk));
  const VN den(nrm + T(1e-7));
  const VN s(m * T(maxnorm) / den + (T(1) - m));
  const VN dot = sum<0, true>(sum<2, true>(gg * x));
  const auto dndx = [&] {
    using V3 = std::remove_cvref_t<decltype(x)>;
    if (std::isinf(p)) {
      typename V3::tensor_type c(d3);
      const T* xv = x.value().data();
      const T* nv = nrm.value().data();
      for (index_t j = 0; j < n; ++j) {
        index_t ties = 0;
        for (index_t a = 0; a < A; ++a)
          for (index_t b = 0; b < B; ++b) ties += std::abs(xv[(a * n + j) * B + b]) == nv[j];
        for (index_t a = 0; a < A; ++a)
          for (index_t b = 0; b < B; ++b) {
            const index_t i = (a * n + j) * B + b;
            c.data()[i] = std::abs(xv[i]) == nv[j] ? (xv[i] > 0 ? T(1) : T(-1)) / T(ties) : T(0);
          }
      }
      return V3(std::move(c));
    }
    if (p == 1) return V3(sign(x));
    return V3(sign(x) * pow(abs(x) / nrm, T(p - 1)));
  }();
  const Var<T, S3, D> dx(s * gg - m * T(maxnorm) / (den * den) * dot * dndx);
  autograd::accumulate_graph(in, autograd::reshape_to(dx, in.dims()));
}
#endif
}  // namespace detail

// Autograd: renorm on a Var (VJP: detail::renorm_backward; under create_graph detail::renorm_backward_graph).
template <int Dim, Tracked X>
auto renorm(const X& x, double p, double maxnorm) {
  auto v = autograd::as_var(x);
  using V = decltype(v);
  [[maybe_unused]] constexpr std::size_t P = view_dim_check<op::Renorm, typename V::shape_type, Dim>::value;
  return autograd::record_graph(
      "RenormBackward0", renorm<Dim>(v.value(), p, maxnorm),
      [p, maxnorm](const auto& g, const auto&, const V& in) { detail::renorm_backward<P>(in, g, p, maxnorm); },
      [p, maxnorm](const auto& g, const V& in) { detail::renorm_backward_graph<P>(g, in, p, maxnorm); }, v);
}

}  // namespace ctorch
