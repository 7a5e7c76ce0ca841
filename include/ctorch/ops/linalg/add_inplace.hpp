// ctorch/ops/linalg/add_inplace.hpp: the in-place twins of the add-products (torch's x.addmm_(a, b),
// x.addmv_(m, v), x.addr_(u, v), x.addbmm_(b1, b2), x.baddbmm_(b1, b2)) as free functions:
// x = beta * x + alpha * product, written into x.
// Shape: the product must have x's shape (x cannot grow in place): a static mismatch is the assignment's
// compile error, a Dyn one throws shape_error. The product is computed into a fresh tensor first (it reads x),
// then copied into x. For Tensor and writable TensorView, like the pointwise in-place ops (inplace.hpp).
#pragma once
#include "../inplace.hpp"
#include "addbmm.hpp"
#include "addmm.hpp"
#include "addmv.hpp"
#include "addr.hpp"
#include "baddbmm.hpp"

namespace ctorch {

// requires: a @ b has x's shape. ensures: x = beta * x + alpha * (a @ b); returns x.
template <detail::InPlaceTarget X, Expression A, Expression B>
X& addmm_(X& x, const A& a, const B& b, double beta = 1, double alpha = 1) {
  return detail::assign_in_place(x, addmm(std::as_const(x), a, b, beta, alpha));
}

// requires: mat @ vec has x's shape. ensures: x = beta * x + alpha * (mat @ vec); returns x.
template <detail::InPlaceTarget X, Expression M, Expression V>
X& addmv_(X& x, const M& mat, const V& vec, double beta = 1, double alpha = 1) {
  return detail::assign_in_place(x, addmv(std::as_const(x), mat, vec, beta, alpha));
}

// requires: outer(u, v) has x's shape. ensures: x = beta * x + alpha * outer(u, v); returns x.
template <detail::InPlaceTarget X, Expression U, Expression V>
X& addr_(X& x, const U& u, const V& v, double beta = 1, double alpha = 1) {
  return detail::assign_in_place(x, addr(std::as_const(x), u, v, beta, alpha));
}

// requires: the batch sum of b1 @ b2 has x's shape. ensures: x = beta * x + alpha * sum_i b1[i] @ b2[i].
template <detail::InPlaceTarget X, Expression B1, Expression B2>
X& addbmm_(X& x, const B1& b1, const B2& b2, double beta = 1, double alpha = 1) {
  return detail::assign_in_place(x, addbmm(std::as_const(x), b1, b2, beta, alpha));
}

// requires: b1 @ b2 (batched) has x's shape. ensures: x = beta * x + alpha * (b1 @ b2); returns x.
template <detail::InPlaceTarget X, Expression B1, Expression B2>
X& baddbmm_(X& x, const B1& b1, const B2& b2, double beta = 1, double alpha = 1) {
  return detail::assign_in_place(x, baddbmm(std::as_const(x), b1, b2, beta, alpha));
}

}  // namespace ctorch
