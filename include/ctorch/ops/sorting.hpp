// ctorch/ops/sorting.hpp: sorting, selection and comparison ops: sort, argsort, topk, kthvalue, median,
// nanmedian, mode, unique, equal, allclose, isclose; and cross, histc, renorm, dist, clone.
#pragma once
#include "sorting/allclose.hpp"
#include "sorting/argsort.hpp"
#include "sorting/clone.hpp"
#include "sorting/cross.hpp"
#include "sorting/dist.hpp"
#include "sorting/equal.hpp"
#include "sorting/histc.hpp"
#include "sorting/isclose.hpp"
#include "sorting/kthvalue.hpp"
#include "sorting/median.hpp"
#include "sorting/mode.hpp"
#include "sorting/renorm.hpp"
#include "sorting/sort.hpp"
#include "sorting/topk.hpp"
#include "sorting/unique.hpp"
