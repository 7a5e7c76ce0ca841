// ctorch/ops/creation/common.hpp: what the creation ops share: the check that a call gives one run-time
// extent per Dyn extent, and a host-side fill for ops whose values come from a formula (arange, eye, ...).
#pragma once
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../../core.hpp"

namespace ctorch {

namespace creation {
// Op tags: they name the op in the first lines of a compile error.
struct Zeros {
  static constexpr const char* name = "zeros";
};
struct Ones {
  static constexpr const char* name = "ones";
};
struct Full {
  static constexpr const char* name = "full";
};
struct Empty {
  static constexpr const char* name = "empty";
};
struct Eye {
  static constexpr const char* name = "eye";
};
struct Arange {
  static constexpr const char* name = "arange";
};
struct Linspace {
  static constexpr const char* name = "linspace";
};
struct Logspace {
  static constexpr const char* name = "logspace";
};
}  // namespace creation

// Compile-time check that a creation op got one integral run-time extent per Dyn extent of S; its
// template arguments (op, shape, number of extents given) are what the compiler prints first.
template <class Op, class S, std::size_t Given, bool AllIntegral = true>
struct creation_extents_check {
  static_assert(Given == S::num_dyn,
                "ctorch: creation: give one run-time extent per Dyn extent of the shape (the op, the shape and "
                "the number of extents given are the template arguments of creation_extents_check above)");
  static_assert(AllIntegral, "ctorch: creation: run-time extents are integers");
  static constexpr bool value = true;
};

namespace detail {

// A tensor of shape S on D with the given Dyn extents (zero-filled storage), after the static check.
template <class Op, DType T, ShapeType S, Device D, class... I>
Tensor<T, S, D> make_creation(I... dyn) {
  static_assert(creation_extents_check<Op, S, sizeof...(I), (std::is_integral_v<I> && ...)>::value);
  if constexpr (sizeof...(I) == S::num_dyn && (std::is_integral_v<I> && ...)) {
    for (index_t d : {index_t(dyn)..., index_t(0)})
      if (d < 0)
        throw shape_error(std::string("ctorch: ") + Op::name + ": a dynamic extent must be non-negative, got " +
                          std::to_string(d));
    return Tensor<T, S, D>(Dims<S>(dyn...));
  } else {
    return Tensor<T, S, D>(Dims<S>{});  // not reached: the static_assert above failed
  }
}

// Calls f(p) with p pointing at t's numel() elements in host memory, then makes them t's values: in place
// on the CPU, through one host buffer and one copy on another device.
template <class T, class S, class D, class F>
void fill_host(Tensor<T, S, D>& t, F&& f) {
  if constexpr (std::is_same_v<D, Cpu>) {
    f(t.data());
  } else {
    const auto n = static_cast<std::size_t>(t.numel());
    std::unique_ptr<T[]> buf(new T[n > 0 ? n : 1]{});
    f(buf.get());
    device_memory<D>::from_host(t.data(), buf.get(), n);
  }
}

// a * b + c rounded once (a fused multiply-add), as PyTorch's CPU kernels compute `start + step * i`.
template <class A>
A fused(A a, A b, A c) {
  if constexpr (std::is_floating_point_v<A>) {
    return std::fma(a, b, c);
  } else {
    return a * b + c;
  }
}

// a * b + c rounded twice (the product, then the sum): the volatile keeps the compiler from fusing it.
template <class A>
A unfused(A a, A b, A c) {
  volatile A p = a * b;
  return A(p) + c;
}

// PyTorch 1.13's CPU range kernels (arange, linspace) run TensorIterator's vectorised loop: blocks of two
// vectors of V = 32 / sizeof(T) lanes (AVX2, the kernel a stock x86-64 build dispatches to), each vector
// filled as base, base + step, base + 2 * step, ... from a base computed for its first index, and a scalar
// tail. Rounding differs between the two, so the same loop is needed to give PyTorch's exact values. Which
// products the compiler fused into an FMA there is also copied (arange: all of them; linspace: all but the
// lanes'), as found by comparing with PyTorch 1.13 bit for bit (tests/ops/creation/test_golden.cpp).
// scalar(i) gives element i; base(i) a vector's first element; lane(b, k) its k-th lane from base b.
template <class T, class FScalar, class Base, class Lane>
void torch_range_loop(T* p, index_t n, FScalar&& scalar, Base&& base, Lane&& lane) {
  constexpr index_t V = 32 / index_t(sizeof(T));
  index_t i = 0;
  for (; i + 2 * V <= n; i += V) {
    const T b = base(i);
    p[i] = b;
    for (index_t k = 1; k < V; ++k) p[i + k] = lane(b, k);
    i += V;
    const T b2 = base(i);
    p[i] = b2;
    for (index_t k = 1; k < V; ++k) p[i + k] = lane(b2, k);
  }
  for (; i < n; ++i) p[i] = scalar(i);
}

// The dtype a range's arguments are converted to before any arithmetic (PyTorch's acc_type on the CPU).
template <class T>
using range_acc_t = std::conditional_t<std::is_floating_point_v<T>, double, std::int64_t>;

// The tensor type a *_like op returns for x: x's shape and device, dtype U (x's when U is void).
template <class U, class X>
using like_tensor_t = Tensor<std::conditional_t<std::is_void_v<U>, typename std::remove_cvref_t<X>::value_type, U>,
                             typename std::remove_cvref_t<X>::shape_type,
                             std::conditional_t<std::is_void_v<typename std::remove_cvref_t<X>::device_type>, Cpu,
                                                typename std::remove_cvref_t<X>::device_type>>;

}  // namespace detail
}  // namespace ctorch
