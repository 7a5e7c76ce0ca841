// ctorch/ops/random.hpp: every random sampler (rand, randn, randint, randperm, bernoulli, multinomial, normal
// and their *_like forms) and the in-place samplers (uniform_, normal_, exponential_, cauchy_, log_normal_,
// geometric_, random_, bernoulli_), all drawing from a ctorch::Generator (core/generator.hpp).
#pragma once
#include "random/bernoulli.hpp"
#include "random/cauchy.hpp"
#include "random/exponential.hpp"
#include "random/geometric.hpp"
#include "random/log_normal.hpp"
#include "random/multinomial.hpp"
#include "random/normal.hpp"
#include "random/rand.hpp"
#include "random/randint.hpp"
#include "random/randn.hpp"
#include "random/random_.hpp"
#include "random/randperm.hpp"
#include "random/uniform.hpp"
