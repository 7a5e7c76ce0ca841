// ctorch/core.hpp: tensors, views, lazy expressions and the CPU evaluator; no nn, no CUDA.
#pragma once
#include "core/broadcast.hpp"
#include "core/device.hpp"
#include "core/dtype.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/print.hpp"
#include "core/shape.hpp"
#include "core/tensor.hpp"
#include "core/tensor_view.hpp"
#include "eval/assign.hpp"
#include "eval/cpu/executor.hpp"
#include "expr/map.hpp"
