// ctorch/ops/linalg/common.hpp: what the product ops share: their op tags, the static shape check
// (product_check, whose template arguments the compiler prints first: the op and both shapes), the run-time
// check (shape_error naming the op and both shapes), and the materialisation of lazy operands.
//
// Products are materialization points: a Tensor or TensorView operand is read in place through its
// strides (a transpose<0, 1> view costs nothing), any other expression is evaluated into a temporary.
#pragma once
#include <array>
#include <string>
#include <type_traits>
#include <utility>

#include "../../core/broadcast.hpp"
#include "../../core/error.hpp"
#include "../../core/shape.hpp"
#include "../../core/tensor.hpp"
#include "../../eval/assign.hpp"
#include "../../eval/cpu/gemm.hpp"
#include "../../eval/cpu/gemm_static.hpp"

namespace ctorch {

namespace op {
struct Mm {
  static constexpr const char* name = "mm";
};
struct Matmul {
  static constexpr const char* name = "matmul";
};
struct Mv {
  static constexpr const char* name = "mv";
};
struct Dot {
  static constexpr const char* name = "dot";
};
struct Bmm {
  static constexpr const char* name = "bmm";
};
struct Addmm {
  static constexpr const char* name = "addmm";
};
}  // namespace op

namespace detail {

template <class E>
using lin_value_t = typename std::remove_cvref_t<E>::value_type;
template <class E>
using lin_shape_t = typename std::remove_cvref_t<E>::shape_type;

constexpr bool extents_agree(index_t a, index_t b) {
  return a == Dyn || b == Dyn || a == b;
}
constexpr bool batch_agree(index_t a, index_t b) {
  return a == Dyn || b == Dyn || a == b || a == 1 || b == 1;
}

// The static shape rule of a product of A (rank RA) by B (rank RB), PyTorch's matmul rule restricted to
// ranks 1..3: the last dim of A meets the first (rank 1) or second-to-last dim of B; 3-D batch dims
// broadcast. Op says which product (mm, mv, dot, bmm accept fewer ranks).
template <class Op, class SA, class SB>
struct product_check {
  static constexpr std::size_t RA = SA::rank, RB = SB::rank;
  static constexpr bool ranks_ok = [] {
    if constexpr (std::is_same_v<Op, op::Mm> || std::is_same_v<Op, op::Addmm>)
      return RA == 2 && RB == 2;
    else if constexpr (std::is_same_v<Op, op::Mv>)
      return RA == 2 && RB == 1;
    else if constexpr (std::is_same_v<Op, op::Dot>)
      return RA == 1 && RB == 1;
    else if constexpr (std::is_same_v<Op, op::Bmm>)
      return RA == 3 && RB == 3;
    else
      return RA >= 1 && RA <= 3 && RB >= 1 && RB <= 3;
  }();
  static_assert(ranks_ok,
                "ctorch: the ranks of this product's operands are not supported (mm: 2-D x 2-D, mv: 2-D x 1-D, dot: "
                "1-D x 1-D, bmm: 3-D x 3-D, matmul: 1-D to 3-D; the op and both shapes are the template arguments of "
                "product_check above)");
  static constexpr index_t ka = ranks_ok ? SA::static_extents[RA - 1] : Dyn;
  static constexpr index_t kb = ranks_ok ? SB::static_extents[RB == 1 ? 0 : RB - 2] : Dyn;
  static_assert(extents_agree(ka, kb),
                "ctorch: the inner dims of this product do not match (the op and both shapes are the template "
                "arguments of product_check above)");
  static constexpr bool batch_ok = [] {
    if constexpr (RA == 3 && RB == 3) {
      if constexpr (std::is_same_v<Op, op::Bmm>)
        return extents_agree(SA::static_extents[0], SB::static_extents[0]);
      else
        return batch_agree(SA::static_extents[0], SB::static_extents[0]);
    } else {
      return true;
    }
  }();
  static_assert(batch_ok,
                "ctorch: the batch dims of this product do not match (the op and both shapes are the template "
                "arguments of product_check above)");
  static constexpr bool value = ranks_ok && extents_agree(ka, kb) && batch_ok;
};

[[noreturn]] inline void throw_product_error(const char* op, const std::string& a, const std::string& b,
                                             const char* what) {
  throw shape_error(std::string("ctorch: ") + op + ": " + what + " (shapes " + a + " and " + b + ")");
}

// Calls f with a TensorView of x: x's own memory for tensors and views, a temporary for expressions.
template <class X, class F>
decltype(auto) with_view(const X& x, F&& f) {
  using XX = std::remove_cvref_t<X>;
  static_assert(std::is_same_v<typename XX::device_type, Cpu> || std::is_void_v<typename XX::device_type>,
                "ctorch: linalg products run on Cpu tensors");
  if constexpr (is_tensor_v<XX>) {
    return f(x.view());
  } else if constexpr (is_tensor_view_v<XX>) {
    return f(TensorView<const lin_value_t<XX>, lin_shape_t<XX>, Cpu>(x));
  } else {
    const Tensor<lin_value_t<XX>, lin_shape_t<XX>, Cpu> tmp(x);
    return f(tmp.view());
  }
}

template <class A, class B>
constexpr void check_product_dtypes() {
  using TA = lin_value_t<A>;
  using TB = lin_value_t<B>;
  static_assert(std::is_same_v<TA, TB>, "ctorch: linalg products need operands of one dtype (cast one with to<T>())");
  static_assert(std::is_same_v<TA, float> || std::is_same_v<TA, double>,
                "ctorch: linalg products are implemented for float and double");
}

// The static extents of the product's result (PyTorch's matmul rule for ranks 1..3).
template <class SA, class SB>
constexpr std::size_t product_rank() {
  constexpr std::size_t RA = SA::rank, RB = SB::rank, R = RA > RB ? RA : RB;
  return (RA == 1 && RB == 1) ? 0 : (RA == 1 || RB == 1) ? R - 1 : R;
}
template <class SA, class SB>
constexpr std::array<index_t, product_rank<SA, SB>()> product_static_extents() {
  constexpr std::size_t RA = SA::rank, RB = SB::rank;
  std::array<index_t, product_rank<SA, SB>()> r{};
  std::size_t k = 0;
  if constexpr (RA == 3 && RB == 3) {
    const index_t a = SA::static_extents[0], b = SB::static_extents[0];
    if (a == b)
      r[k++] = a;
    else if (a == Dyn)
      r[k++] = b == 1 ? Dyn : b;
    else if (b == Dyn)
      r[k++] = a == 1 ? Dyn : a;
    else
      r[k++] = a == 1 ? b : a;
  } else if constexpr (RA == 3) {
    r[k++] = SA::static_extents[0];
  } else if constexpr (RB == 3) {
    r[k++] = SB::static_extents[0];
  }
  if constexpr (RA >= 2) r[k++] = SA::static_extents[RA - 2];
  if constexpr (RB >= 2) r[k++] = SB::static_extents[RB - 1];
  return r;
}
template <class SA, class SB>
using product_shape_t =
    decltype(shape_from_array<product_static_extents<SA, SB>()>(std::make_index_sequence<product_rank<SA, SB>()>{}));

// The batched product of two views of ranks 1..3 into a fresh tensor: out = alpha * A B (+ beta * out
// after prep(out) has filled it, for addmm). Throws shape_error naming Op and both shapes.
template <class Op, class VA, class VB, class Prep>
auto product(const VA& va, const VB& vb, lin_value_t<VA> alpha, lin_value_t<VA> beta, Prep&& prep) {
  using T = lin_value_t<VA>;
  using SA = lin_shape_t<VA>;
  using SB = lin_shape_t<VB>;
  using RS = product_shape_t<SA, SB>;
  constexpr std::size_t RA = SA::rank, RB = SB::rank;
  const auto ea = va.sizes(), sa = va.strides();
  const auto eb = vb.sizes(), sb = vb.strides();
  index_t nba = 1, sba = 0, M = 1, K = 0, rsa = 0, csa = 0;
  if constexpr (RA == 1) {
    K = ea[0], csa = sa[0];
  } else if constexpr (RA == 2) {
    M = ea[0], K = ea[1], rsa = sa[0], csa = sa[1];
  } else {
    nba = ea[0], sba = sa[0], M = ea[1], K = ea[2], rsa = sa[1], csa = sa[2];
  }
  index_t nbb = 1, sbb = 0, N = 1, Kb = 0, rsb = 0, csb = 0;
  if constexpr (RB == 1) {
    Kb = eb[0], rsb = sb[0];
  } else if constexpr (RB == 2) {
    Kb = eb[0], N = eb[1], rsb = sb[0], csb = sb[1];
  } else {
    nbb = eb[0], sbb = sb[0], Kb = eb[1], N = eb[2], rsb = sb[1], csb = sb[2];
  }
  if (K != Kb) throw_product_error(Op::name, shape_string(ea), shape_string(eb), "the inner dims do not match");
  index_t nb = nba;
  if constexpr (RA == 3 && RB == 3) {
    if (nba != nbb) {
      if (std::is_same_v<Op, op::Bmm> || (nba != 1 && nbb != 1))
        throw_product_error(Op::name, shape_string(ea), shape_string(eb), "the batch dims do not match");
      if (nba == 1)
        sba = 0, nb = nbb;
      else
        sbb = 0;
    }
  } else if constexpr (RB == 3) {
    nb = nbb;
  }
  std::array<index_t, RS::rank> ext{};
  {
    std::size_t k = 0;
    if constexpr (RA == 3 || RB == 3) ext[k++] = nb;
    if constexpr (RA >= 2) ext[k++] = M;
    if constexpr (RB >= 2) ext[k++] = N;
  }
  // gemm writes every element of C (prep fills it first when beta != 0).
  Tensor<T, RS, Cpu> out(uninitialized, Dims<RS>::from_array(ext, Op::name));
  prep(out);
  T* c = out.data();
  const T* a = va.data();
  const T* b = vb.data();
  if constexpr (RA == 2 && RB == 2) {  // small static shapes: the unpacked, fully unrolled kernel
    constexpr index_t sM = SA::static_extents[0], sK = SA::static_extents[1], sN = SB::static_extents[1];
    if constexpr (sM != Dyn && sK != Dyn && sN != Dyn && linalg::static_gemm_applies<sM, sN, sK>) {
      if (csa == 1 && rsa == sK && csb == 1 && rsb == sN) {
        linalg::gemm_static<T, sM, sN, sK>(a, b, c, alpha, beta);
        return out;
      }
    }
  }
  if (nb > 1 && M * N * K < index_t(96) * 96 * 96 && get_num_threads() > 1) {
    parallel_for(nb, 1, [&](index_t b0, index_t b1) {
      for (index_t i = b0; i < b1; ++i)
        linalg::gemm<T>(M, N, K, alpha, a + i * sba, rsa, csa, b + i * sbb, rsb, csb, beta, c + i * M * N, N, 1);
    });
  } else {
    for (index_t i = 0; i < nb; ++i)
      linalg::gemm<T>(M, N, K, alpha, a + i * sba, rsa, csa, b + i * sbb, rsb, csb, beta, c + i * M * N, N, 1);
  }
  return out;
}

template <class Op, class A, class B>
auto product_of(const A& a, const B& b) {
  check_product_dtypes<A, B>();
  static_assert(product_check<Op, lin_shape_t<A>, lin_shape_t<B>>::value);
  using T = lin_value_t<A>;
  return with_view(a, [&](const auto& va) {
    return with_view(b, [&](const auto& vb) { return product<Op>(va, vb, T(1), T(0), [](auto&) {}); });
  });
}

}  // namespace detail
}  // namespace ctorch
