"""Golden values for the second batch of ctorch/ops/joining (split, chunk, unbind, roll, rot90, repeat,
tile, take, put, index_add, index_copy, index_fill, masked_scatter, masked_select, nonzero, diag,
diag_embed, unflatten, as_strided) and for ctorch/ops/sorting (sort, argsort, topk, kthvalue, median,
nanmedian, mode, unique, isclose, allclose, cross, histc, renorm, dist).

Inputs (float32 unless said): x = arange(24).reshape(2, 3, 4), a = arange(6).reshape(2, 3),
s = [[3, -1, 7, 0, 2.5, -1], [4, 4, -2, 9, 1, nan]] (ties and a NaN), d = a 3 x 5 matrix of distinct
values (written here), m = an int64 matrix with repeated values (written here).
"""
import math

import torch

from common import Writer

w = Writer("joining_sorting.txt", __doc__)

f32 = torch.float32
nan = math.nan
x = torch.arange(24, dtype=f32).reshape(2, 3, 4)
a = torch.arange(6, dtype=f32).reshape(2, 3)


def add_all(prefix, ts):
    for i, t in enumerate(ts):
        w.add(prefix + "." + str(i), t)


# split, chunk, unbind
add_all("split.d1", torch.split(x, 2, 1))
add_all("split.last", torch.split(x, 2, -1))
add_all("split.sizes", torch.split(x, [1, 0, 3], -1))
add_all("chunk.last3", torch.chunk(x, 3, -1))
add_all("chunk.d1_2", torch.chunk(x, 2, 1))
add_all("unbind.d1", torch.unbind(x, 1))

# roll, rot90
w.add("roll.d2", torch.roll(x, 1, 2))
w.add("roll.two", torch.roll(x, (-1, 5), (0, 2)))
w.add("roll.flat", torch.roll(x, 7))
w.add("roll.same", torch.roll(x, (1, 2), (2, 2)))
w.add("roll.neg", torch.roll(x, -4, -2))
w.add("rot90.1", torch.rot90(a, 1, [0, 1]))
w.add("rot90.2", torch.rot90(a, 2, [0, 1]))
w.add("rot90.3", torch.rot90(a, 3, [0, 1]))
w.add("rot90.m1_12", torch.rot90(x, -1, [1, 2]))
w.add("rot90.1_20", torch.rot90(x, 1, [2, 0]))
w.add("rot90.5", torch.rot90(a, 5, [0, 1]))

# repeat, tile
w.add("repeat.212", a.repeat(2, 1, 2))
w.add("repeat.10", a.repeat(1, 0))
w.add("repeat.x", x.repeat(1, 2, 1))
w.add("tile.2", torch.tile(a, (2,)))
w.add("tile.2111", torch.tile(x, (2, 1, 1, 1)))

# take, put
ti = torch.tensor([[0, 23], [-1, 5]])
w.add("ti", ti)
w.add("take.x", torch.take(x, ti))
pi = torch.tensor([1, -1, 1, 3])
w.add("pi", pi)
psrc = torch.tensor([10.0, 20.0, 30.0, 40.0])
w.add("put.a", a.put(torch.tensor([1, -1, 3]), torch.tensor([10.0, 20.0, 30.0])))
w.add("put.acc", a.put(pi, psrc, accumulate=True))

# index_add, index_copy, index_fill
ii = torch.tensor([2, 0, 2])
w.add("ii", ii)
isrc = torch.arange(24, dtype=f32).reshape(2, 3, 4) * 10
w.add("index_add.1", x.index_add(1, ii, isrc))
w.add("index_add.alpha", x.index_add(1, ii, isrc, alpha=-2))
w.add("index_copy.2", x.index_copy(2, torch.tensor([3, 0]), -x[:, :, :2]))
w.add("index_fill.1", x.index_fill(1, torch.tensor([-1, 0]), -3.0))
w.add("index_fill.empty", x.index_fill(0, torch.tensor([], dtype=torch.int64), 1.0))

# masked_scatter, masked_select, nonzero
mask = (torch.arange(12).reshape(3, 4) % 3) == 1
w.add("mask", mask)
w.add("masked_scatter.x", x.masked_scatter(mask, torch.arange(100, 124, dtype=f32)))
w.add("masked_select.x", torch.masked_select(x, mask))
w.add("masked_select.bcast", torch.masked_select(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([[True, False, True], [False, False, True]])))
nzi = torch.tensor([[0.0, 1.5, 0.0], [2.0, 0.0, nan]])
w.add("nz.in", nzi)
w.add("nonzero.2d", torch.nonzero(nzi))
w.add("nonzero.x", torch.nonzero(x % 5 == 0))

# diag, diag_embed, unflatten, as_strided
v3 = torch.tensor([1.0, 2.0, 3.0])
w.add("diag.v0", torch.diag(v3))
w.add("diag.v1", torch.diag(v3, 1))
w.add("diag.vm2", torch.diag(v3, -2))
w.add("diag.m0", torch.diag(a))
w.add("diag.m1", torch.diag(a, 1))
w.add("diag.mm1", torch.diag(a, -1))
w.add("diag_embed.0", torch.diag_embed(a))
w.add("diag_embed.1_02", torch.diag_embed(a, 1, 0, 2))
w.add("diag_embed.m1_m10", torch.diag_embed(a, -1, -1, 0))
w.add("unflatten.2", x.unflatten(2, (2, 2)))
w.add("unflatten.infer", x.unflatten(1, (-1, 1)))
w.add("as_strided.a", torch.as_strided(a, (2, 2), (1, 2), 1))
w.add("as_strided.x", torch.as_strided(x, (3, 2), (8, 1), 4))

# sort, argsort, topk, kthvalue
s = torch.tensor([[3.0, -1.0, 7.0, 0.0, 2.5, -1.0], [4.0, 4.0, -2.0, 9.0, 1.0, nan]])
w.add("s", s)
r = torch.sort(s, dim=1, stable=True)
w.add("sort.v", r.values)
w.add("sort.i", r.indices)
r = torch.sort(s, dim=1, descending=True, stable=True)
w.add("sort.dv", r.values)
w.add("sort.di", r.indices)
r = torch.sort(x, dim=0, descending=True, stable=True)
w.add("sort.x0v", r.values)
w.add("sort.x0i", r.indices)
w.add("argsort.s", torch.argsort(s, -1, descending=True))
d = torch.tensor([[5.0, -2.0, 9.0, 0.5, 3.0], [1.0, 8.0, -7.0, 2.0, 6.0], [4.0, -1.0, 7.0, -3.0, 10.0]])
w.add("d", d)
r = torch.topk(d, 2, 1)
w.add("topk.v", r.values)
w.add("topk.i", r.indices)
r = torch.topk(d, 3, 0, largest=False)
w.add("topk.sv", r.values)
w.add("topk.si", r.indices)
r = torch.topk(s, 2, 1)
w.add("topk.nanv", r.values)
w.add("topk.nani", r.indices)
r = torch.kthvalue(d, 2, 1)
w.add("kth.v", r.values)
w.add("kth.i", r.indices)
r = torch.kthvalue(d, 3, 0, keepdim=True)
w.add("kth.kv", r.values)
w.add("kth.ki", r.indices)

# median, nanmedian, mode, unique
w.add("median.d", torch.median(d))
w.add("median.s", torch.median(s))
r = torch.median(d, 1)
w.add("median.dv", r.values)
w.add("median.di", r.indices)
r = torch.median(d, 0, keepdim=True)
w.add("median.d0v", r.values)
w.add("median.d0i", r.indices)
r = torch.median(s, 1)
w.add("median.sv", r.values)
w.add("median.si", r.indices)
w.add("nanmedian.s", torch.nanmedian(s))
r = torch.nanmedian(s, 1)
w.add("nanmedian.sv", r.values)
w.add("nanmedian.si", r.indices)
m = torch.tensor([[1, 3, 3, 2, 2, 1, 5, 3], [2, 2, 0, 0, 1, 1, 1, 0], [7, 6, 5, 4, 3, 2, 1, 0]])
w.add("m", m)
r = torch.mode(m, 1)
w.add("mode.v", r.values)
w.add("mode.i", r.indices)
r = torch.mode(m.to(f32), 0)
w.add("mode.0v", r.values)
w.add("mode.0i", r.indices)
u, inv, cnt = torch.unique(m, sorted=True, return_inverse=True, return_counts=True)
w.add("unique.v", u)
w.add("unique.inv", inv)
w.add("unique.cnt", cnt)
w.add("unique.s", torch.unique(s[0]))

# isclose, allclose
p = torch.tensor([1.0, 1.0, math.inf, -math.inf, nan, 1e-9, 100.0, 1.0])
q = torch.tensor([1.0 + 1e-6, 1.1, math.inf, math.inf, nan, 0.0, 100.001, math.inf])
w.add("p", p)
w.add("q", q)
w.add("isclose.pq", torch.isclose(p, q))
w.add("isclose.nan", torch.isclose(p, q, equal_nan=True))
w.add("isclose.tol", torch.isclose(p, q, rtol=0.2, atol=0.0))
w.add("allclose", torch.tensor([torch.allclose(p[:2], q[:2]), torch.allclose(p[:1], q[:1]),
                                torch.allclose(p[4:5], q[4:5], equal_nan=True), torch.allclose(p, q)]))

# cross, histc, renorm, dist
c1 = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0], [0.0, 0.0, 1.0], [4.0, -3.0, 2.0]])
c2 = torch.tensor([[4.0, 5.0, 6.0], [3.0, -2.0, 1.0], [1.0, 0.0, 0.0], [0.5, 0.5, -1.0]])
w.add("c1", c1)
w.add("c2", c2)
w.add("cross.1", torch.cross(c1, c2, dim=1))
w.add("cross.0", torch.cross(c1.t(), c2.t(), dim=0))
h = torch.tensor([1.0, 2.0, 1.0, 4.0, 0.5, -3.0, 10.0, 3.999, 2.0])
w.add("h", h)
w.add("histc.4", torch.histc(h, bins=4, min=0, max=4))
w.add("histc.auto", torch.histc(h, bins=5))
w.add("histc.one", torch.histc(torch.tensor([2.0, 2.0]), bins=3))
w.add("renorm.0", torch.renorm(x, 2, 0, 20))
w.add("renorm.2", torch.renorm(x, 1, 2, 30))
w.add("dist", torch.tensor([torch.dist(c1, c2).item(), torch.dist(c1, c2, 1).item(), torch.dist(c1, c2, math.inf).item(),
                            torch.dist(c1, c2, 0).item(), torch.dist(c1, c2, 3).item(), torch.dist(c1, c2[0]).item()]))

w.save()
