// ctorch/core/maybe.hpp: maybe<V>, the subset of std::optional<V> that autograd nodes, optimizers and
// kernels use to hold a tensor (or a closure) that may be absent.
//
// Why not std::optional: libstdc++ builds it from five layers of small class templates, so each held
// type instantiates a few dozen functions, and a model holds dozens of tensor types (one per shape): that
// was about a sixth of the functions the README's example compiles. Here each operation is one function.
#pragma once
#include <new>
#include <type_traits>
#include <utility>

namespace ctorch {

// ensures: the std::optional semantics of the members below (a constructor that throws in emplace or an
// assignment leaves it empty).
template <class V>
class maybe {
  static constexpr bool nothrow_move = std::is_nothrow_move_constructible_v<V>;

 public:
  maybe() noexcept {}
  explicit maybe(V v) noexcept(nothrow_move) : has_(true) { ::new (static_cast<void*>(&v_)) V(std::move(v)); }
  template <class... A>
  explicit maybe(std::in_place_t, A&&... a) {
    ::new (static_cast<void*>(&v_)) V(std::forward<A>(a)...);
    has_ = true;
  }
  maybe(const maybe& o) requires(std::is_copy_constructible_v<V>) {
    if (o.has_) emplace(o.v_);
  }
  maybe(maybe&& o) noexcept(nothrow_move) {
    if (o.has_) emplace(std::move(o.v_));
  }
  maybe& operator=(const maybe& o) requires(std::is_copy_constructible_v<V>) {
    if (this != &o) {
      if (o.has_)
        emplace(o.v_);
      else
        reset();
    }
    return *this;
  }
  maybe& operator=(maybe&& o) noexcept(nothrow_move) {
    if (this != &o) {
      if (o.has_)
        emplace(std::move(o.v_));
      else
        reset();
    }
    return *this;
  }
  maybe& operator=(V v) noexcept(nothrow_move) {
    emplace(std::move(v));
    return *this;
  }
  ~maybe() { reset(); }

  template <class... A>
  V& emplace(A&&... a) {
    reset();
    ::new (static_cast<void*>(&v_)) V(std::forward<A>(a)...);
    has_ = true;
    return v_;
  }
  void reset() noexcept {
    if (has_) {
      has_ = false;
      v_.~V();
    }
  }

  bool has_value() const noexcept { return has_; }
  explicit operator bool() const noexcept { return has_; }
  // requires: has_value().
  V& operator*() noexcept { return v_; }
  const V& operator*() const noexcept { return v_; }
  V* operator->() noexcept { return &v_; }
  const V* operator->() const noexcept { return &v_; }

 private:
  union {
    V v_;
  };
  bool has_ = false;
};

}  // namespace ctorch
