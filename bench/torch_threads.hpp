// bench/torch_threads.hpp: LibTorch on n threads. at::set_num_threads sizes ATen's own pool only; Debian's
// LibTorch runs its GEMMs and LAPACK calls in OpenBLAS, whose pthread build keeps a pool of its own (one
// thread per core), so a "1 thread" peer that set only ATen's pool still ran its products on two threads.
// Include after <torch/torch.h>.
#pragma once
#include <dlfcn.h>

namespace bench {

// ensures: ATen's pool and (when the program has OpenBLAS loaded) OpenBLAS's pool run n threads.
inline void torch_threads(int n) {
  at::set_num_threads(n);
  if (auto set = reinterpret_cast<void (*)(int)>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(n);
}

}  // namespace bench
