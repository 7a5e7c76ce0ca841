// ctorch/ops/pointwise.hpp: every elementwise op.
#pragma once
#include "pointwise/add.hpp"
#include "pointwise/cast.hpp"
#include "pointwise/div.hpp"
#include "pointwise/mul.hpp"
#include "pointwise/sigmoid.hpp"
#include "pointwise/sub.hpp"
#include "pointwise/tanh.hpp"
