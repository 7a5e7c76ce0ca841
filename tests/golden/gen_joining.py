"""Golden values for ctorch/ops/joining: cat, stack, index_select, gather, scatter, scatter_add,
masked_fill, flip, tril and triu.

Inputs: a = arange(6).reshape(2, 3), b = arange(6, 15).reshape(3, 3), c = arange(100, 108).reshape(2, 4)
(float32), x = arange(24).reshape(2, 3, 4) (float32). Index tensors are int64 and written here too.
"""
import torch

from common import Writer

w = Writer("joining.txt", __doc__)

f32 = torch.float32
a = torch.arange(6, dtype=f32).reshape(2, 3)
b = torch.arange(6, 15, dtype=f32).reshape(3, 3)
c = torch.arange(100, 108, dtype=f32).reshape(2, 4)
x = torch.arange(24, dtype=f32).reshape(2, 3, 4)
e = torch.zeros(2, 0)

w.add("cat.0", torch.cat([a, b], 0))
w.add("cat.1", torch.cat([a, c], 1))
w.add("cat.neg", torch.cat([a, c, a], -1))
w.add("cat.empty", torch.cat([a, e, a], 1))
w.add("cat.one", torch.cat([a], 0))
w.add("cat.int", torch.cat([a.to(torch.int32), a.to(torch.int32) * 2], 0))
w.add("cat.promote", torch.cat([a.to(torch.int32), a.to(torch.float64) + 0.5], 0))

w.add("stack.0", torch.stack([a, a + 10], 0))
w.add("stack.1", torch.stack([a, a + 10, a + 20], 1))
w.add("stack.neg", torch.stack([a, a + 10], -1))
w.add("stack.3d", torch.stack([x, -x], 2))

idx = torch.tensor([2, 0, 2, 1])
w.add("idx", idx)
w.add("index_select.0", torch.index_select(b, 0, idx))
w.add("index_select.1", torch.index_select(x, 1, idx))
w.add("index_select.neg", torch.index_select(x, -1, torch.tensor([3, 0])))
w.add("index_select.empty", torch.index_select(x, 2, torch.tensor([], dtype=torch.int64)))
w.add("index_select.1d", torch.index_select(torch.arange(5, dtype=f32), 0, idx))

gi = torch.tensor([[[0, 2, 1, 0], [1, 1, 0, 2]], [[2, 2, 2, 2], [0, 1, 2, 0]]])  # [2, 2, 4]
w.add("gi", gi)
w.add("gather.1", torch.gather(x, 1, gi))
gi0 = torch.tensor([[[1, 0], [0, 1]]])  # [1, 2, 2]
w.add("gi0", gi0)
w.add("gather.0", torch.gather(x, 0, gi0))
gi2 = torch.tensor([[[3, 3, 0, 1, 2]], [[0, 0, 0, 0, 0]]])  # [2, 1, 5]
w.add("gi2", gi2)
w.add("gather.neg", torch.gather(x, -1, gi2))

si = torch.tensor([[0, 1, 2], [2, 0, 1]])  # permutations per column, no repeats in dim 0
w.add("si", si)
src = torch.arange(1, 7, dtype=f32).reshape(2, 3) * 10
w.add("scatter.0", torch.zeros(3, 3).scatter(0, si, src))
w.add("scatter.1", b.scatter(1, si, src))
w.add("scatter.value", b.scatter(0, si[:1], -1.0))
ai = torch.tensor([[0, 0, 2], [0, 1, 2], [1, 1, 1]])
w.add("ai", ai)
srca = torch.arange(1, 10, dtype=f32).reshape(3, 3)
w.add("scatter_add.0", b.scatter_add(0, ai, srca))
w.add("scatter_add.neg", b.scatter_add(-1, ai, srca))
w.add("scatter_add.small", torch.zeros(4, 3).scatter_add(0, torch.tensor([[3, 0], [3, 3]]), srca))

m = torch.tensor([[True, False, True, False]] * 3)
w.add("mask", m)
w.add("masked_fill.bcast", x.masked_fill(m, -5.0))
mr = torch.tensor([False, True, True, False])
w.add("masked_fill.row", x.masked_fill(mr, 7.5))
w.add("masked_fill.int", x.to(torch.int32).masked_fill(mr, 2.7))

w.add("flip.0", torch.flip(x, [0]))
w.add("flip.neg", torch.flip(x, [-1]))
w.add("flip.02", torch.flip(x, [0, 2]))
w.add("flip.all", torch.flip(x, [2, 1, 0]))
w.add("flip.t", torch.flip(x.transpose(0, 2), [1]))

w.add("tril.0", torch.tril(b))
w.add("tril.1", torch.tril(x, 1))
w.add("tril.m1", torch.tril(c, -1))
w.add("triu.0", torch.triu(b))
w.add("triu.2", torch.triu(x, 2))
w.add("triu.m1", torch.triu(c, -1))

w.save()

# Error cases: checked here so that the C++ tests expect what PyTorch does.
for bad in [
    lambda: torch.cat([a, c], 0),
    lambda: torch.stack([a, b], 0),
    lambda: torch.index_select(b, 0, torch.tensor([3])),
    lambda: torch.index_select(b, 0, torch.tensor([-1])),
    lambda: torch.gather(x, 1, torch.tensor([[[3]]])),
    lambda: torch.gather(x, 1, torch.tensor([[[-1]]])),
    lambda: torch.gather(x, 0, torch.zeros(1, 4, 1, dtype=torch.int64)),
    lambda: torch.zeros(3, 3).scatter_add(0, torch.tensor([[3]]), srca),
    lambda: torch.zeros(3, 3).scatter(1, torch.zeros(4, 1, dtype=torch.int64), srca),
]:
    try:
        bad()
    except (RuntimeError, IndexError):
        pass
    else:
        raise SystemExit("expected an error")
print("error cases raise as expected")
