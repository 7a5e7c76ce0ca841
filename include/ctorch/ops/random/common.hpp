// ctorch/ops/random/common.hpp: what the samplers share: PyTorch's scalar distributions (uniform, normal with
// its cached Box-Muller sample, bernoulli, integer ranges) written exactly as PyTorch 1.13's CPU kernels compute
// them, the filling of a tensor or a view in PyTorch's order (memory order), and the splitting of a creation
// call's arguments into parameters, Dyn extents and an optional trailing Generator.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "../../core.hpp"
#include "../../core/generator.hpp"
#include "../creation/common.hpp"

namespace ctorch {

namespace random_op {
// Op tags: they name the op in compile errors (creation_extents_check) and in shape_error messages.
struct Rand {
  static constexpr const char* name = "rand";
};
struct Randn {
  static constexpr const char* name = "randn";
};
struct Randint {
  static constexpr const char* name = "randint";
};
struct Normal {
  static constexpr const char* name = "normal";
};
}  // namespace random_op

template <class G>
inline constexpr bool is_generator_v = std::is_same_v<std::remove_cvref_t<G>, Generator>;

namespace detail {

// A number as PyTorch prints it in an error message (0.5, 2, -1.5, inf).
template <class V>
std::string num_str(V v) {
  std::ostringstream os;
  os.precision(std::is_same_v<V, float> ? 9 : 17);
  os << v;
  return os.str();
}

// ---- PyTorch's scalar distributions (ATen/core/DistributionsHelper.h and TransformationHelper.h) ----

// uniform_real_distribution<T>(from, to): 24 random bits for float (one 32-bit draw), 53 for double (a 64-bit
// draw), scaled to [0, 1), then x * (to - from) + from in T (fused as PyTorch's AVX2 build fuses it).
template <class T>
T uniform_real(Generator& g, T from, T to) {
  static_assert(std::is_floating_point_v<T>);
  constexpr int digits = std::numeric_limits<T>::digits;
  constexpr T divisor = T(1) / T(std::uint64_t(1) << digits);
  T x;
  if constexpr (std::is_same_v<T, double>) {
    x = T(g.random64() & ((std::uint64_t(1) << digits) - 1)) * divisor;
  } else {
    x = T(g.random() & ((std::uint32_t(1) << digits) - 1)) * divisor;
  }
  return fused(x, T(to - from), from);
}

// normal_distribution<double>(mean, std): Box-Muller on two uniforms; the sine half is kept in the generator
// and returned by the next call (until manual_seed or set_state).
inline double normal_double(Generator& g, double mean, double stdv) {
  auto& cached = g.next_double_normal();
  if (cached) {
    const double r = *cached;
    cached.reset();
    return r * stdv + mean;
  }
  const double u1 = uniform_real<double>(g, 0.0, 1.0);
  const double u2 = uniform_real<double>(g, 0.0, 1.0);
  const double r = std::sqrt(-2.0 * std::log(1.0 - u2));
  const double theta = 2.0 * 3.14159265358979323846 * u1;
  cached = r * std::sin(theta);
  return r * std::cos(theta) * stdv + mean;
}

// bernoulli_distribution<P>(p): a uniform of P's precision compared with p.
template <class P>
bool bernoulli_draw(Generator& g, P p) {
  return uniform_real<P>(g, P(0), P(1)) < p;
}

// uniform_int_from_to_distribution<T>(range, base): (draw % range) + base; a 64-bit draw when range >= 2^32
// (for 64-bit and floating dtypes), else a 32-bit one.
template <class T>
T int_from_to(Generator& g, std::uint64_t range, std::int64_t base) {
  constexpr bool wide = std::is_same_v<T, std::int64_t> || std::is_floating_point_v<T>;
  const std::uint64_t v = (wide && range >= (std::uint64_t(1) << 32)) ? g.random64() : std::uint64_t(g.random());
  return static_cast<T>(static_cast<std::int64_t>(v % range + std::uint64_t(base)));
}

// uniform_int_distribution<T>: random_() without a range: [0, 2^mantissa] for floating dtypes, [0, max] for
// integers, {0, 1} for bool.
template <class T>
T int_full(Generator& g) {
  if constexpr (std::is_same_v<T, bool>) {
    return (g.random() & 1u) != 0;
  } else if constexpr (std::is_same_v<T, std::int64_t>) {
    return static_cast<T>(g.random64() % (std::uint64_t(std::numeric_limits<T>::max()) + 1));
  } else if constexpr (std::is_same_v<T, double>) {
    return static_cast<T>(g.random64() % ((std::uint64_t(1) << std::numeric_limits<T>::digits) + 1));
  } else if constexpr (std::is_same_v<T, float>) {
    return static_cast<T>(std::uint64_t(g.random()) % ((std::uint64_t(1) << std::numeric_limits<T>::digits) + 1));
  } else {
    return static_cast<T>(std::uint64_t(g.random()) % (std::uint64_t(std::numeric_limits<T>::max()) + 1));
  }
}

// ---- filling a tensor or a view ----

template <class X>
inline constexpr bool is_random_target_v =
    is_tensor_v<std::remove_cvref_t<X>> || is_tensor_view_v<std::remove_cvref_t<X>>;

// What an in-place sampler returns: the tensor itself for an lvalue tensor, the tensor (moved) for an rvalue
// one, the view (a cheap handle) for a view.
template <class X>
using inplace_result_t =
    std::conditional_t<is_tensor_v<std::remove_cvref_t<X>> && std::is_lvalue_reference_v<X>, X,
                       std::remove_cvref_t<X>>;

// The row-major (logical) index of each element of v, in the order PyTorch draws them: memory order, i.e.
// dims sorted by decreasing stride (a stable sort, so a contiguous view keeps row-major order).
template <class T, class S>
void draw_order(const TensorView<T, S, Cpu>& v, std::vector<index_t>& mem, std::vector<index_t>& logical) {
  constexpr std::size_t R = S::rank;
  const auto ext = v.sizes();
  const auto st = v.strides();
  const auto cst = contiguous_strides(ext);
  std::array<std::size_t, R> perm{};
  std::iota(perm.begin(), perm.end(), std::size_t(0));
  std::stable_sort(perm.begin(), perm.end(), [&](std::size_t a, std::size_t b) {
    const index_t sa = st[a] < 0 ? -st[a] : st[a], sb = st[b] < 0 ? -st[b] : st[b];
    return sa > sb;
  });
  const index_t n = v.numel();
  mem.resize(std::size_t(n));
  logical.resize(std::size_t(n));
  std::array<index_t, R> idx{};
  for (index_t k = 0; k < n; ++k) {
    index_t m = 0, l = 0;
    for (std::size_t d = 0; d < R; ++d) {
      m += idx[d] * st[d];
      l += idx[d] * cst[d];
    }
    mem[std::size_t(k)] = m;
    logical[std::size_t(k)] = l;
    for (std::size_t q = R; q-- > 0;) {  // odometer over perm, innermost last
      const std::size_t d = perm[q];
      if (++idx[d] < ext[d]) break;
      idx[d] = 0;
    }
  }
}

// Calls body(p, n, logical) with p pointing at n host elements of t's dtype in the order they are drawn;
// afterwards they are t's values. logical is null when that order is row-major, else logical[k] is the
// row-major index of drawn element k (for a probability tensor read beside it). Contiguous CPU memory is
// written in place; a strided CPU view goes through a buffer; a tensor on another device through one host
// buffer and one copy.
template <class X, class F>
void fill_random(X& t, F&& body) {
  using XT = std::remove_cvref_t<X>;
  using T = typename XT::value_type;
  using D = typename XT::device_type;
  const index_t n = t.numel();
  if constexpr (is_tensor_v<XT>) {
    if constexpr (std::is_same_v<D, Cpu>) {
      body(t.data(), n, static_cast<const index_t*>(nullptr));
    } else {
      std::unique_ptr<T[]> buf(new T[n > 0 ? std::size_t(n) : 1]{});
      body(buf.get(), n, static_cast<const index_t*>(nullptr));
      device_memory<D>::from_host(t.data(), buf.get(), std::size_t(n));
    }
  } else {
    static_assert(std::is_same_v<D, Cpu>, "ctorch: random: in-place sampling of a view is for host views");
    static_assert(!std::is_const_v<typename XT::element_type>, "ctorch: random: cannot sample into a const view");
    if (t.is_contiguous()) {
      body(t.data(), n, static_cast<const index_t*>(nullptr));
      return;
    }
    std::vector<index_t> mem, logical;
    draw_order(t, mem, logical);
    std::unique_ptr<T[]> buf(new T[n > 0 ? std::size_t(n) : 1]{});
    body(buf.get(), n, logical.data());
    T* p = t.data();
    for (index_t k = 0; k < n; ++k) p[mem[std::size_t(k)]] = buf[std::size_t(k)];
  }
}

// fill_random with one value per element from f() (PyTorch's cpu_serial_kernel).
template <class X, class F>
void fill_serial(X& t, F&& f) {
  fill_random(t, [&](auto* p, index_t n, const index_t*) {
    for (index_t i = 0; i < n; ++i) p[i] = f();
  });
}

// ---- creation calls: rand<T, S>(params..., dyn extents..., [Generator&]) ----

template <std::size_t I, class... A>
using nth_t = std::tuple_element_t<I, std::tuple<A...>>;

template <class... A>
constexpr bool last_is_generator() {
  if constexpr (sizeof...(A) == 0) {
    return false;
  } else {
    return is_generator_v<nth_t<sizeof...(A) - 1, A...>>;
  }
}

// Splits args into K leading parameters, the Dyn extents (or one Dims<S>) and an optional trailing
// Generator (the default generator otherwise), makes the tensor, and calls f(tensor, generator, params...).
template <class Op, DType T, ShapeType S, Device D, std::size_t K, class F, class... A>
Tensor<T, S, D> random_creation(F&& f, A&&... args) {
  constexpr std::size_t N = sizeof...(A);
  constexpr bool has_gen = last_is_generator<A...>();
  static_assert(N >= K + (has_gen ? 1 : 0), "ctorch: random: too few arguments");
  constexpr std::size_t ND = N - K - (has_gen ? 1 : 0);
  auto tup = std::forward_as_tuple(std::forward<A>(args)...);
  Generator& g = [&]() -> Generator& {
    if constexpr (has_gen) {
      static_assert(!std::is_const_v<std::remove_reference_t<nth_t<N - 1, A...>>>,
                    "ctorch: random: the generator is modified: pass a non-const Generator");
      return std::get<N - 1>(tup);
    } else {
      return default_generator();
    }
  }();
  auto t = [&]<std::size_t... I>(std::index_sequence<I...>) {
    if constexpr (ND == 1 && (std::is_same_v<std::remove_cvref_t<nth_t<K + I, A...>>, Dims<S>> && ...)) {
      return Tensor<T, S, D>(std::get<K + I>(tup)...);
    } else {
      return make_creation<Op, T, S, D>(std::get<K + I>(tup)...);
    }
  }(std::make_index_sequence<ND>{});
  [&]<std::size_t... I>(std::index_sequence<I...>) { f(t, g, std::get<I>(tup)...); }(std::make_index_sequence<K>{});
  return t;
}

// A materialised copy of an expression on the host, broadcast to the extents `dims` (row-major).
template <class V, class S, class E>
Tensor<V, S, Cpu> host_broadcast(const E& e, const Dims<S>& dims) {
  using ED = typename std::remove_cvref_t<E>::device_type;
  if constexpr (std::is_same_v<ED, Cpu> || std::is_void_v<ED>) {
    Tensor<V, S, Cpu> out(dims);
    out.view() = e;
    return out;
  } else {
    Tensor<V, S, ED> dev(dims);
    dev.view() = e;
    return dev.template to<Cpu>();
  }
}

}  // namespace detail
}  // namespace ctorch
