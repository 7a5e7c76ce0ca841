// ctorch/core/storage.hpp: owning, 64-byte aligned heap storage (never on the stack, whatever the size),
// served by the caching allocator (allocator.hpp).
#pragma once
#include <cstring>
#include <new>
#include <utility>

#include "allocator.hpp"
#include "config.hpp"
#include "device.hpp"

namespace ctorch {

template <>
struct device_memory<Cpu> {
  static constexpr std::size_t alignment = 64;
  template <class T>
  static T* allocate(std::size_t n) {
    if (n == 0) return nullptr;
    return static_cast<T*>(detail::pool_allocate(n * sizeof(T)));
  }
  template <class T>
  static void deallocate(T* p, std::size_t n) noexcept {
    detail::pool_deallocate(p, n * sizeof(T));
  }
  template <class T>
  static void fill_zero(T* p, std::size_t n) {
    if (n) std::memset(static_cast<void*>(p), 0, n * sizeof(T));
  }
  template <class T>
  static void copy(T* dst, const T* src, std::size_t n) {
    if (n) std::memcpy(static_cast<void*>(dst), src, n * sizeof(T));
  }
  // Host <-> this device; for the CPU both are plain copies.
  template <class T>
  static void to_host(T* host_dst, const T* src, std::size_t n) {
    copy(host_dst, src, n);
  }
  template <class T>
  static void from_host(T* dst, const T* host_src, std::size_t n) {
    copy(dst, host_src, n);
  }
};

// Tag for a tensor or buffer whose elements the caller overwrites before reading (no zero fill): kernels
// that write every output element use it, as torch.empty does.
struct uninitialized_t {
  explicit uninitialized_t() = default;
};
inline constexpr uninitialized_t uninitialized{};

// A buffer of n elements of T on device D. Move-only; Tensor adds value semantics on top.
template <class T, Device D>
class Storage {
 public:
  Storage() = default;
  explicit Storage(std::size_t n) : ptr_(device_memory<D>::template allocate<T>(n)), size_(n) {
    device_memory<D>::fill_zero(ptr_, n);
  }
  Storage(std::size_t n, uninitialized_t) : ptr_(device_memory<D>::template allocate<T>(n)), size_(n) {}
  Storage(Storage&& o) noexcept : ptr_(std::exchange(o.ptr_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  Storage& operator=(Storage&& o) noexcept {
    if (this != &o) {
      release();
      ptr_ = std::exchange(o.ptr_, nullptr);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  ~Storage() { release(); }

  T* data() const noexcept { return ptr_; }
  std::size_t size() const noexcept { return size_; }

 private:
  void release() noexcept {
    device_memory<D>::deallocate(ptr_, size_);
    ptr_ = nullptr;
    size_ = 0;
  }
  T* ptr_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace ctorch
