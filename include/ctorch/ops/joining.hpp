// ctorch/ops/joining.hpp: joining and indexing ops: cat, stack, index_select, gather, scatter,
// scatter_add, masked_fill, flip, tril, triu.
#pragma once
#include "joining/cat.hpp"
#include "joining/flip.hpp"
#include "joining/gather.hpp"
#include "joining/index_select.hpp"
#include "joining/masked_fill.hpp"
#include "joining/scatter.hpp"
#include "joining/stack.hpp"
#include "joining/tril.hpp"
