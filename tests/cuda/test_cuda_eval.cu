// The Cuda evaluator tests compiled by nvcc (see test_cuda_eval.cpp).
#include "test_cuda_eval.cpp"
