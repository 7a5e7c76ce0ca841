// ctorch/autograd.hpp: reverse-mode autodiff: Var, the tape, backward, grad, no_grad, custom functions.
// (Each op's VJP sits in the op's own header; <ctorch/ctorch.hpp> includes everything.)
#pragma once
#include "autograd/function.hpp"
#include "autograd/fused.hpp"
#include "autograd/grad.hpp"
#include "autograd/grad_mode.hpp"
#include "autograd/node.hpp"
#include "autograd/var.hpp"
#include "autograd/gradcheck.hpp"
