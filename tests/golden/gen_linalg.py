"""Golden values for ctorch/ops/linalg (mm, matmul, mv, dot, bmm, addmm) from PyTorch.

Run: /usr/bin/python3 tests/golden/gen_linalg.py
"""
import torch

from common import Writer

torch.manual_seed(0)
w = Writer("linalg.txt", "Products of small float32/float64 tensors (ctorch/ops/linalg), torch.manual_seed(0).")


def r(*shape, dtype=torch.float32):
    return (torch.rand(*shape, dtype=torch.float64) * 2 - 1).to(dtype)


a, b = r(3, 4), r(4, 5)
w.add("mm_a", a)
w.add("mm_b", b)
w.add("mm_out", torch.mm(a, b))
w.add("mm_tt_out", torch.mm(b.t(), a.t()))
ad, bd = r(5, 6, dtype=torch.float64), r(6, 2, dtype=torch.float64)
w.add("mmd_a", ad)
w.add("mmd_b", bd)
w.add("mmd_out", torch.mm(ad, bd))
v = r(4)
w.add("mv_v", v)
w.add("mv_out", torch.mv(a, v))
w.add("dot_out", torch.dot(v, a[0]))
ba, bb = r(2, 3, 4), r(2, 4, 2)
w.add("bmm_a", ba)
w.add("bmm_b", bb)
w.add("bmm_out", torch.bmm(ba, bb))
w.add("matmul_3d2d_out", torch.matmul(ba, b))
w.add("matmul_1d3d_out", torch.matmul(r(3).fill_(0.5), ba))
inp = r(5)
w.add("addmm_in", inp)
w.add("addmm_out", torch.addmm(inp, a, b, beta=0.5, alpha=2.0))
w.save()
