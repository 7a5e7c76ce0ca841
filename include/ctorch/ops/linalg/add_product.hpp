// ctorch/ops/linalg/add_product.hpp: what the "beta * input + alpha * product" ops (addmv, addr, addbmm,
// baddbmm) share with addmm: the op tags, the broadcast of input into the product's shape (checked at run
// time even when beta == 0, as torch.expand checks it in PyTorch; with beta == 0 input is not read, so
// its NaNs do not propagate), and the input's VJP (beta * G summed to input's shape).
#pragma once
#include <string>
#include <type_traits>

#include "../../autograd/function.hpp"
#include "common.hpp"
#include "graph_grad.hpp"

namespace ctorch {

namespace op {
struct Addmv {
  static constexpr const char* name = "addmv";
};
struct Addr {
  static constexpr const char* name = "addr";
};
struct Outer {
  static constexpr const char* name = "outer";
};
struct Addbmm {
  static constexpr const char* name = "addbmm";
};
struct Baddbmm {
  static constexpr const char* name = "baddbmm";
};
}  // namespace op

namespace detail {
// The static rule of addbmm and baddbmm (Op): batch1 [B, N, M] and batch2 [B, M, P]; the compiler prints the op
// and both shapes (the template arguments) first.
template <class Op, class S1, class S2>
struct batch_pair_check {
  static constexpr bool ranks_ok = S1::rank == 3 && S2::rank == 3;
  static_assert(ranks_ok,
                "ctorch: addbmm/baddbmm: batch1 and batch2 must be 3-D (the op and both shapes are the template "
                "arguments of batch_pair_check above)");
  static constexpr index_t b1 = ranks_ok ? S1::static_extents[0] : Dyn, b2 = ranks_ok ? S2::static_extents[0] : Dyn;
  static constexpr index_t k1 = ranks_ok ? S1::static_extents[2] : Dyn, k2 = ranks_ok ? S2::static_extents[1] : Dyn;
  static_assert(extents_agree(b1, b2),
                "ctorch: addbmm/baddbmm: the batch sizes of batch1 and batch2 differ (the op and both shapes are the "
                "template arguments of batch_pair_check above)");
  static_assert(extents_agree(k1, k2),
                "ctorch: addbmm/baddbmm: the inner dims of batch1 and batch2 do not match (the op and both shapes "
                "are the template arguments of batch_pair_check above)");
  static constexpr bool value = ranks_ok && extents_agree(b1, b2) && extents_agree(k1, k2);
  // addbmm's result [N, P] (the batch summed away).
  using summed_shape = Shape<ranks_ok ? S1::static_extents[1] : Dyn, ranks_ok ? S2::static_extents[2] : Dyn>;
};
}  // namespace detail

namespace detail {

// requires: out is the product's fresh tensor. ensures: out holds input broadcast to out's shape (right-
// aligned) when beta != 0; throws shape_error naming Op and both shapes when input does not broadcast.
template <class Op, class I, class Out>
void add_input(const I& input, Out& out, double beta) {
  const auto ie = input.dims().array();
  const auto oe = out.dims().array();
  static_assert(ie.size() <= oe.size());
  for (std::size_t d = 0; d < ie.size(); ++d) {
    const index_t o = oe[oe.size() - ie.size() + d];
    if (ie[d] != o && ie[d] != 1)
      throw shape_error(std::string("ctorch: ") + Op::name + ": input of shape " + shape_string(ie) +
                        " cannot be broadcast to the product's shape " + shape_string(oe));
  }
  if (beta != 0) out.view() = input;
}

// The input's part of the VJP: d input += beta * G, summed over the dims input was broadcast along.
template <class VI, class G>
void add_input_backward(const VI& in, const G& g, double beta) {
  if (!in.requires_grad()) return;
  using T = typename VI::value_type;
  if (beta == 1)
    autograd::accumulate_sum_to(in, g);
  else
    autograd::accumulate_sum_to(in, std::remove_cvref_t<G>(g * T(beta)));
}

// Its create_graph form (g a Var): beta * g summed to input's extents, recorded.
template <class VI, class G>
void add_input_backward_graph(const VI& in, const G& g, double beta) {
  if (in.requires_grad()) gg::send(in, gg::scaled(g, beta));
}

}  // namespace detail
}  // namespace ctorch
