// ctorch/ops/linalg/graph_grad.hpp: what the create_graph VJPs of the linear-algebra ops share.
//
// Under create_graph (autograd/graph.hpp) a VJP is built from recorded Var operations so that it can be
// differentiated again: products (matmul, mv, outer: their create_graph VJPs reuse the GEMM kernels),
// views (the transpose of the last two dims), fused pointwise expressions, and the linear-algebra ops
// themselves (inv, solve, solve_triangular), whose create_graph VJPs are again written with these. The
// helpers here turn such a result into an input's contribution: summed over the batch dims the input was
// broadcast along (autograd::sum_to, which also converts between static and Dyn shape types) and, for
// ops that read one triangle, multiplied by a constant triangle mask.
//
// Every helper is a template that only the generic create_graph lambdas (given to record_graph)
// instantiate, so none of this is compiled without CTORCH_CREATE_GRAPH.
#pragma once
#include <array>
#include <cstddef>
#include <utility>

#include "../../autograd/function.hpp"
#include "../view/transpose.hpp"
#include "../view/unsqueeze.hpp"
#include "matmul.hpp"
#include "mv.hpp"

// Declared in autograd/graph.hpp (parsed only with CTORCH_CREATE_GRAPH); declared here too so that the
// helpers below parse without it (only the create_graph lambdas instantiate them).
namespace ctorch::autograd {
template <class S2, class T, class S, class D>
Var<T, S2, D> sum_to(const Var<T, S, D>& g, const Dims<S2>& to);
template <class S2, class T, class S, class D>
Var<T, S2, D> reshape_to(const Var<T, S, D>& v, const Dims<S2>& to);
}  // namespace ctorch::autograd

namespace ctorch::detail::gg {

// Shape<Dyn, ..., Dyn> of rank R.
template <std::size_t R, class = std::make_index_sequence<R>>
struct dyn_shape;
template <std::size_t R, std::size_t... I>
struct dyn_shape<R, std::index_sequence<I...>> {
  using type = Shape<((void)I, Dyn)...>;
};
template <std::size_t R>
using dyn_shape_t = typename dyn_shape<R>::type;

// ensures: v with every extent Dyn (a recorded copy): for a VJP whose branches, chosen at run time,
// give static shapes that only one branch can have.
template <class T, class S, class D>
Var<T, dyn_shape_t<S::rank>, D> dyn(const Var<T, S, D>& v) {
  return autograd::reshape_to(v, Dims<dyn_shape_t<S::rank>>::from_array(v.sizes()));
}

// ensures: v with its last two dims swapped (a recorded view).
template <class V>
auto mT(const V& v) {
  return transpose<-2, -1>(v);
}

// ensures: x (a Var or an expression of Vars) as a Var.
template <class X>
auto as_v(const X& x) {
  return autograd::as_var(x);
}

// ensures: a @ b for matrices or batches of them of any rank (batch dims broadcast), recorded. matmul
// takes up to 3 dims; above that both operands are broadcast to the common batch, flattened to one
// batch dim, multiplied and reshaped back (all recorded, so the result is differentiable again).
template <class A, class B>
auto mm(const A& a, const B& b) {
  constexpr std::size_t RA = A::rank, RB = B::rank;
  if constexpr (RA <= 3 && RB <= 3) {
    return matmul(a, b);
  } else {
    constexpr std::size_t R = RA > RB ? RA : RB;
    const auto sa = a.sizes();
    const auto sb = b.sizes();
    std::array<index_t, R> ea{}, eb{}, eo{};
    index_t nb = 1;
    for (std::size_t i = 0; i + 2 < R; ++i) {
      const index_t da = i >= R - RA ? sa[i - (R - RA)] : 1, db = i >= R - RB ? sb[i - (R - RB)] : 1;
      ea[i] = eb[i] = eo[i] = da == 1 ? db : da;
      nb *= ea[i];
    }
    ea[R - 2] = eo[R - 2] = sa[RA - 2];
    ea[R - 1] = eb[R - 2] = sa[RA - 1];
    eb[R - 1] = eo[R - 1] = sb[RB - 1];
    using S3 = dyn_shape_t<3>;
    using SR = dyn_shape_t<R>;
    const auto a3 = autograd::reshape_to(autograd::bcast_to(a, Dims<SR>::from_array(ea)),
                                         Dims<S3>::from_array({nb, ea[R - 2], ea[R - 1]}));
    const auto b3 = autograd::reshape_to(autograd::bcast_to(b, Dims<SR>::from_array(eb)),
                                         Dims<S3>::from_array({nb, eb[R - 2], eb[R - 1]}));
    return autograd::reshape_to(matmul(a3, b3), Dims<SR>::from_array(eo));
  }
}

// ensures: in's create_graph gradient += c summed to in's extents (over the batch dims in was broadcast
// along); nothing when in does not require grad.
template <class VI, class C>
void send(const VI& in, const C& c) {
  if (!in.requires_grad()) return;
  autograd::accumulate_graph(in, autograd::sum_to(as_v(c), in.dims()));
}

// ensures: alpha * v, recorded (v itself when alpha is 1).
template <class T, class S, class D>
Var<T, S, D> scaled(const Var<T, S, D>& v, double alpha) {
  if (alpha == 1) return v;
  return Var<T, S, D>(v * T(alpha));
}

// ensures: v (a batch of numbers, shape [*]) reshaped to [*, 1, 1] (rank R), to scale each matrix of a
// batch [*, n, n] in a broadcast product.
template <std::size_t R, class T, class S, class D>
Var<T, dyn_shape_t<R>, D> per_matrix(const Var<T, S, D>& v) {
  static_assert(S::rank + 2 == R);
  std::array<index_t, R> e{};
  e.fill(1);
  for (std::size_t i = 0; i < S::rank; ++i) e[i] = v.sizes()[i];
  return autograd::reshape_to(v, Dims<dyn_shape_t<R>>::from_array(e));
}

// ensures: a tensor of extents d (a batch of r x c matrices) holding `off` on the strict upper (upper)
// or strict lower triangle, `diag` on the diagonal and 0 elsewhere: the part of a matrix an op reads
// (off = 0: diag times the identity).
template <class T, class S>
Tensor<T, S, Cpu> tri_mask(const Dims<S>& d, bool upper, T diag, T off = T(1)) {
  Tensor<T, S, Cpu> m(d);
  const auto e = d.array();
  const index_t r = e[S::rank - 2], c = e[S::rank - 1];
  for (index_t b = 0; b < m.numel() / (r * c); ++b)
    for (index_t i = 0; i < r; ++i)
      for (index_t j = 0; j < c; ++j)
        m.data()[b * r * c + i * c + j] = i == j ? diag : ((upper ? j > i : j < i) ? off : T(0));
  return m;
}

// ensures: in's create_graph gradient += (c summed to in's extents) * tri_mask(in's extents, upper, diag).
template <class VI, class C>
void send_masked(const VI& in, const C& c, bool upper, typename VI::value_type diag) {
  if (!in.requires_grad()) return;
  const VI s = autograd::sum_to(as_v(c), in.dims());
  autograd::accumulate_graph(in, VI(s * tri_mask(in.dims(), upper, diag)));
}

// Throws the create_graph pass's "not supported" error for `what` (an op at a point it cannot handle).
[[noreturn]] inline void unsupported(const char* what) {
  throw autograd_error(autograd::detail::graph_unsupported(what));
}

}  // namespace ctorch::detail::gg
