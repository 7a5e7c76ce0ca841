// Test helpers between golden fixtures and tensors, shared by the op test files: a tensor built from a
// golden entry, an exact (or rtol) comparison of shape and values, the message of a thrown error, and
// shape/dtype traits for static_asserts.
#pragma once
#include <array>
#include <exception>
#include <string>
#include <type_traits>

#include <ctorch/core.hpp>

#include "fixture.hpp"

namespace ctorch::test {

// A tensor of shape S (Dyn extents taken from the golden entry) holding its values.
template <class T, class S>
Tensor<T, S> tensor_from(const Golden& g) {
  std::array<index_t, S::rank> ext{};
  REQUIRE(g.shape.size() == S::rank);
  for (std::size_t i = 0; i < S::rank; ++i) ext[i] = index_t(g.shape[i]);
  Tensor<T, S> t(Dims<S>::from_array(ext));
  load(t, g);
  return t;
}

// The tensor's (or view's) shape equals the golden's, and its values too (exactly, or within rtol).
template <class Tn>
void expect_golden(const std::string& key, const Golden& g, const Tn& t, double rtol = 0) {
  INFO(key);
  const auto sizes = t.dims().array();
  REQUIRE(sizes.size() == g.shape.size());
  for (std::size_t i = 0; i < sizes.size(); ++i) CHECK(sizes[i] == g.shape[i]);
  check_close(Tensor<typename Tn::value_type, typename Tn::shape_type>(t).tolist(), g, rtol, 0, key);
}

template <class V, class S>
constexpr bool shape_is = std::is_same_v<typename V::shape_type, S>;
template <class V, class T>
constexpr bool dtype_is = std::is_same_v<typename V::value_type, T>;

// The message of the exception fn throws, or "no error".
template <class Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace ctorch::test
