// ctorch/ops/linalg/matrix_norm.hpp: matrix_norm (torch.linalg.matrix_norm), a norm of each matrix.
// ord: "fro" (the default: sqrt of the sum of squares), "nuc" (the sum of the singular values), 2 / -2
// (the largest / smallest singular value), 1 / -1 (max / min absolute column sum), inf / -inf (max /
// min absolute row sum).
// Shape: [*, m, n] -> [*] (a 0-d tensor for one matrix). dtype: float or double. Errors: another ord
// throws value_error; an empty matrix with ord 2, -2, -1, -inf, or 1 / inf over zero columns / rows,
// throws value_error (PyTorch refuses those reductions).
// Gradient: "fro": g A / ||A|| (0 where the norm is 0, as PyTorch); "nuc": g U Vh; 2 / -2: g u v^T of
// the largest / smallest singular value; 1 / -1 (inf / -inf): g sign(A) on the column (row) whose
// absolute sum is the extreme, shared evenly among ties (PyTorch's amax / amin).
#pragma once
#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>
#include <vector>

#include "graph_grad.hpp"
#include "lapack_grad.hpp"
#include "svd.hpp"

namespace ctorch::linalg {

namespace detail {
template <class X, class F>
auto matrix_norm_each(const X& a, F&& f) {
  namespace cd = ctorch::detail;
  using T = cd::lin_value_t<X>;
  using S = cd::lin_shape_t<X>;
  static_assert(cd::matrix_check<op::LinalgMatrixNorm, S, T>::value);
  const auto w = cd::la_work(a);
  const auto b = cd::la_batch(w.sizes());
  auto out = cd::la_make<T, cd::la_replace_t<S, 2>>(b.lead, op::LinalgMatrixNorm::name);
  f(w, b, out.data());
  return out;
}

[[noreturn]] inline void matrix_norm_empty(const std::string& ord) {
  throw value_error("ctorch: linalg.matrix_norm: the norm of order " + ord +
                    " of an empty matrix is not defined (PyTorch refuses the reduction)");
}
}  // namespace detail

// requires: A of rank >= 2, float or double; ord "fro" or "nuc". ensures: the norms, of A's batch shape.
template <Expression X>
auto matrix_norm(const X& a, std::string_view ord = "fro") {
  using T = ctorch::detail::lin_value_t<X>;
  if (ord != "fro" && ord != "nuc")
    throw value_error("ctorch: linalg.matrix_norm: Order " + std::string(ord) + " not supported.");
  const bool nuc = ord == "nuc";
  return detail::matrix_norm_each(a, [&](const auto& w, const auto& b, T* out) {
    const index_t m = b.m, n = b.n, k = std::min(m, n);
    if (!nuc) {
      for (index_t i = 0; i < b.count; ++i) out[i] = ctorch::detail::lapack::nrm2(w.data() + i * m * n, m * n, 1);
      return;
    }
    std::vector<T> s(static_cast<std::size_t>(b.count * k));
    ctorch::detail::la_svd_batch<T>(w.data(), b, nullptr, 0, s.data(), nullptr, 0);
    for (index_t i = 0; i < b.count; ++i) {
      T acc(0);
      for (index_t l = 0; l < k; ++l) acc += s[std::size_t(i * k + l)];
      out[i] = acc;
    }
  });
}

// requires: A of rank >= 2, float or double; ord one of 2, -2, 1, -1, inf, -inf.
// ensures: the norms, of A's batch shape.
template <Expression X>
auto matrix_norm(const X& a, double ord) {
  using T = ctorch::detail::lin_value_t<X>;
  const double inf = std::numeric_limits<double>::infinity();
  if (ord != 2 && ord != -2 && ord != 1 && ord != -1 && ord != inf && ord != -inf)
    throw value_error("ctorch: linalg.matrix_norm: Order " + std::to_string(ord) + " not supported.");
  return detail::matrix_norm_each(a, [&](const auto& w, const auto& b, T* out) {
    const index_t m = b.m, n = b.n, k = std::min(m, n);
    const std::string name = ord == inf ? "inf" : ord == -inf ? "-inf" : std::to_string(int(ord));
    if (b.count == 0) return;
    if (std::abs(ord) == 2) {
      if (k == 0) detail::matrix_norm_empty(name);
      std::vector<T> s(static_cast<std::size_t>(b.count * k));
      ctorch::detail::la_svd_batch<T>(w.data(), b, nullptr, 0, s.data(), nullptr, 0);
      for (index_t i = 0; i < b.count; ++i) out[i] = ord > 0 ? s[std::size_t(i * k)] : s[std::size_t(i * k + k - 1)];
      return;
    }
    // 1-norms: over columns (ord +-1) or rows (ord +-inf) of absolute sums, then max or min.
    const bool cols = std::abs(ord) == 1, take_max = ord > 0;
    const index_t outer = cols ? n : m, inner = cols ? m : n;
    if (outer == 0) detail::matrix_norm_empty(name);
    for (index_t i = 0; i < b.count; ++i) {
      const auto mi = ctorch::detail::la_mat(const_cast<T*>(w.data()), i, m, n);
      T best = take_max ? T(0) : std::numeric_limits<T>::infinity();
      for (index_t o = 0; o < outer; ++o) {
        T acc(0);
        for (index_t in = 0; in < inner; ++in) acc += std::abs(cols ? mi(in, o) : mi(o, in));
        best = take_max ? std::max(best, acc) : std::min(best, acc);
      }
      out[i] = best;
    }
  });
}

}  // namespace ctorch::linalg

namespace ctorch::linalg {

namespace detail {
// The derivative of a 1-norm (|ord| == 1: columns, inf: rows) of each matrix of a [b.count, m, n] batch:
// sign(A) on the column (row) whose absolute sum equals the norm y, shared evenly among ties, 0 elsewhere
// (locally constant in A). Written into d, which holds zeros.
template <class T, class B>
void matrix_norm1_direction(const T* a, const B& b, const T* y, bool cols, T* d) {
  namespace cd = ctorch::detail;
  const index_t m = b.m, n = b.n;
  const index_t outer = cols ? n : m, inner = cols ? m : n;
  std::vector<char> hit(static_cast<std::size_t>(outer));
  for (index_t i = 0; i < b.count; ++i) {
    const auto mi = cd::la_cmat(a, i, m, n);
    std::fill(hit.begin(), hit.end(), 0);
    index_t count = 0;
    for (index_t o = 0; o < outer; ++o) {
      T acc(0);
      for (index_t e = 0; e < inner; ++e) acc += std::abs(cols ? mi(e, o) : mi(o, e));
      if (acc == y[i]) hit[std::size_t(o)] = 1, ++count;
    }
    auto di = cd::la_mat(d, i, m, n);
    for (index_t o = 0; o < outer; ++o) {
      if (!hit[std::size_t(o)]) continue;
      for (index_t e = 0; e < inner; ++e) {
        const T x = cols ? mi(e, o) : mi(o, e);
        (cols ? di(e, o) : di(o, e)) = (x > T(0) ? T(1) : x < T(0) ? T(-1) : T(0)) / T(count);
      }
    }
  }
}

// The Var form of both matrix_norm overloads: value computed by norm(tensor), VJP by ord.
template <class X, class Norm>
auto matrix_norm_tracked(const X& a, double ord, bool fro, bool nuc, Norm norm) {
  namespace cd = ctorch::detail;
  auto v = autograd::as_var(a);
  using V = decltype(v);
  using T = typename V::value_type;
  return autograd::record_graph(
      "LinalgMatrixNormBackward0", norm(v.value()),
      [=](const auto& g, const auto& y, const V& in) {
        T* ga = cd::la_grad(in);
        if (!ga) return;
        const auto b = cd::la_batch(in.value().sizes());
        const index_t m = b.m, n = b.n, k = std::min(m, n);
        const T* ap = in.value().data();
        if (fro) {
          for (index_t i = 0; i < b.count; ++i) {
            const T nv = y.data()[i];
            if (nv == T(0)) continue;
            const T c = g.data()[i] / nv;
            for (index_t j = 0; j < m * n; ++j) ga[i * m * n + j] += c * ap[i * m * n + j];
          }
          return;
        }
        if (nuc || std::abs(ord) == 2) {
          std::vector<T> u(static_cast<std::size_t>(b.count * m * k)), s(static_cast<std::size_t>(b.count * k)),
              vh(static_cast<std::size_t>(b.count * k * n)), gs(s.size(), T(0));
          cd::la_svd_batch<T>(ap, b, u.data(), k, s.data(), vh.data(), k);
          for (index_t i = 0; i < b.count; ++i) {
            if (nuc)
              for (index_t l = 0; l < k; ++l) gs[std::size_t(i * k + l)] = g.data()[i];
            else
              gs[std::size_t(i * k + (ord > 0 ? 0 : k - 1))] = g.data()[i];
          }
          cd::la_svd_backward<T>(nullptr, gs.data(), nullptr, false, u.data(), s.data(), vh.data(), b.count, m, n, k, k,
                                 ga);
          return;
        }
        // 1-norms: g times the direction (the signs on the extreme columns or rows, over their count).
        std::vector<T> d(static_cast<std::size_t>(b.count * m * n), T(0));
        matrix_norm1_direction(ap, b, y.data(), std::abs(ord) == 1, d.data());
        for (index_t i = 0; i < b.count; ++i)
          for (index_t j = 0; j < m * n; ++j) ga[i * m * n + j] += g.data()[i] * d[std::size_t(i * m * n + j)];
      },
      // create_graph: "fro": g A / ||A|| with the norm recomputed (recorded); "nuc", 2, -2: through a
      // recorded SVD; the 1-norms: g times a constant (the signs on the extreme columns or rows, over
      // their count: locally constant in A).
      [=](const auto& g, const V& in) {
        constexpr std::size_t R = V::rank;
        if (fro) {
          const auto nrm = matrix_norm_tracked(in, ord, fro, nuc, norm);
          for (index_t i = 0; i < nrm.numel(); ++i)
            if (nrm.value().data()[i] == T(0)) cd::gg::unsupported("LinalgMatrixNormBackward0 at a zero matrix");
          cd::gg::send(in, cd::gg::per_matrix<R>(autograd::as_var(g / nrm)) * in);
          return;
        }
        if (nuc || std::abs(ord) == 2) {
          // g U diag(w) Vh with a recorded SVD, w = 1 (nuc) or the one-hot of the largest / smallest
          // singular value.
          const auto r = linalg::svd(in);
          using SV = typename std::remove_cvref_t<decltype(r.S)>::shape_type;
          Tensor<T, SV, Cpu> w(r.S.dims());
          const index_t k = r.S.sizes()[SV::rank - 1];
          for (index_t i = 0; i < w.numel(); ++i)
            w.data()[i] = nuc || (ord > 0 ? i % k == 0 : i % k == k - 1) ? T(1) : T(0);
          const Var<T, SV, Cpu> wv(std::move(w));
          cd::gg::send(in, cd::gg::per_matrix<R>(g) * cd::gg::mm(autograd::as_var(r.U * unsqueeze<-2>(wv)), r.Vh));
          return;
        }
        const auto y = norm(in.value());
        Tensor<T, typename V::shape_type, Cpu> c(in.dims());
        matrix_norm1_direction(in.value().data(), cd::la_batch(in.value().sizes()), y.data(), std::abs(ord) == 1,
                               c.data());
        cd::gg::send(in, cd::gg::per_matrix<R>(g) * std::move(c));
      },
      v);
}
}  // namespace detail

// Autograd: as matrix_norm(a, ord) with ord "fro" or "nuc" (the gradient at the top of this file).
template <Tracked X>
auto matrix_norm(const X& a, std::string_view ord = "fro") {
  if (ord != "fro" && ord != "nuc")
    throw value_error("ctorch: linalg.matrix_norm: Order " + std::string(ord) + " not supported.");
  const bool fro = ord == "fro";
  return detail::matrix_norm_tracked(a, 0.0, fro, !fro,
                                     [fro](const auto& t) { return matrix_norm(t, fro ? "fro" : "nuc"); });
}

// Autograd: as matrix_norm(a, ord) with a numeric ord.
template <Tracked X>
auto matrix_norm(const X& a, double ord) {
  return detail::matrix_norm_tracked(a, ord, false, false, [ord](const auto& t) { return matrix_norm(t, ord); });
}

}  // namespace ctorch::linalg
