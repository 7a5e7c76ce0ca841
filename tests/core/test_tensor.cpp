// Tests of ctorch/core/tensor.hpp and tensor_view.hpp: construction, access, errors, value semantics.
#include <ctorch/ctorch.hpp>
#include <doctest/doctest.h>

#include <span>
#include <vector>

using namespace ctorch;

TEST_CASE("tensor: static shapes are zero-filled, aligned and on the heap") {
  Tensor<float, Shape<1024, 1024>> big;  // 4 MiB: must not live on the stack
  CHECK(big.numel() == 1024 * 1024);
  CHECK(reinterpret_cast<std::uintptr_t>(big.data()) % 64 == 0);
  CHECK(big.at(1023, 1023) == 0.0f);
  static_assert(Tensor<float, Shape<2, 3>>::rank == 2);
  static_assert(Shape<2, 3, 4>::static_numel == 24);
  static_assert(Shape<>::static_numel == 1);
}

TEST_CASE("tensor: Dyn extents come from the constructor") {
  Tensor<float, Shape<Dyn, 3>> x(5);
  CHECK(x.size(0) == 5);
  CHECK(x.size(-1) == 3);
  CHECK(x.numel() == 15);
  CHECK(x.strides() == std::array<index_t, 2>{3, 1});
  CHECK_THROWS_AS(x.size(2), index_error);
}

TEST_CASE("tensor: nested initializer lists") {
  Tensor<int, Shape<2, 3>> a{{1, 2, 3}, {4, 5, 6}};
  CHECK(a(1, 2) == 6);
  CHECK(a.at(-1, -1) == 6);
  Tensor<double, Shape<Dyn, Dyn>> b{{1.5, 2.5}, {3.5, 4.5}, {5.5, 6.5}};
  CHECK(b.size(0) == 3);
  CHECK(b.size(1) == 2);
  CHECK(b(2, 0) == 5.5);
  CHECK_THROWS_AS((Tensor<int, Shape<2, 3>>{{1, 2}, {3, 4}}), shape_error);
  CHECK_THROWS_AS((Tensor<int, Shape<Dyn, Dyn>>{{1, 2}, {3}}), shape_error);
  Tensor<float, Shape<>> s(2.5f);
  CHECK(s.item() == 2.5f);
}

TEST_CASE("tensor: at() checks bounds") {
  Tensor<float, Shape<2, 3>> a;
  CHECK_THROWS_AS(a.at(2, 0), index_error);
  CHECK_THROWS_AS(a.at(0, -4), index_error);
  CHECK_THROWS_WITH(a.at(0, 3), doctest::Contains("out of bounds for dim 1 with size 3"));
  CHECK_NOTHROW(a.at(-2, -3));
}

TEST_CASE("tensor: value semantics") {
  Tensor<float, Shape<Dyn>> a{1, 2, 3};
  Tensor<float, Shape<Dyn>> b = a;  // deep copy
  b.at(0) = 10;
  CHECK(a.at(0) == 1);
  Tensor<float, Shape<Dyn>> c = std::move(b);
  CHECK(c.at(0) == 10);
  a = c;
  CHECK(a.at(0) == 10);
  CHECK(a.data() != c.data());
  CHECK_THROWS_AS(a.item(), shape_error);
}

TEST_CASE("view: from existing memory, without a copy, bounds-checked") {
  std::vector<float> buf(6, 1.0f);
  TensorView<float, Shape<2, 3>> v{std::span<float>(buf)};
  v.at(1, 1) = 7.0f;
  CHECK(buf[4] == 7.0f);
  v = 2.0f;
  CHECK(buf[0] == 2.0f);
  CHECK_THROWS_AS((TensorView<float, Shape<Dyn, 3>>(std::span<float>(buf), 3)), shape_error);
  CHECK_THROWS_WITH((TensorView<float, Shape<4, 2>>(std::span<float>(buf))), doctest::Contains("needs 8 elements"));
}

TEST_CASE("view: transpose aliases, and assignment through it writes the base") {
  Tensor<float, Shape<2, 3>> a{{1, 2, 3}, {4, 5, 6}};
  auto at = transpose<0, 1>(a);
  static_assert(std::is_same_v<decltype(at)::shape_type, Shape<3, 2>>);
  CHECK(at(2, 1) == 6);
  at(0, 1) = 40;
  CHECK(a(1, 0) == 40);
  CHECK_FALSE(at.is_contiguous());
}
