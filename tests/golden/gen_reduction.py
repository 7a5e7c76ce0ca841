"""Golden values for ctorch/ops/reduction: every reduction over all elements and along each dim.

Inputs: small [3, 4, 5] tensors written to the fixture (float32 with ties, nan, +-inf and -0.0;
float64; int32; bool) and [7, 300] tensors computed on both sides from an exact formula, so that the
fixture stays small. Keepdim changes only the shape, so one entry serves both spellings.
"""
import math

import torch

from common import Writer

w = Writer("reduction.txt", __doc__)
g = torch.Generator().manual_seed(1234)
INF = float("inf")
NAN = float("nan")


def formula(shape, dtype, mul=7919, add=13):
    """((i * mul + add) % 2001 - 1000) / 1000 over the flat index i: the C++ test computes the same."""
    n = math.prod(shape)
    k = torch.tensor([((i * mul + add) % 2001) - 1000 for i in range(n)], dtype=dtype)
    return (k / 1000).reshape(shape)


def float_ops(name, x, dims, small=True):
    """Every float reduction of x, full and along each dim in dims (for a big x, dim 0 only for a few)."""
    def both(tag, f_all, f_dim):
        if f_all is not None:
            w.add(f"{name}.{tag}.all", f_all(x))
        for d in dims:
            if small or d != 0 or tag in ("sum", "argmax"):
                w.add(f"{name}.{tag}.d{d}", f_dim(x, d))

    both("sum", torch.sum, lambda t, d: t.sum(d))
    both("mean", torch.mean, lambda t, d: t.mean(d))
    if small:
        both("prod", torch.prod, lambda t, d: t.prod(d))
    both("amax", torch.amax, lambda t, d: t.amax(d))
    both("amin", torch.amin, lambda t, d: t.amin(d))
    both("argmax", torch.argmax, lambda t, d: t.argmax(d))
    both("argmin", torch.argmin, lambda t, d: t.argmin(d))
    both("max.values", torch.max, lambda t, d: t.max(d).values)
    both("max.indices", None, lambda t, d: t.max(d).indices)
    both("min.values", torch.min, lambda t, d: t.min(d).values)
    both("min.indices", None, lambda t, d: t.min(d).indices)
    both("var", torch.var, lambda t, d: t.var(d))
    both("var0", lambda t: t.var(unbiased=False), lambda t, d: t.var(d, unbiased=False))
    both("std", torch.std, lambda t, d: t.std(d))
    both("std0", lambda t: t.std(unbiased=False), lambda t, d: t.std(d, unbiased=False))
    for p, tag in [(2, "2"), (1, "1"), (INF, "inf"), (-INF, "ninf"), (0, "0"), (3, "3"), (0.5, "0.5")]:
        both(f"norm{tag}", lambda t: t.norm(p=p), lambda t, d: t.norm(p=p, dim=d))
    both("logsumexp", None, lambda t, d: torch.logsumexp(t, d))
    both("all", torch.all, lambda t, d: t.all(d))
    both("any", torch.any, lambda t, d: t.any(d))
    if small:
        both("cumsum", None, lambda t, d: t.cumsum(d))
    if small and x.dtype == torch.float32:
        both("cumprod", None, lambda t, d: t.cumprod(d))


# float32 [3, 4, 5]: halves in [-1.5, 1.5] (many ties), plus nan, +-inf and -0.0 in some rows only.
e = (torch.randint(-3, 4, (3, 4, 5), generator=g).to(torch.float32) / 2)
e[0, 1, 2] = NAN
e[0, 1, 4] = NAN  # two nans in one row: the first one's position is returned
e[1, 0, 3] = INF
e[1, 3, 1] = -INF
e[1, 3, 4] = INF
e[2, 2, :] = -INF  # an all -inf row (logsumexp -inf)
e[2, 3, 0] = -0.0
e[2, 0, :] = 0.0  # an all-zero row (all false, norm 0)
w.add("f32", e)
float_ops("f32", e, [0, 1, 2])

x = torch.round(torch.randn(3, 4, 5, generator=g, dtype=torch.float64) * 1000) / 1000
x[2, 1, 3] = 0.0
w.add("f64", x)
float_ops("f64", x, [0, 1, 2])

# [7, 300] from the formula: packet paths, blocked accumulation, scalar tails (300 = 18 * 16 + 12).
for tag, dt in [("big32", torch.float32), ("big64", torch.float64)]:
    float_ops(tag, formula((7, 300), dt), [0, 1], small=False)

# Expressions: a * b, a transposed view, a row-broadcast product.
y = torch.randn(3, 4, 5, generator=g, dtype=torch.float32)
w.add("y32", y)
a = torch.nan_to_num(e, nan=0.5, posinf=2.0, neginf=-2.0)
w.add("a32", a)
for d in [None, 0, 1, 2]:
    sfx = "all" if d is None else f"d{d}"
    w.add(f"mul.sum.{sfx}", (a * y).sum() if d is None else (a * y).sum(d))
    t = y.transpose(0, 2)  # [5, 4, 3]
    w.add(f"t02.sum.{sfx}", t.sum() if d is None else t.sum(d))
    w.add(f"t02.argmax.{sfx}", t.argmax() if d is None else t.argmax(d))
    w.add(f"t02.var.{sfx}", t.var() if d is None else t.var(d))
    w.add(f"t02.cumsum.{sfx}", t.cumsum(0) if d is None else t.cumsum(d))
    w.add(f"t02.max.indices.{sfx}", t.max(0).indices if d is None else t.max(d).indices)
    w.add(f"mul.logsumexp.{sfx}", torch.logsumexp(a * y, 0 if d is None else d))
big = formula((7, 300), torch.float32)
wv = formula((300,), torch.float32, mul=104729, add=7)
w.add("bigrow.sum.d1", (big * wv).sum(1))
w.add("bigrow.sum.d0", (big * wv).sum(0))
w.add("bigrow.sum.all", (big * wv).sum())
w.add("bigrow.norm2.d1", (big * wv).norm(dim=1))
w.add("bigT.sum.d1", big.t().sum(1))
w.add("bigT.amax.all", big.t().amax())
w.add("bigT.std.all", big.t().std())

# int32 and bool: dtype rules (int64 sums and products, float32 logsumexp, bool all/any).
i = torch.randint(-3, 4, (3, 4, 5), generator=g, dtype=torch.int32)
i[1, 2, :] = torch.tensor([2, -3, 2, -3, 1], dtype=torch.int32)  # ties
w.add("i32", i)
b = torch.rand(3, 4, 5, generator=g) < 0.6
b[0, 0, :] = True
b[2, 3, :] = False
w.add("b8", b)
for name, t in [("i32", i), ("b8", b)]:
    for d in [None, 0, 1, 2]:
        sfx = "all" if d is None else f"d{d}"
        for op in ["sum", "prod", "amax", "amin", "all", "any"]:
            f = getattr(torch, op)
            w.add(f"{name}.{op}.{sfx}", f(t) if d is None else f(t, d))
        if d is not None:
            w.add(f"{name}.cumsum.{sfx}", t.cumsum(d))
            w.add(f"{name}.cumprod.{sfx}", t.cumprod(d))
            w.add(f"{name}.logsumexp.{sfx}", torch.logsumexp(t, d))
            w.add(f"{name}.max.values.{sfx}", t.max(d).values)
            w.add(f"{name}.max.indices.{sfx}", t.max(d).indices)
        if name == "i32":
            w.add(f"{name}.argmax.{sfx}", t.argmax() if d is None else t.argmax(d))
            w.add(f"{name}.argmin.{sfx}", t.argmin() if d is None else t.argmin(d))

w.save()
