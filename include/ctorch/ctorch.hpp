// ctorch/ctorch.hpp: the whole CPU library (core, expressions, evaluator, ops). CUDA: <ctorch/cuda.hpp>.
#pragma once
#include "core.hpp"
#include "ops/comparison.hpp"
#include "ops/creation.hpp"
#include "ops/inplace.hpp"
#include "ops/inplace_more.hpp"
#include "ops/joining.hpp"
#include "ops/linalg.hpp"
#include "ops/pointwise.hpp"
#include "ops/reduction.hpp"
#include "ops/view.hpp"
#include "ops/random.hpp"
#include "ops/sorting.hpp"
