// ctorch/expr/leaf.hpp: how tensors and views enter an expression, and their evaluator.
//
// An expression (what) is turned into an evaluator (how) at assignment: the evaluator holds raw
// pointers and strides already broadcast to the destination's rank, so it is trivially copyable and
// callable on host and device. Three access modes, chosen by the CPU/CUDA evaluators at run time:
// linear (every leaf contiguous with the destination's shape), row (a base offset per row and the
// last dim's stride), and indexed (any strides).
#pragma once
#include <array>
#include <type_traits>

#include "../core/broadcast.hpp"
#include "../core/tensor.hpp"

namespace ctorch {

template <class T, std::size_t R>
struct LeafEval {
  using value_type = T;
  static constexpr std::size_t rank = R;
  const T* ptr;
  index_t st[R > 0 ? R : 1];
  index_t base = 0;

  CTORCH_HD T linear(index_t i) const { return ptr[i]; }
  CTORCH_HD T at(const index_t* idx) const {
    index_t off = 0;
    for (std::size_t d = 0; d < R; ++d) off += idx[d] * st[d];
    return ptr[off];
  }
  CTORCH_HD void set_row(const index_t* idx) {
    base = 0;
    for (std::size_t d = 0; d + 1 < R; ++d) base += idx[d] * st[d];
  }
  CTORCH_HD T row(index_t j) const { return ptr[base + j * st[R > 0 ? R - 1 : 0]]; }
  template <class B>
  B linear_packet(index_t i) const {
    return B::load_unaligned(ptr + i);
  }
  template <class B>
  B row_packet(index_t j) const {
    return st[R - 1] == 0 ? B(ptr[base]) : B::load_unaligned(ptr + base + j);
  }
  // Linear mode is valid when this leaf reads memory exactly as a contiguous tensor of `ext` would.
  bool linear_ok(const std::array<index_t, R>& ext, const std::array<index_t, R>& cst) const {
    for (std::size_t d = 0; d < R; ++d)
      if (ext[d] != 1 && st[d] != cst[d]) return false;
    return true;
  }
  bool row_packet_ok() const { return R == 0 || st[R - 1] == 0 || st[R - 1] == 1; }
  template <class F>
  void for_each_leaf(F&& f) const {
    f(static_cast<const void*>(ptr), sizeof(T), st);
  }
};

template <std::size_t R, class T, class S, class D>
LeafEval<std::remove_const_t<T>, R> make_evaluator(const TensorView<T, S, D>& v, const std::array<index_t, R>& out) {
  LeafEval<std::remove_const_t<T>, R> e{v.data(), {}, 0};
  const auto s = broadcast_strides<R>(v.dims().array(), v.strides(), out);
  for (std::size_t d = 0; d < R; ++d) e.st[d] = s[d];
  return e;
}

template <std::size_t R, class T, class S, class D>
LeafEval<T, R> make_evaluator(const Tensor<T, S, D>& t, const std::array<index_t, R>& out) {
  return make_evaluator<R>(t.view(), out);
}

}  // namespace ctorch
