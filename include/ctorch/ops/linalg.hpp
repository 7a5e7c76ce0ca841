// ctorch/ops/linalg.hpp: the products (mm, matmul, mv, dot, bmm, addmm) over ctorch's own GEMM.
#pragma once
#include "linalg/addmm.hpp"
#include "linalg/bmm.hpp"
#include "linalg/dot.hpp"
#include "linalg/matmul.hpp"
#include "linalg/mm.hpp"
#include "linalg/mv.hpp"
