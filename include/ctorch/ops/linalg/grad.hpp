// ctorch/ops/linalg/grad.hpp: the VJP shared by every product (mm, mv, dot, bmm, matmul, addmm):
// dA = alpha * G B^T, dB = alpha * A^T G, per batch, summed over a batch an operand was broadcast
// along. A 1-D operand is a matrix with a unit dim ([K] is [1, K] on the left, [K, 1] on the right),
// so one loop of GEMM calls (transposes read in place, beta = 1 to accumulate) serves every rank.
#pragma once
#include "../../autograd/function.hpp"
#include "../../eval/cpu/gemm.hpp"

namespace ctorch::detail {

struct product_dims {
  index_t batch, rows, cols;  // batch 1: shared by every output batch
};

template <std::size_t R>
product_dims left_dims(const std::array<index_t, R>& e) {
  if constexpr (R == 1)
    return {1, 1, e[0]};
  else if constexpr (R == 2)
    return {1, e[0], e[1]};
  else
    return {e[0], e[1], e[2]};
}
template <std::size_t R>
product_dims right_dims(const std::array<index_t, R>& e) {
  if constexpr (R == 1)
    return {1, e[0], 1};
  else if constexpr (R == 2)
    return {1, e[0], e[1]};
  else
    return {e[0], e[1], e[2]};
}

// out (A's shape) = alpha * G B^T per batch, summed over a batch A is broadcast along; `fresh`: out
// holds zeros that may be overwritten (beta = 0) instead of added to.
template <class T>
void product_grad_a_into(T* out, bool fresh, const T* gp, const T* bp, product_dims da, product_dims db, T alpha) {
  const index_t M = da.rows, K = da.cols, N = db.cols, nb = std::max(da.batch, db.batch);
  for (index_t i = 0; i < nb; ++i) {
    const index_t ia = da.batch == 1 ? 0 : i, ib = db.batch == 1 ? 0 : i;
    const T beta = (fresh && (da.batch != 1 || i == 0)) ? T(0) : T(1);
    linalg::gemm<T>(M, K, N, alpha, gp + i * M * N, N, 1, bp + ib * K * N, 1, N, beta, out + ia * M * K, K, 1);
  }
}
// out (B's shape) = alpha * A^T G per batch, summed over a batch B is broadcast along.
template <class T>
void product_grad_b_into(T* out, bool fresh, const T* ap, const T* gp, product_dims da, product_dims db, T alpha) {
  const index_t M = da.rows, K = da.cols, N = db.cols, nb = std::max(da.batch, db.batch);
  for (index_t i = 0; i < nb; ++i) {
    const index_t ia = da.batch == 1 ? 0 : i, ib = db.batch == 1 ? 0 : i;
    const T beta = (fresh && (db.batch != 1 || i == 0)) ? T(0) : T(1);
    linalg::gemm<T>(K, N, M, alpha, ap + ia * M * K, 1, K, gp + i * M * N, N, 1, beta, out + ib * K * N, N, 1);
  }
}

template <class VA, class VB, class G>
void product_backward(const G& g, const VA& a, const VB& b, typename VA::value_type alpha) {
  const auto da = left_dims(a.value().sizes()), db = right_dims(b.value().sizes());
  if (a.requires_grad()) {
    bool fresh;
    auto& buf = autograd::grad_buffer(a, fresh);
    product_grad_a_into(buf.data(), fresh, g.data(), b.value().data(), da, db, alpha);
  }
  if (b.requires_grad()) {
    bool fresh;
    auto& buf = autograd::grad_buffer(b, fresh);
    product_grad_b_into(buf.data(), fresh, a.value().data(), g.data(), da, db, alpha);
  }
}

// The create_graph VJPs of a product P(A, B) = A @ B (F: the forward, on tensors and on Vars), as
// recorded ops. GA(G, B) = G B^T and GB(A, G) = A^T G are bilinear, and their VJPs are again P, GA
// and GB (for GA with incoming H: dG = P(H, B), dB = GB(H, G); for GB: dA = GA(G, H), dG = P(A, H)), so
// the three close under differentiation and every order of derivative reuses the GEMM kernels.
template <class F, class T, class SA, class SG, class SB, class D>
Var<T, SA, D> product_grad_a(const Var<T, SG, D>& g, const Var<T, SB, D>& b, const Dims<SA>& ad);
template <class F, class T, class SA, class SG, class SB, class D>
Var<T, SB, D> product_grad_b(const Var<T, SA, D>& a, const Var<T, SG, D>& g, const Dims<SB>& bd);

template <class F, class T, class SA, class SG, class SB, class D>
Var<T, SA, D> product_grad_a(const Var<T, SG, D>& g, const Var<T, SB, D>& b, const Dims<SA>& ad) {
  Tensor<T, SA, D> out(ad);
  const auto da = left_dims(ad.array()), db = right_dims(b.value().sizes());
  product_grad_a_into(out.data(), true, g.value().data(), b.value().data(), da, db, T(1));
  return autograd::record_graph(
      "ProductBackwardA", std::move(out),
      [](const auto& h, const auto&, const Var<T, SG, D>& gv, const Var<T, SB, D>& bv) {
        autograd::accumulate(gv, F{}(h, bv.value()));
        if (bv.requires_grad()) {
          bool fresh;
          auto& buf = autograd::grad_buffer(bv, fresh);
          product_grad_b_into(buf.data(), fresh, h.data(), gv.value().data(), left_dims(h.sizes()),
                              right_dims(bv.value().sizes()), T(1));
        }
      },
      [](const Var<T, SA, D>& h, const Var<T, SG, D>& gv, const Var<T, SB, D>& bv) {
        autograd::accumulate_graph(gv, Var<T, SG, D>(F{}(h, bv)));
        autograd::accumulate_graph(bv, product_grad_b<F>(h, gv, bv.dims()));
      },
      g, b);
}

template <class F, class T, class SA, class SG, class SB, class D>
Var<T, SB, D> product_grad_b(const Var<T, SA, D>& a, const Var<T, SG, D>& g, const Dims<SB>& bd) {
  Tensor<T, SB, D> out(bd);
  const auto da = left_dims(a.value().sizes()), db = right_dims(bd.array());
  product_grad_b_into(out.data(), true, a.value().data(), g.value().data(), da, db, T(1));
  return autograd::record_graph(
      "ProductBackwardB", std::move(out),
      [](const auto& h, const auto&, const Var<T, SA, D>& av, const Var<T, SG, D>& gv) {
        if (av.requires_grad()) {
          bool fresh;
          auto& buf = autograd::grad_buffer(av, fresh);
          product_grad_a_into(buf.data(), fresh, gv.value().data(), h.data(), left_dims(av.value().sizes()),
                              right_dims(h.sizes()), T(1));
        }
        autograd::accumulate(gv, F{}(av.value(), h));
      },
      [](const Var<T, SB, D>& h, const Var<T, SA, D>& av, const Var<T, SG, D>& gv) {
        autograd::accumulate_graph(av, product_grad_a<F>(gv, h, av.dims()));
        autograd::accumulate_graph(gv, Var<T, SG, D>(F{}(av, h)));
      },
      a, g);
}

// The Var form of a product: forward with tensors, record the shared VJP (and its create_graph form).
template <class A, class B, class F>
auto tracked_product(const char* name, const A& a, const B& b, F forward) {
  auto va = autograd::as_var(a);
  auto vb = autograd::as_var(b);
  using VA = decltype(va);
  using VB = decltype(vb);
  static_assert(std::is_same_v<typename VA::value_type, typename VB::value_type>,
                "ctorch: product: both operands must have the same dtype");
  return autograd::record_graph(
      name, forward(va.value(), vb.value()),
      [](const auto& g, const auto&, const VA& x, const VB& y) {
        product_backward(g, x, y, typename VA::value_type(1));
      },
      [](const auto& g, const VA& x, const VB& y) {
        if (x.requires_grad()) autograd::accumulate_graph(x, product_grad_a<F>(g, y, x.dims()));
        if (y.requires_grad()) autograd::accumulate_graph(y, product_grad_b<F>(x, g, y.dims()));
      },
      va, vb);
}

}  // namespace ctorch::detail
