// ctorch/expr/map.hpp: Map<Op, Args...>, the lazy elementwise node (unary, binary, ternary, ...).
//
// Building a Map computes nothing: it captures its operands (tensors by view, temporaries by value,
// C++ numbers as Scalar nodes with PyTorch's scalar promotion) and knows its dtype, shape and device at
// compile time. A static broadcast mismatch fails here, naming the op and the shapes.
#pragma once
#include <type_traits>
#include <utility>

#include "../core/broadcast.hpp"
#include "../core/pack.hpp"
#include "../core/tensor.hpp"
#include "cast.hpp"
#include "dmath.hpp"
#include "leaf.hpp"
#include "op_base.hpp"
#include "scalar.hpp"

namespace ctorch {

namespace detail {

// Devices of the operands must agree; scalars (void) go anywhere. The accumulation is a flat fold.
template <class Op, class A, class B>
struct device_check {
  static_assert(std::is_void_v<A> || std::is_void_v<B> || std::is_same_v<A, B>,
                "ctorch: the operands of this op live on different devices (see device_check's arguments)");
  using type = std::conditional_t<std::is_void_v<A>, B, A>;
};
template <class Op, class D>
struct device_acc_t {
  using type_ = D;
};
template <class Op, class A, class B>
device_acc_t<Op, typename device_check<Op, A, B>::type> operator|(device_acc_t<Op, A>, device_acc_t<Op, B>);

// The tier an operand takes part in for torch.result_type: dimensioned tensors, 0-d tensors, numbers.
template <class A, int Tier, bool = Expression<A>>
struct tier_dtype {
  using U = std::remove_cvref_t<A>;
  using type = std::conditional_t<(U::shape_type::rank > 0) == (Tier == 0), typename U::value_type, void>;
};
template <class A, int Tier>
struct tier_dtype<A, Tier, false> {
  using type = std::conditional_t<Tier == 2, scalar_dtype_t<std::remove_cvref_t<A>>, void>;
};
template <int Tier, class... A>
using tier_t = promote_tier_t<typename tier_dtype<A, Tier>::type...>;

}  // namespace detail

template <class Op, class... A>
struct Map;

// What an operand becomes inside an expression node.
//   Tensor lvalue -> const view (no copy); Tensor rvalue -> owned by the node; view -> const view;
//   expression -> copied (nodes are small values); C++ number -> Scalar of the result dtype TD;
//   a 0-d operand of a dtype above TD -> cast to TD (0-d tensors promote like numbers in PyTorch).
template <class TD, class A>
auto capture(A&& a) {
  using U = std::remove_cvref_t<A>;
  if constexpr (Arithmetic<U>) {
    return Scalar<TD>(static_cast<TD>(a));
  } else if constexpr (U::shape_type::rank == 0 &&
                       (detail::dtype_rank<typename U::value_type> > detail::dtype_rank<TD>)) {
    using C = decltype(capture<typename U::value_type>(std::forward<A>(a)));
    return Map<op::Cast<TD>, C>(capture<typename U::value_type>(std::forward<A>(a)));
  } else if constexpr (is_tensor_v<U>) {
    if constexpr (std::is_lvalue_reference_v<A>)
      return typename U::const_view_type(a.view());
    else
      return U(std::move(a));
  } else if constexpr (is_tensor_view_v<U>) {
    return TensorView<const typename U::value_type, typename U::shape_type, typename U::device_type>(a);
  } else {
    return U(std::forward<A>(a));
  }
}

template <class TD, class A>
using capture_t = decltype(capture<TD>(std::declval<A>()));

template <class Op, class... A>
struct Map : expr_base, ExprMethods<Map<Op, A...>> {
  using value_type = typename Op::template result_t<typename A::value_type...>;
  using shape_type = broadcast_shape_t<Op, typename A::shape_type...>;
  using device_type = typename decltype((detail::device_acc_t<Op, void>{} | ... |
                                         detail::device_acc_t<Op, typename A::device_type>{}))::type_;
  using op_type = Op;

  detail::Pack<A...> args;

  explicit Map(A... a) : args(std::move(a)...) {}

  // The broadcast extents; throws shape_error naming the op when Dyn extents do not broadcast.
  Dims<shape_type> dims() const {
    if constexpr ((A::shape_type::is_static && ...)) {
      return {};
    } else {
      return [&]<std::size_t... I>(std::index_sequence<I...>) {
        return broadcast_dims<shape_type>(Op::name, detail::get<I>(args).dims()...);
      }
      (std::index_sequence_for<A...>{});
    }
  }

  template <std::size_t I>
  const auto& arg() const {
    return detail::get<I>(args);
  }
};

template <class Op, class... E>
struct MapEval {
  using value_type = typename Op::template result_t<typename E::value_type...>;
  detail::Pack<E...> a;

  CTORCH_HD value_type linear(index_t i) const {
    return call([&](const auto& e) { return e.linear(i); });
  }
  CTORCH_HD value_type at(const index_t* idx) const {
    return call([&](const auto& e) { return e.at(idx); });
  }
  CTORCH_HD value_type row(index_t j) const {
    return call([&](const auto& e) { return e.row(j); });
  }
  CTORCH_HD void set_row(const index_t* idx) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (detail::get<I>(a).set_row(idx), ...);
    }
    (seq{});
  }
  // Always inlined: a whole expression must become one loop body, and g++'s inliner stops part-way
  // through a deep tree of large packet functions (tanh), leaving calls that pass batches through memory.
  template <class B>
  CTORCH_ALWAYS_INLINE B linear_packet(index_t i) const {
    return linear_packet_at<B>(i, seq{});
  }
  template <class B>
  CTORCH_ALWAYS_INLINE B row_packet(index_t j) const {
    return row_packet_at<B>(j, seq{});
  }
  template <std::size_t R>
  bool linear_ok(const std::array<index_t, R>& ext, const std::array<index_t, R>& cst) const {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return (detail::get<I>(a).linear_ok(ext, cst) && ...);
    }
    (seq{});
  }
  bool row_packet_ok() const {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return (detail::get<I>(a).row_packet_ok() && ...);
    }
    (seq{});
  }
  template <class F>
  void for_each_leaf(F&& f) const {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (detail::get<I>(a).for_each_leaf(f), ...);
    }
    (seq{});
  }

 private:
  using seq = std::index_sequence_for<E...>;
  template <class G>
  CTORCH_HD value_type call(G&& g) const {
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      return Op::apply(g(detail::get<I>(a))...);
    }
    (seq{});
  }
  template <class B, std::size_t... I>
  CTORCH_ALWAYS_INLINE B linear_packet_at(index_t i, std::index_sequence<I...>) const {
    return Op::packet(detail::get<I>(a).template linear_packet<B>(i)...);
  }
  template <class B, std::size_t... I>
  CTORCH_ALWAYS_INLINE B row_packet_at(index_t j, std::index_sequence<I...>) const {
    return Op::packet(detail::get<I>(a).template row_packet<B>(j)...);
  }
};

template <std::size_t R, class Op, class... A>
auto make_evaluator(const Map<Op, A...>& m, const std::array<index_t, R>& out) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    using Ev = MapEval<Op, decltype(make_evaluator<R>(detail::get<I>(m.args), out))...>;
    return Ev{detail::Pack<decltype(make_evaluator<R>(detail::get<I>(m.args), out))...>(
        make_evaluator<R>(detail::get<I>(m.args), out)...)};
  }
  (std::index_sequence_for<A...>{});
}

// An operand of an elementwise op: an expression (tensor, view, node) or a C++ number.
template <class A>
concept Operand = Expression<A> || Arithmetic<std::remove_cvref_t<A>>;

// Builds Map<Op, ...> from operands: expressions, tensors, views and C++ numbers (at least one
// non-number). Numbers take PyTorch's scalar promotion against the tensors' common dtype.
template <class Op, class... A>
requires((Operand<A> && ...) && (Expression<A> || ...)) auto make_map(A&&... a) {
  using TD = result_type_t<detail::tier_t<0, A...>, detail::tier_t<1, A...>, detail::tier_t<2, A...>>;
  return Map<Op, capture_t<TD, A>...>(capture<TD>(std::forward<A>(a))...);
}

}  // namespace ctorch
