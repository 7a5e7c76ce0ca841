// ctorch/eval/cuda/config.hpp: the Thrust back end behind the Cuda device, its errors and execution policy.
//
// Compiled by nvcc, the Cuda device is a GPU: memory comes from cudaMalloc and every assignment or
// reduction is one kernel (Thrust over CUB). Compiled by a host compiler with
// -DTHRUST_DEVICE_SYSTEM=THRUST_DEVICE_SYSTEM_CPP (or OMP/TBB), the same code runs on the host, which is
// how the CUDA evaluator's logic is tested on machines without a GPU.
#pragma once
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include <thrust/detail/config.h>
#include <thrust/execution_policy.h>
#include <thrust/system_error.h>

#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_CUDA && !defined(__CUDACC__)
#error "ctorch/cuda.hpp needs nvcc, or -DTHRUST_DEVICE_SYSTEM=THRUST_DEVICE_SYSTEM_CPP to run on the host"
#endif

namespace ctorch {

// A failed CUDA call (a failed launch, a bad device pointer, no device, ...). what() names the ctorch
// operation and carries CUDA's own message.
struct cuda_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Device memory is exhausted (PyTorch's torch.cuda.OutOfMemoryError).
struct cuda_out_of_memory : cuda_error {
  using cuda_error::cuda_error;
};

namespace cuda_backend {

// The execution policy every ctorch Thrust call runs with. Today it is Thrust's own: on the default
// stream, synchronous, with Thrust's temporary allocator. Future work: a caching allocator bound to a
// stream, handed over here (thrust::cuda::par(alloc).on(stream)), so that Thrust neither allocates
// behind our back nor runs on the default stream; every call site already goes through policy().
inline auto policy() {
#if THRUST_DEVICE_SYSTEM == THRUST_DEVICE_SYSTEM_CUDA
  return thrust::cuda::par.on(cudaStream_t{});
#else
  return thrust::device;
#endif
}

// Runs f(), turning Thrust's exceptions (CUDA errors, failed allocations) into ctorch's, with `what`
// (the ctorch operation) in front of CUDA's message.
template <class F>
decltype(auto) checked(const char* what, F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (const thrust::system_error& e) {
    throw cuda_error(std::string("ctorch: cuda: ") + what + ": " + e.what());
  } catch (const std::bad_alloc& e) {
    // Thrust reports every failed cudaMalloc as bad_alloc; CUDA's text tells "out of memory" from the rest.
    const std::string msg = std::string("ctorch: cuda: ") + what + ": allocation failed (" + e.what() + ")";
    if (msg.find("out of memory") != std::string::npos) throw cuda_out_of_memory(msg);
    throw cuda_error(msg);
  }
}

}  // namespace cuda_backend
}  // namespace ctorch
