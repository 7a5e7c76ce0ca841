// ctorch/ops/creation.hpp: every creation op (zeros, ones, full, empty and their *_like, eye, arange,
// linspace, logspace).
#pragma once
#include "creation/arange.hpp"
#include "creation/empty.hpp"
#include "creation/eye.hpp"
#include "creation/full.hpp"
#include "creation/linspace.hpp"
#include "creation/logspace.hpp"
#include "creation/ones.hpp"
#include "creation/range.hpp"
#include "creation/zeros.hpp"
