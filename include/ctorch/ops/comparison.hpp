// ctorch/ops/comparison.hpp: elementwise comparisons (eq, ..., and operators ==, <, ...), isnan/isinf/
// isfinite and the logical ops; all are lazy bool expressions.
#pragma once
#include "comparison/eq.hpp"
#include "comparison/ge.hpp"
#include "comparison/gt.hpp"
#include "comparison/isfinite.hpp"
#include "comparison/isinf.hpp"
#include "comparison/isnan.hpp"
#include "comparison/le.hpp"
#include "comparison/logical_and.hpp"
#include "comparison/logical_not.hpp"
#include "comparison/logical_or.hpp"
#include "comparison/logical_xor.hpp"
#include "comparison/lt.hpp"
#include "comparison/ne.hpp"
