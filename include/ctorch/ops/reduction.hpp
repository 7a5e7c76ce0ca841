// ctorch/ops/reduction.hpp: every reduction and scan.
#pragma once
#include "reduction/all.hpp"
#include "reduction/amax.hpp"
#include "reduction/argmax.hpp"
#include "reduction/cumprod.hpp"
#include "reduction/cumsum.hpp"
#include "reduction/logsumexp.hpp"
#include "reduction/max.hpp"
#include "reduction/mean.hpp"
#include "reduction/norm.hpp"
#include "reduction/prod.hpp"
#include "reduction/sum.hpp"
#include "reduction/var.hpp"
