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
  if constexpr (R == 1) return {1, 1, e[0]};
  else if constexpr (R == 2) return {1, e[0], e[1]};
  else return {e[0], e[1], e[2]};
}
template <std::size_t R>
product_dims right_dims(const std::array<index_t, R>& e) {
  if constexpr (R == 1) return {1, e[0], 1};
  else if constexpr (R == 2) return {1, e[0], e[1]};
  else return {e[0], e[1], e[2]};
}

template <class VA, class VB, class G>
void product_backward(const G& g, const VA& a, const VB& b, typename VA::value_type alpha) {
  using T = typename VA::value_type;
  const auto da = left_dims(a.value().sizes()), db = right_dims(b.value().sizes());
  const index_t M = da.rows, K = da.cols, N = db.cols, nb = std::max(da.batch, db.batch);
  const T* gp = g.data();
  const T* ap = a.value().data();
  const T* bp = b.value().data();
  if (a.requires_grad()) {
    bool fresh;
    T* out = autograd::grad_buffer(a, fresh).data();
    for (index_t i = 0; i < nb; ++i) {
      const index_t ia = da.batch == 1 ? 0 : i, ib = db.batch == 1 ? 0 : i;
      const T beta = (fresh && (da.batch != 1 || i == 0)) ? T(0) : T(1);
      linalg::gemm<T>(M, K, N, alpha, gp + i * M * N, N, 1, bp + ib * K * N, 1, N, beta, out + ia * M * K, K, 1);
    }
  }
  if (b.requires_grad()) {
    bool fresh;
    T* out = autograd::grad_buffer(b, fresh).data();
    for (index_t i = 0; i < nb; ++i) {
      const index_t ia = da.batch == 1 ? 0 : i, ib = db.batch == 1 ? 0 : i;
      const T beta = (fresh && (db.batch != 1 || i == 0)) ? T(0) : T(1);
      linalg::gemm<T>(K, N, M, alpha, ap + ia * M * K, 1, K, gp + i * M * N, N, 1, beta, out + ib * K * N, N, 1);
    }
  }
}

// The Var form of a product: forward with tensors, record the shared VJP.
template <class A, class B, class F>
auto tracked_product(const char* name, const A& a, const B& b, F forward) {
  auto va = autograd::as_var(a);
  auto vb = autograd::as_var(b);
  using VA = decltype(va);
  using VB = decltype(vb);
  static_assert(std::is_same_v<typename VA::value_type, typename VB::value_type>,
                "ctorch: product: both operands must have the same dtype");
  return autograd::record(
      name, forward(va.value(), vb.value()),
      [](const auto& g, const auto&, const VA& x, const VB& y) {
        product_backward(g, x, y, typename VA::value_type(1));
      },
      va, vb);
}

}  // namespace ctorch::detail
