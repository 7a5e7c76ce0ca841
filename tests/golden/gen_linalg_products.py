"""Golden values for ctorch's BLAS-style products (ctorch/ops/linalg: addmv, addr, outer/ger, addbmm,
baddbmm) and general eigenvalues (linalg.eig, linalg.eigvals) from PyTorch.

Eigenvalues are complex: each is stored as two real tensors (_re, _im), sorted by (real, imag) so that the
test can sort ctorch's the same way (the order LAPACK returns them in is the algorithm's, not a rule).

Run: /usr/bin/python3 tests/golden/gen_linalg_products.py
"""
import math

import torch

from common import Writer

torch.manual_seed(0)
w = Writer("linalg_products.txt",
           "BLAS-style products and linalg.eig of small float32/float64 tensors (ctorch/ops/linalg), "
           "torch.manual_seed(0).")


def r(*shape, dtype=torch.float64):
    return (torch.rand(*shape, dtype=torch.float64) * 2 - 1).to(dtype)


NAN = float("nan")

for dt, tag in ((torch.float64, "d"), (torch.float32, "f")):
    # addmv: mat [N, M] (also given transposed, [M, N], for a strided read), vec [M].
    mat, matT, vec = r(7, 13, dtype=dt), r(13, 7, dtype=dt), r(13, dtype=dt)
    in7, in1 = r(7, dtype=dt), r(1, dtype=dt)
    for name, t in (("mv_mat", mat), ("mv_matT", matT), ("mv_vec", vec), ("mv_in7", in7), ("mv_in1", in1)):
        w.add(f"{tag}_{name}", t)
    w.add(f"{tag}_addmv", torch.addmv(in7, mat, vec, beta=0.5, alpha=2.0))
    w.add(f"{tag}_addmv_default", torch.addmv(in7, mat, vec))
    w.add(f"{tag}_addmv_bcast", torch.addmv(in1, mat, vec, beta=-1.25, alpha=0.75))
    w.add(f"{tag}_addmv_scalar_in", torch.addmv(torch.tensor(1.5, dtype=dt), mat, vec, beta=2.0, alpha=-1.0))
    w.add(f"{tag}_addmv_T", torch.addmv(in7, matT.t(), vec, beta=0.5, alpha=2.0))
    w.add(f"{tag}_addmv_beta0", torch.addmv(torch.full((7,), NAN, dtype=dt), mat, vec, beta=0.0, alpha=3.0))
    big_m, big_v, big_in = r(70, 33, dtype=dt), r(33, dtype=dt), r(70, dtype=dt)
    w.add(f"{tag}_mv_bigmat", big_m)
    w.add(f"{tag}_mv_bigvec", big_v)
    w.add(f"{tag}_mv_bigin", big_in)
    w.add(f"{tag}_addmv_big", torch.addmv(big_in, big_m, big_v, beta=0.3, alpha=-0.7))

    # addr, outer, ger: vec1 [5], vec2 [9].
    v1, v2 = r(5, dtype=dt), r(9, dtype=dt)
    i59, i9, i51 = r(5, 9, dtype=dt), r(9, dtype=dt), r(5, 1, dtype=dt)
    for name, t in (("r_v1", v1), ("r_v2", v2), ("r_in59", i59), ("r_in9", i9), ("r_in51", i51)):
        w.add(f"{tag}_{name}", t)
    w.add(f"{tag}_addr", torch.addr(i59, v1, v2, beta=0.5, alpha=2.0))
    w.add(f"{tag}_addr_bcast_row", torch.addr(i9, v1, v2, beta=-2.0, alpha=0.25))
    w.add(f"{tag}_addr_bcast_col", torch.addr(i51, v1, v2))
    w.add(f"{tag}_addr_beta0", torch.addr(torch.full((5, 9), NAN, dtype=dt), v1, v2, beta=0.0, alpha=-1.5))
    w.add(f"{tag}_outer", torch.outer(v1, v2))
    w.add(f"{tag}_ger", torch.ger(v2, v1))

    # addbmm and baddbmm: batch1 [3, 6, 11], batch2 [3, 11, 4].
    b1, b2 = r(3, 6, 11, dtype=dt), r(3, 11, 4, dtype=dt)
    j64, j4, j61, j364, j164 = (r(6, 4, dtype=dt), r(4, dtype=dt), r(6, 1, dtype=dt), r(3, 6, 4, dtype=dt),
                                r(1, 6, 1, dtype=dt))
    for name, t in (("b_b1", b1), ("b_b2", b2), ("b_in64", j64), ("b_in4", j4), ("b_in61", j61), ("b_in364", j364),
                    ("b_in161", j164)):
        w.add(f"{tag}_{name}", t)
    w.add(f"{tag}_addbmm", torch.addbmm(j64, b1, b2, beta=0.5, alpha=2.0))
    w.add(f"{tag}_addbmm_bcast", torch.addbmm(j4, b1, b2, beta=-1.0, alpha=0.5))
    w.add(f"{tag}_addbmm_bcast_col", torch.addbmm(j61, b1, b2))
    w.add(f"{tag}_addbmm_beta0", torch.addbmm(torch.full((6, 4), NAN, dtype=dt), b1, b2, beta=0.0, alpha=1.5))
    w.add(f"{tag}_addbmm_empty", torch.addbmm(j64, b1[:0], b2[:0], beta=-3.0, alpha=2.0))
    w.add(f"{tag}_baddbmm", torch.baddbmm(j364, b1, b2, beta=0.5, alpha=2.0))
    w.add(f"{tag}_baddbmm_bcast", torch.baddbmm(j64, b1, b2, beta=-1.0, alpha=0.5))
    w.add(f"{tag}_baddbmm_bcast3", torch.baddbmm(j164, b1, b2, beta=2.0, alpha=-1.0))
    w.add(f"{tag}_baddbmm_beta0", torch.baddbmm(torch.full((3, 6, 4), NAN, dtype=dt), b1, b2, beta=0.0, alpha=1.5))


def sorted_eigvals(a):
    """Eigenvalues of a (a batch flattened) sorted by (real, imag) per matrix, as (re, im)."""
    ev = torch.linalg.eigvals(a.to(torch.float64)).reshape(-1, a.shape[-1])
    re, im = [], []
    for row in ev.tolist():
        row = sorted(row, key=lambda z: (round(z.real, 4), z.imag))
        # The test sorts ctorch's eigenvalues by the same key: distinct real parts must be well apart so
        # that rounding cannot order them differently (pairs share their real part exactly).
        for x, y in zip(row, row[1:]):
            assert y.real - x.real > 1e-3 or abs(y.real - x.real) < 1e-6, (x, y)
        re.append([z.real for z in row])
        im.append([z.imag for z in row])
    shape = a.shape[:-1]
    return (torch.tensor(re, dtype=torch.float64).reshape(shape), torch.tensor(im, dtype=torch.float64).reshape(shape))


def add_eig(name, a):
    w.add(f"eig_{name}", a)
    re, im = sorted_eigvals(a)
    w.add(f"eig_{name}_re", re)
    w.add(f"eig_{name}_im", im)


add_eig("rand6", r(6, 6))
add_eig("rand5f", r(5, 5, dtype=torch.float32))
add_eig("rand17", r(17, 17))
s = r(5, 5)
add_eig("sym5", s + s.t())
th = 0.7
add_eig("rot2", torch.tensor([[math.cos(th), -math.sin(th)], [math.sin(th), math.cos(th)]], dtype=torch.float64))
# A rotation by 1.1 about the axis (1, 2, 2) / 3: eigenvalues 1 and exp(+-1.1i).
k = torch.tensor([1.0, 2.0, 2.0], dtype=torch.float64) / 3
K = torch.tensor([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]], dtype=torch.float64)
add_eig("rot3", torch.eye(3, dtype=torch.float64) + math.sin(1.1) * K + (1 - math.cos(1.1)) * K @ K)
add_eig("batch", r(2, 3, 4, 4))
# Companion matrix of (x - 1)(x - 2)(x^2 + 1)(x + 3): eigenvalues 1, 2, -3, +-i.
p = torch.tensor([1.0, 0.0, -6.0, 6.0, -7.0, 6.0], dtype=torch.float64)  # x^5 - 6x^3 + 6x^2 - 7x + 6
C = torch.zeros(5, 5, dtype=torch.float64)
C[0, :] = -p[1:]
C[1:, :-1] = torch.eye(4, dtype=torch.float64)
add_eig("companion", C)
# Defective: S J S^-1 with J = [[2, 1, 0], [0, 2, 0], [0, 0, -1]] (a 2 x 2 Jordan block).
S = r(3, 3) + 2 * torch.eye(3, dtype=torch.float64)
J = torch.tensor([[2.0, 1.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, -1.0]], dtype=torch.float64)
add_eig("defective", S @ J @ torch.linalg.inv(S))
w.save()
