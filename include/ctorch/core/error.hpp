// ctorch/core/error.hpp: the exceptions ctorch throws. Every message names the op that failed.
#pragma once
#include <stdexcept>
#include <string>

namespace ctorch {

// A dynamic shape mismatch (broadcast, rank, wrong initializer size, view over too little memory).
struct shape_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// An index or dim out of range.
struct index_error : std::out_of_range {
  using std::out_of_range::out_of_range;
};

// A bad argument value that is not about shapes or indices (a negative count, p < 0, ...).
struct value_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Misuse of autograd that only shows at run time: backward through a freed graph, a saved tensor
// changed in place, backward() on a non-scalar without a gradient (PyTorch's RuntimeError).
struct autograd_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace ctorch
