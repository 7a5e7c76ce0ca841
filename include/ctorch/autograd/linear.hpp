// ctorch/autograd/linear.hpp: the node of an op that is linear in its differentiable inputs (cat, gather,
// flip, scatter, a strided copy...), with its create_graph VJP derived from the first-order one.
//
// Such an op is y = sum_j A_j x_j (+ a constant, as index_fill's value). Its VJP, x_j += A_j^T g, is
// linear in g, so under create_graph the contribution A_j^T G is one recorded node ("linear adjoint") whose
// own VJP is A_j: the op itself applied to the arriving gradient with zeros for the other operands. That
// node's VJP in turn is recorded as the op again (whose VJP is the adjoint), so every order is supported.
// The op writes two plain-tensor functions and nothing per order:
//   fn(state, g, in...)   the first-order VJP: accumulates A_j^T g into each input Var that requires grad;
//   lin(state, h...)      the op's linear part on tensors of the inputs' types (an expression or tensor of
//                         the output's type); the constant part is left out (index_fill's value as 0).
// Under create_graph the adjoint's value is fn run on scratch leaves, so fn is written once.
#pragma once
#include <array>
#include <memory>
#include <tuple>
#include <utility>

#include "function.hpp"

namespace ctorch::autograd {

// The state of an op whose VJP needs none.
struct no_state {};

namespace detail {

// What the nodes of one linear op share (held by shared_ptr: the op's node, its adjoints and their
// adjoints all read it): the state, the two functions, and the inputs' extents.
template <class Out, class State, class Fn, class Lin, class... In>
struct LinearSpec {
  State state;
  Fn fn;
  Lin lin;
  std::tuple<Dims<typename In::shape_type>...> in_dims;

  // ensures: the first-order VJP of g run into fresh leaves, the one for input i requiring grad when
  // want[i]: their incoming buffers hold A_i^T g. (Their values are uninitialized: a linear op's VJP
  // reads its inputs' extents, never their elements.)
  template <class G>
  auto adjoint(const G& g, const std::array<bool, sizeof...(In)>& want) const {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      std::tuple<In...> s{In(typename In::tensor_type(uninitialized, std::get<I>(in_dims)), want[I])...};
      fn(state, g, std::get<I>(s)...);
      return s;
    }
    (std::index_sequence_for<In...>{});
  }
  // ensures: A_J h (the op's linear part, zeros for the other inputs), as the output's tensor type.
  template <std::size_t J, class H>
  Out apply(const H& h) const {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      auto arg = [&]<std::size_t K>(std::integral_constant<std::size_t, K>) {
        using TK = typename std::tuple_element_t<K, std::tuple<In...>>::tensor_type;
        if constexpr (K == J)
          return TK(h);
        else
          return TK(std::get<K>(in_dims));  // zeros
      };
      return Out(lin(state, arg(std::integral_constant<std::size_t, I>{})...));
    }
    (std::index_sequence_for<In...>{});
  }
};

// A scratch leaf's accumulated gradient (zeros when fn sent it nothing).
template <class V>
typename V::tensor_type take_incoming(const V& v) {
  return std::move(v.node()->incoming_buffer());
}

template <std::size_t J, class Spec, class T, class S, class D, class VJ>
Var<T, S, D> linear_forward(const char* name, const std::shared_ptr<const Spec>& sp, const VJ& h);

// ensures: A_J^T g as a Var of input J's type (its value given: the first-order VJP's), recorded: its VJP
// is A_J (linear_forward).
template <std::size_t J, class Spec, class T, class S, class D, class VJ>
VJ linear_adjoint(const char* name, const std::shared_ptr<const Spec>& sp, const Var<T, S, D>& g,
                  typename VJ::tensor_type value) {
  return record_graph(
      "LinearAdjointBackward", std::move(value),
      [sp](const auto& h, const auto&, const Var<T, S, D>& gv) {
        if (gv.requires_grad()) accumulate(gv, sp->template apply<J>(h));
      },
      [sp, name](const auto& h, const Var<T, S, D>& gv) {
        accumulate_graph(gv, linear_forward<J, Spec, T, S, D, VJ>(name, sp, h));
      },
      g);
}

// ensures: A_J h as a Var of the output's type, recorded: its VJP is A_J^T (linear_adjoint).
template <std::size_t J, class Spec, class T, class S, class D, class VJ>
Var<T, S, D> linear_forward(const char* name, const std::shared_ptr<const Spec>& sp, const VJ& h) {
  return record_graph(
      name, sp->template apply<J>(h.value()),
      [sp](const auto& k, const auto&, const VJ& hv) {
        if (!hv.requires_grad()) return;
        std::array<bool, std::tuple_size_v<decltype(sp->in_dims)>> want{};
        want[J] = true;
        accumulate(hv, take_incoming(std::get<J>(sp->adjoint(k, want))));
      },
      [sp, name](const Var<T, S, D>& k, const VJ& hv) {
        std::array<bool, std::tuple_size_v<decltype(sp->in_dims)>> want{};
        want[J] = true;
        auto s = sp->adjoint(k.value(), want);
        accumulate_graph(hv, linear_adjoint<J, Spec, T, S, D, VJ>(name, sp, k, take_incoming(std::get<J>(s))));
      },
      h);
}

}  // namespace detail

// requires: the op is linear in in... (up to a constant): fn(state, g, in...) accumulates A_j^T g into
// each input that requires grad, and lin(state, h...) returns sum_j A_j h_j (see the top of this file).
// ensures: a Var holding value; when grad mode is on and an input requires grad, a node named `name`
// whose VJP is fn, and whose create_graph VJP records the adjoints (differentiable to any order).
template <DType T, ShapeType S, Device D, class State, class Fn, class Lin, class... In>
Var<T, S, D> record_linear(const char* name, Tensor<T, S, D> value, State state, Fn fn, Lin lin, const In&... in) {
#if CTORCH_CREATE_GRAPH
  if (!is_grad_enabled() || !(in.requires_grad() || ...)) return Var<T, S, D>(std::move(value));
  using Spec = detail::LinearSpec<Tensor<T, S, D>, State, Fn, Lin, In...>;
  auto sp =
      std::make_shared<const Spec>(Spec{std::move(state), std::move(fn), std::move(lin), std::tuple{in.dims()...}});
  return record_graph(
      name, std::move(value), [sp](const auto& g, const auto&, const In&... x) { sp->fn(sp->state, g, x...); },
      [sp, name](const Var<T, S, D>& g, const In&... x) {
        auto s = sp->adjoint(g.value(), {x.requires_grad()...});
        [&]<std::size_t... J>(std::index_sequence<J...>) {
          (
              [&] {
                const auto& xj = std::get<J>(std::tie(x...));
                using VJ = std::remove_cvref_t<decltype(xj)>;
                if (xj.requires_grad())
                  accumulate_graph(xj, detail::linear_adjoint<J, Spec, T, S, D, VJ>(
                                           name, sp, g, detail::take_incoming(std::get<J>(s))));
              }(),
              ...);
        }
        (std::index_sequence_for<In...>{});
      },
      in...);
#else
  (void)lin;
  return record(
      name, std::move(value),
      [state = std::move(state), fn = std::move(fn)](const auto& g, const auto&, const In&... x) {
        fn(state, g, x...);
      },
      in...);
#endif
}

}  // namespace ctorch::autograd
