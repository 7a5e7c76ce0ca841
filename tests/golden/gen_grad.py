"""Golden gradients (PyTorch's backward) for the VJPs that finite differences cannot pin down: ties in
max/min/median/sort (where PyTorch picks a position or shares the gradient evenly), zeros in cumprod,
repeated indices in gather/index_add/put, NaN in median; and a few smooth ones (cumsum, renorm, cross,
masked_select with a broadcast x) as a second opinion beside gradcheck.

Every case is float64: `<case>.x` (and `<case>.b`) the inputs, `<case>.u` the gradient arriving at the
output, `<case>.grad` (and `<case>.grad_b`) PyTorch's gradient of sum(u * f(x)); index tensors are
`<case>.index` (int64).
"""
import math

import torch

from common import Writer

w = Writer("grad.txt", __doc__)

f64 = torch.float64
nan = math.nan
gen = torch.Generator().manual_seed(0)


def t(v):
    return torch.tensor(v, dtype=f64)


def u_like(y):
    return torch.randn(y.shape, generator=gen, dtype=f64)


def case(name, f, *inputs, index=None):
    xs = [x.clone().requires_grad_(True) for x in inputs]
    y = f(*xs)
    u = u_like(y)
    (y * u).sum().backward()
    w.add(name + ".x", inputs[0])
    if len(inputs) > 1:
        w.add(name + ".b", inputs[1])
    if index is not None:
        w.add(name + ".index", index)
    w.add(name + ".u", u)
    w.add(name + ".grad", xs[0].grad)
    if len(inputs) > 1:
        w.add(name + ".grad_b", xs[1].grad)


# cumprod along dim 1: lanes with a zero first, in the middle, last, two zeros, three zeros, none.
zeros = t([[0, 0.7, -1.3, 0.9], [1.1, 0, -0.8, 1.4], [0.6, -1.2, 0.5, 0], [1.3, 0, 0.9, 0], [0, 0, 2, 0],
           [0.8, -1.1, 1.2, 0.7]])
case("cumprod", lambda x: torch.cumprod(x, 1), zeros)
case("cumprod_dim0", lambda x: torch.cumprod(x, 0), zeros.t().contiguous())
case("cumsum", lambda x: torch.cumsum(x, 0), torch.randn(3, 4, generator=gen, dtype=f64))

# Ties: the full max/min/median share the gradient evenly; along a dim it goes to the first position.
ties = t([[1, 3, 3, 0], [2, 3, -1, 3], [0, 0, 0, 0]])
case("max", lambda x: x.max(), ties)
case("min", lambda x: x.min(), ties)
case("max_dim", lambda x: x.max(1).values, ties)
case("min_dim", lambda x: x.min(1).values, ties)
case("max_nan", lambda x: x.max(), t([[1, 3, nan, 0], [2, nan, -1, 3]]))
case("median", lambda x: x.median(), t([1, 2, 2, 2, 5, 0]))
case("median_nan", lambda x: x.median(), t([1, nan, 3, nan]))
case("nanmedian", lambda x: x.nanmedian(), t([1, nan, 2, 2, nan]))
case("median_dim", lambda x: x.median(1).values, t([[1, 2, 2, 2, 5, 0], [4, 4, 1, 1, 3, 3]]))
case("sort_ties", lambda x: torch.sort(x, dim=1, stable=True).values, t([[2, 1, 2, 1, 3], [0, 0, 0, 0, 0]]))
case("sort_ties_descending", lambda x: torch.sort(x, dim=1, descending=True, stable=True).values,
     t([[2, 1, 2, 1, 3], [0, 0, 0, 0, 0]]))

# Repeated indices add up.
gidx = torch.tensor([[0, 2, 2, 1, 2], [3, 3, 3, 0, 1], [1, 1, 1, 1, 1]])
case("gather", lambda x: torch.gather(x, 1, gidx), torch.randn(3, 4, generator=gen, dtype=f64), index=gidx)
iidx = torch.tensor([3, 0, 3, 1, 3])
case("index_add", lambda x, s: torch.index_add(x, 1, iidx, s, alpha=0.5), torch.randn(3, 4, generator=gen, dtype=f64),
     torch.randn(3, 5, generator=gen, dtype=f64), index=iidx)
pidx = torch.tensor([5, -1, 5, 0, 5])
case("put_accumulate", lambda x, s: torch.put(x, pidx, s, accumulate=True), torch.randn(3, 4, generator=gen, dtype=f64),
     torch.randn(5, generator=gen, dtype=f64), index=pidx)

# Smooth ones.
case("renorm", lambda x: torch.renorm(x, 2, 0, 1.0), t([[0.1, -0.2, 0.3], [1.0, -2.0, 0.5], [0.4, 0.4, -0.1]]))
case("renorm_p1", lambda x: torch.renorm(x, 1, 1, 1.5), t([[0.1, -0.2, 0.3], [1.0, -2.0, 0.5], [0.4, 0.4, -0.1]]))
case("cross", lambda a, b: torch.linalg.cross(a, b), torch.randn(4, 3, generator=gen, dtype=f64),
     torch.randn(4, 3, generator=gen, dtype=f64))
bmask = torch.tensor([[True, False, True, True], [False, True, True, False], [True, True, False, False]])
w.add("masked_select.mask", bmask)
case("masked_select", lambda x: torch.masked_select(x, bmask), torch.randn(4, generator=gen, dtype=f64))

w.save()
