// ctorch/nn.hpp: modules, layers, losses, init and the functional forms (torch.nn).
#pragma once
#include "nn/activation.hpp"
#include "nn/functional/linear.hpp"
#include "nn/functional/loss.hpp"
#include "nn/functional/softmax.hpp"
#include "nn/init.hpp"
#include "nn/linear.hpp"
#include "nn/loss.hpp"
#include "nn/module.hpp"
#include "nn/sequential.hpp"
#include "nn/conv.hpp"
