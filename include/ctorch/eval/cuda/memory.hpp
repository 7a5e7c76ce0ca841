// ctorch/eval/cuda/memory.hpp: device_memory<Cuda>, the memory primitives behind Storage<T, Cuda>.
//
// Through Thrust: device_malloc is cudaMalloc under nvcc and malloc with the CPP back end; copies between
// host and device are dispatched by the pointers' systems (cudaMemcpy under nvcc). Errors throw
// cuda_error (cuda_out_of_memory when an allocation fails), never from deallocate.
#pragma once
#include <cstddef>
#include <string>

#include <thrust/copy.h>
#include <thrust/device_free.h>
#include <thrust/device_malloc.h>
#include <thrust/device_ptr.h>
#include <thrust/fill.h>

#include "../../core/storage.hpp"
#include "config.hpp"

namespace ctorch {

template <>
struct device_memory<Cuda> {
  template <class T>
  static T* allocate(std::size_t n) {
    if (n == 0) return nullptr;
    const std::string what = "allocate " + std::to_string(n * sizeof(T)) + " bytes";
    return cuda_backend::checked(what.c_str(), [&] { return thrust::device_malloc<T>(n).get(); });
  }
  template <class T>
  static void deallocate(T* p, std::size_t) noexcept {
    if (!p) return;
    try {
      thrust::device_free(thrust::device_pointer_cast(p));
    } catch (...) {  // a destructor cannot report; the context is broken anyway if this fails
    }
  }
  template <class T>
  static void fill_zero(T* p, std::size_t n) {
    if (n == 0) return;
    cuda_backend::checked("fill",
                          [&] { thrust::fill_n(cuda_backend::policy(), thrust::device_pointer_cast(p), n, T(0)); });
  }
  // Device to device.
  template <class T>
  static void copy(T* dst, const T* src, std::size_t n) {
    if (n == 0) return;
    cuda_backend::checked("copy", [&] {
      thrust::copy_n(cuda_backend::policy(), thrust::device_pointer_cast(src), n, thrust::device_pointer_cast(dst));
    });
  }
  // Device to host (a raw pointer is a host pointer to Thrust, a device_ptr a device one).
  template <class T>
  static void to_host(T* host_dst, const T* src, std::size_t n) {
    if (n == 0) return;
    cuda_backend::checked("copy to host", [&] { thrust::copy_n(thrust::device_pointer_cast(src), n, host_dst); });
  }
  // Host to device.
  template <class T>
  static void from_host(T* dst, const T* host_src, std::size_t n) {
    if (n == 0) return;
    cuda_backend::checked("copy from host", [&] { thrust::copy_n(host_src, n, thrust::device_pointer_cast(dst)); });
  }
};

}  // namespace ctorch
