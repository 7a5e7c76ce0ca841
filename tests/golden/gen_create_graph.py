"""Golden second derivatives (torch.autograd.grad with create_graph=True) for
tests/autograd/test_create_graph.cpp. Every tensor is float64.

penalty: a gradient penalty. h = tanh(x @ W + b), L = mean(h * h) + sum(sigmoid(h)),
  gx = dL/dx (create_graph), P = sum(gx * gx); `penalty.gx`, and dP/dW, dP/db, dP/dx.
hvp: a Hessian-vector product through reductions along dims. L = sum(mean(x @ W, dim=1) ** 2)
  + sum(sum(x * x * x, dim=0) * c), (gx, gW) = dL/d(x, W) (create_graph), S = sum(gx * vx) + sum(gW * vW);
  `hvp.dx`, `hvp.dW`, `hvp.dc` = dS/d(x, W, c).
"""
import torch

from common import Writer

w = Writer("create_graph.txt", __doc__)
f64 = torch.float64
gen = torch.Generator().manual_seed(0)


def rnd(*shape):
    return torch.randn(*shape, generator=gen, dtype=f64)


# penalty
x, W, b = rnd(5, 4), rnd(4, 3), rnd(3)
for n, t in (("x", x), ("W", W), ("b", b)):
    w.add("penalty." + n, t)
xs, Ws, bs = (t.clone().requires_grad_(True) for t in (x, W, b))
h = torch.tanh(xs @ Ws + bs)
L = (h * h).mean() + torch.sigmoid(h).sum()
(gx,) = torch.autograd.grad(L, (xs,), create_graph=True)
P = (gx * gx).sum()
dW, db, dx = torch.autograd.grad(P, (Ws, bs, xs))
w.add("penalty.gx", gx)
w.add("penalty.dW", dW)
w.add("penalty.db", db)
w.add("penalty.dx", dx)

# hvp
x, W, c, vx, vW = rnd(3, 4), rnd(4, 2), rnd(4), rnd(3, 4), rnd(4, 2)
for n, t in (("x", x), ("W", W), ("c", c), ("vx", vx), ("vW", vW)):
    w.add("hvp." + n, t)
xs, Ws, cs = (t.clone().requires_grad_(True) for t in (x, W, c))
L = ((xs @ Ws).mean(dim=1) ** 2).sum() + ((xs * xs * xs).sum(dim=0) * cs).sum()
gx, gW = torch.autograd.grad(L, (xs, Ws), create_graph=True)
S = (gx * vx).sum() + (gW * vW).sum()
dx, dW, dc = torch.autograd.grad(S, (xs, Ws, cs))
w.add("hvp.dx", dx)
w.add("hvp.dW", dW)
w.add("hvp.dc", dc)

w.save()
