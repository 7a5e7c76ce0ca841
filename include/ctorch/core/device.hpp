// ctorch/core/device.hpp: device policies. A policy says where data lives and which evaluator runs.
#pragma once
#include <string_view>
#include <type_traits>

namespace ctorch {

// Host memory, evaluated by the xsimd CPU evaluator.
struct Cpu {
  static constexpr std::string_view name = "cpu";
};

// CUDA device memory, evaluated by the Thrust/CUB evaluator (include <ctorch/cuda.hpp>).
struct Cuda {
  static constexpr std::string_view name = "cuda";
};

template <class D>
concept Device = std::is_same_v<D, Cpu> || std::is_same_v<D, Cuda>;

// Memory primitives per device; the Cuda specialisation lives in eval/cuda/memory.hpp.
template <Device D>
struct device_memory;

}  // namespace ctorch
