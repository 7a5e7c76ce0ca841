"""Golden values for ctorch/ops/view: each view op's values, shape, storage offset and strides, what a
write through the view does to its base, and expressions over views.

The base is x = arange(24).reshape(2, 3, 4) (float32), y = arange(3).reshape(3, 1). For a case NAME:
NAME holds the view's values (its shape is the entry's shape), NAME.meta is [storage_offset, strides...]
(int64), NAME.write is the base after view.fill_(-1).
"""
import torch

from common import Writer

w = Writer("view.txt", __doc__)


def base():
    return torch.arange(24, dtype=torch.float32).reshape(2, 3, 4)


def ybase():
    return torch.arange(3, dtype=torch.float32).reshape(3, 1)


CASES = {
    "view.infer": lambda x: x.view(-1, 4),
    "view.static": lambda x: x.view(2, 12),
    "view.strided": lambda x: x.transpose(0, 1).view(3, 2, 2, 2),
    "view.flat": lambda x: x.view(24),
    "reshape.infer": lambda x: x.reshape(4, -1),
    "flatten.all": lambda x: x.flatten(),
    "flatten.1": lambda x: x.flatten(1),
    "flatten.01": lambda x: x.flatten(0, 1),
    "squeeze.dim": lambda x: x.view(2, 1, 3, 4).squeeze(1),
    "squeeze.all": lambda x: x.view(1, 2, 1, 3, 4).squeeze(),
    "unsqueeze.0": lambda x: x.unsqueeze(0),
    "unsqueeze.neg": lambda x: x.unsqueeze(-1),
    "unsqueeze.t": lambda x: x.transpose(0, 2).unsqueeze(1),
    "permute.201": lambda x: x.permute(2, 0, 1),
    "permute.neg": lambda x: x.permute(-1, 0, 1),
    "movedim.0to-1": lambda x: x.movedim(0, -1),
    "movedim.2to0": lambda x: x.movedim(2, 0),
    "movedim.1to2": lambda x: x.movedim(1, 2),
    "expand.new": lambda x: x.expand(5, 2, 3, 4),
    "expand.keep": lambda x: x.narrow(2, 1, 1).expand(-1, -1, 4),
    "narrow.1": lambda x: x.narrow(1, 1, 2),
    "narrow.neg": lambda x: x.narrow(2, -3, 2),
    "select.0": lambda x: x.select(0, 1),
    "select.neg": lambda x: x.select(1, -1),
    "select.2": lambda x: x.select(2, 0),
    "diagonal.main": lambda x: x.diagonal(),
    "diagonal.up": lambda x: x.diagonal(1, 1, 2),
    "diagonal.down": lambda x: x.diagonal(-1, 1, 2),
    "diagonal.mixed": lambda x: x.diagonal(2, -1, 0),
    "diagonal.empty": lambda x: x.diagonal(5, 1, 2),
    "unfold.2": lambda x: x.unfold(2, 2, 1),
    "unfold.step": lambda x: x.unfold(1, 2, 2),
    "unfold.0": lambda x: x.unfold(0, 2, 1),
    "chain": lambda x: x.permute(2, 0, 1).narrow(0, 1, 2).select(2, -1).unsqueeze(0),
}

for name, f in CASES.items():
    x = base()
    v = f(x)
    w.add(name, v)
    w.add(name + ".meta", torch.tensor([v.storage_offset()] + list(v.stride()), dtype=torch.int64))
    v.fill_(-1)
    w.add(name + ".write", x)

# Expressions over views (fused in ctorch: views are expression leaves).
x, y = base(), ybase()
w.add("expr.perm_expand", x.permute(2, 0, 1) * 0.5 + y.squeeze(1).expand(4, 2, 3))
w.add("expr.diag_select", x.diagonal(0, 1, 2) * x.select(2, 0) - 1)
w.add("expr.expand_as", torch.tanh(x / 10) - y.expand_as(x))
w.add("expr.unfold_sum", x.unfold(2, 2, 1).sum(-1))
w.save()
