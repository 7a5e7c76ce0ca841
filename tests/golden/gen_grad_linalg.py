"""Golden gradients (PyTorch's backward) of the linalg factorizations and solvers, a second opinion
beside gradcheck: the formulas (symmetrised Cholesky and eigh gradients, the gradient over the whole of
a Cholesky factor in cholesky_solve / cholesky_inverse, the triangle kept by triangular_solve) must be
PyTorch's, not only consistent with finite differences.

Every case is float64: `<case>.x` (and `<case>.b`) the inputs, `<case>.u` the gradient arriving at the
output, `<case>.grad` (and `<case>.grad_b`) PyTorch's gradient of sum(u * f(x)). Eigenvectors and
singular vectors enter through sign-invariant functions (their squares, U diag(w) Vh).
"""
import torch

from common import Writer

w = Writer("grad_linalg.txt", __doc__)

f64 = torch.float64
gen = torch.Generator().manual_seed(0)


def randn(*shape):
    return torch.randn(*shape, generator=gen, dtype=f64)


def dominant(*shape):
    return randn(*shape) + 3 * torch.eye(shape[-1], dtype=f64)


def spd(*shape):
    x = randn(*shape)
    return x @ x.mT / shape[-1] + torch.eye(shape[-1], dtype=f64)


def case(name, f, *inputs):
    """f returns one tensor (gradient `.u`) or a tuple of them (gradients `.u0`, `.u1`, ...)."""
    xs = [x.clone().requires_grad_(True) for x in inputs]
    y = f(*xs)
    ys = y if isinstance(y, tuple) else (y,)
    us = [torch.randn(t.shape, generator=gen, dtype=f64) for t in ys]
    sum((t * u).sum() for t, u in zip(ys, us)).backward()
    w.add(name + ".x", inputs[0])
    if len(inputs) > 1:
        w.add(name + ".b", inputs[1])
    if isinstance(y, tuple):
        for i, u in enumerate(us):
            w.add(name + ".u" + str(i), u)
    else:
        w.add(name + ".u", us[0])
    w.add(name + ".grad", xs[0].grad)
    if len(inputs) > 1:
        w.add(name + ".grad_b", xs[1].grad)


case("inv", torch.linalg.inv, dominant(2, 3, 3))
case("det", torch.linalg.det, dominant(2, 3, 3))
case("slogdet", lambda x: torch.linalg.slogdet(x).logabsdet, randn(3, 3))
case("logdet", torch.logdet, spd(3, 3))
case("solve", torch.linalg.solve, dominant(3, 3), randn(2, 3, 2))
case("solve_vector", torch.linalg.solve, dominant(2, 3, 3), randn(2, 3))
case("triangular_solve", lambda b, a: torch.triangular_solve(b, a, upper=True, transpose=True).solution,
     randn(3, 2), dominant(3, 3))
case("triangular_solve_unit", lambda b, a: torch.triangular_solve(b, a, upper=False, unitriangular=True).solution,
     randn(3, 2), dominant(3, 3))
case("solve_triangular_right", lambda a, b: torch.linalg.solve_triangular(a, b, upper=False, left=False),
     dominant(3, 3), randn(4, 3))
case("cholesky", torch.linalg.cholesky, spd(3, 3))
case("cholesky_upper", lambda x: torch.linalg.cholesky(x, upper=True), spd(4, 4))
case("cholesky_solve", lambda b, l: torch.cholesky_solve(b, l), randn(3, 2), torch.linalg.cholesky(spd(3, 3)))
case("cholesky_inverse_upper", lambda l: torch.cholesky_inverse(l, upper=True),
     torch.linalg.cholesky(spd(3, 3), upper=True))
case("qr", lambda x: tuple(torch.linalg.qr(x)), randn(4, 3))
case("qr_wide", lambda x: tuple(torch.linalg.qr(x)), randn(3, 5))
case("eigh", lambda x: (lambda r: (r.eigenvalues, r.eigenvectors ** 2))(torch.linalg.eigh(x)), spd(4, 4))
case("svd", lambda x: (lambda r: (r.U ** 2, r.S, r.Vh ** 2))(torch.linalg.svd(x, full_matrices=False)), randn(5, 3))
case("svd_wide", lambda x: (lambda r: (r.U ** 2, r.S, r.Vh ** 2))(torch.linalg.svd(x, full_matrices=False)),
     randn(2, 3, 5))
case("svd_product", lambda x: (lambda r: r.U @ torch.diag(torch.tensor([0.5, -1.0, 2.0], dtype=f64)) @ r.Vh)(
    torch.linalg.svd(x, full_matrices=False)), randn(3, 4))
case("pinv", torch.linalg.pinv, randn(3, 5))
case("lstsq", lambda a, b: torch.linalg.lstsq(a, b).solution, randn(5, 3), randn(5, 2))
case("matrix_norm_nuc", lambda x: torch.linalg.matrix_norm(x, "nuc"), randn(3, 4))
case("matrix_power", lambda x: torch.linalg.matrix_power(x, -3), dominant(3, 3))
case("trace", torch.trace, randn(3, 4))

w.save()
