"""Golden values for ctorch/nn/functional (conv2d, max_pool2d, avg_pool2d, forward and backward) from PyTorch.

Each case writes its inputs, a random grad_out, the output and every gradient (torch autograd).
Run: /usr/bin/python3 tests/golden/gen_conv_pool.py
"""
import torch
import torch.nn.functional as F

import common
from common import Writer

# float32 values need only 9 significant digits to round-trip: keeps the fixture small.
_fmt = common.fmt
common.fmt = lambda v, dtype: ("%.9g" % float(v)) if dtype == torch.float32 and abs(float(v)) != float("inf") and float(v) == float(v) else _fmt(v, dtype)

torch.manual_seed(0)
w = Writer("conv_pool.txt", "conv2d / max_pool2d / avg_pool2d forward and backward (ctorch/nn/functional), "
           "torch.manual_seed(0).")


def r(*shape, dtype=torch.float32):
    # multiples of 1/64 in [-1, 1): exact in float32, short in the fixture
    return (torch.randint(-64, 64, shape, dtype=torch.int64).to(torch.float64) / 64).to(dtype)


# name, x shape, w shape, stride, padding, dilation, groups, bias, dtype
CONV = [
    ("c1", (1, 2, 7, 9), (3, 2, 3, 3), 1, 0, 1, 1, True, torch.float32),
    ("c2", (3, 2, 7, 6), (4, 2, 3, 3), 2, 1, 1, 1, True, torch.float32),
    ("c3", (1, 2, 9, 7), (3, 2, 5, 5), 1, 2, 1, 1, False, torch.float32),
    ("c4", (2, 2, 7, 6), (2, 2, 3, 3), 1, 1, 2, 1, True, torch.float32),
    ("c5", (3, 4, 5, 4), (6, 2, 3, 3), 1, 1, 1, 2, True, torch.float32),
    ("c6", (1, 4, 9, 8), (4, 2, 3, 2), 2, 2, 2, 2, True, torch.float32),
    ("c7", (2, 1, 4, 3), (2, 1, 3, 3), 1, 3, 1, 1, True, torch.float32),
    ("c8", (1, 2, 6, 5), (3, 2, 3, 2), 1, 1, 1, 1, True, torch.float64),
    ("c9", (1, 2, 4, 5), (13, 2, 3, 3), 1, 1, 1, 1, True, torch.float32),
]
for name, xs, ws, s, p, d, g, has_b, dt in CONV:
    x = r(*xs, dtype=dt).requires_grad_()
    wt = r(*ws, dtype=dt).requires_grad_()
    b = r(ws[0], dtype=dt).requires_grad_() if has_b else None
    y = F.conv2d(x, wt, b, stride=s, padding=p, dilation=d, groups=g)
    gy = r(*y.shape, dtype=dt)
    y.backward(gy)
    w.add(name + "_x", x)
    w.add(name + "_w", wt)
    if has_b:
        w.add(name + "_b", b)
        w.add(name + "_gb", b.grad)
    w.add(name + "_y", y)
    w.add(name + "_gy", gy)
    w.add(name + "_gx", x.grad)
    w.add(name + "_gw", wt.grad)

# name, kind, x shape, kernel, stride, padding, dilation, ceil_mode, count_include_pad, dtype
POOL = [
    ("p1", "max", (2, 2, 4, 6), 2, 2, 0, 1, False, True, torch.float32),
    ("p2", "max", (1, 2, 7, 9), 3, 2, 1, 1, False, True, torch.float32),
    ("p3", "max", (2, 1, 8, 7), 3, 1, 1, 2, False, True, torch.float32),
    ("p4", "max", (1, 1, 8, 8), 3, 2, 0, 1, True, True, torch.float64),
    ("p5", "avg", (2, 2, 4, 6), 2, 2, 0, 1, False, True, torch.float32),
    ("p6", "avg", (1, 2, 7, 9), 3, 2, 1, 1, False, True, torch.float32),
    ("p7", "avg", (1, 2, 7, 9), 3, 2, 1, 1, False, False, torch.float32),
    ("p8", "avg", (1, 1, 8, 8), 3, 2, 1, 1, True, True, torch.float64),
]
for name, kind, xs, k, s, p, d, ceil, cip, dt in POOL:
    x = r(*xs, dtype=dt).requires_grad_()
    if kind == "max":
        y, idx = F.max_pool2d(x, k, s, p, d, ceil_mode=ceil, return_indices=True)
    else:
        y = F.avg_pool2d(x, k, s, p, ceil_mode=ceil, count_include_pad=cip)
    gy = r(*y.shape, dtype=dt)
    y.backward(gy)
    w.add(name + "_x", x)
    w.add(name + "_y", y)
    if kind == "max":
        w.add(name + "_idx", idx)
    w.add(name + "_gy", gy)
    w.add(name + "_gx", x.grad)
w.save()
