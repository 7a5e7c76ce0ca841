// ctorch/optim.hpp: optimizers (torch.optim): SGD, Adam.
#pragma once
#include "optim/adam.hpp"
#include "optim/sgd.hpp"
