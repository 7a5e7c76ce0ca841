// ctorch/expr/scalar.hpp: a C++ number inside an expression (0-d, broadcast everywhere).
#pragma once
#include <array>

#include "../core/concepts.hpp"
#include "../core/dtype.hpp"
#include "../core/shape.hpp"

namespace ctorch {

template <DType T>
struct Scalar : expr_base {
  using value_type = T;
  using shape_type = Shape<>;
  using device_type = void;  // lives wherever the rest of the expression lives
  T value;
  constexpr explicit Scalar(T v) : value(v) {}
  constexpr Dims<Shape<>> dims() const { return {}; }
};

template <class T>
struct ScalarEval {
  using value_type = T;
  T v;
  CTORCH_HD T linear(index_t) const { return v; }
  CTORCH_HD T at(const index_t*) const { return v; }
  CTORCH_HD void set_row(const index_t*) {}
  CTORCH_HD T row(index_t) const { return v; }
  template <class B>
  B linear_packet(index_t) const {
    return B(v);
  }
  template <class B>
  B row_packet(index_t) const {
    return B(v);
  }
  template <std::size_t R>
  bool linear_ok(const std::array<index_t, R>&, const std::array<index_t, R>&) const {
    return true;
  }
  bool row_packet_ok() const { return true; }
  template <class F>
  void for_each_leaf(F&&) const {}
};

template <std::size_t R, class T>
ScalarEval<T> make_evaluator(const Scalar<T>& s, const std::array<index_t, R>&) {
  return {s.value};
}

}  // namespace ctorch
