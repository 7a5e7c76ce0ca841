"""Golden gradient penalties through small conv nets (torch.autograd.grad with create_graph=True) for
tests/autograd/test_create_graph_nn.cpp. Every tensor is float64.

cnn: x [3, 2, 6, 6], conv2d(w [4, 2, 3, 3], b [4], padding 1), relu, max_pool2d(2), flatten [3, 36],
  linear(W [5, 36], c [5]), CE = cross_entropy(targets t, label_smoothing 0.1). gx = dCE/dx (create_graph),
  L = CE + sum(gx * gx) (a WGAN-GP-style penalty); `cnn.penalty` = sum(gx * gx), `cnn.gx`, and dL/d(w, b, W, c).
avg: x [2, 1, 8, 8], conv2d(w [3, 1, 3, 3], b [3], stride 2, padding 1), tanh, avg_pool2d(2), flatten [2, 12],
  linear(W [4, 12], c [4]), log_softmax, nll_loss(targets t, class weights cw). The same penalty and gradients.
"""
import torch
import torch.nn.functional as F

from common import Writer

w = Writer("create_graph_nn.txt", __doc__)
f64 = torch.float64
gen = torch.Generator().manual_seed(0)


def rnd(*shape):
    return torch.randn(*shape, generator=gen, dtype=f64)


def case(name, inputs, t, loss_of):
    for n, v in inputs.items():
        w.add(name + "." + n, v)
    w.add(name + ".t", t)
    vs = {n: v.clone().requires_grad_(True) for n, v in inputs.items()}
    ce = loss_of(vs)
    (gx,) = torch.autograd.grad(ce, (vs["x"],), create_graph=True)
    penalty = (gx * gx).sum()
    L = ce + penalty
    names = [n for n in inputs if n != "x"]
    grads = torch.autograd.grad(L, [vs[n] for n in names])
    w.add(name + ".loss", L)
    w.add(name + ".penalty", penalty)
    w.add(name + ".gx", gx)
    for n, g in zip(names, grads):
        w.add(name + ".d" + n, g)


t = torch.tensor([1, 4, 0], dtype=torch.int64)
case(
    "cnn",
    {"x": rnd(3, 2, 6, 6), "w": rnd(4, 2, 3, 3) * 0.5, "b": rnd(4) * 0.5, "W": rnd(5, 36) * 0.3, "c": rnd(5)},
    t,
    lambda v: F.cross_entropy(
        F.linear(F.max_pool2d(F.relu(F.conv2d(v["x"], v["w"], v["b"], padding=1)), 2).reshape(3, 36), v["W"], v["c"]),
        t,
        label_smoothing=0.1,
    ),
)

t2 = torch.tensor([2, 0], dtype=torch.int64)
cw = torch.tensor([1.0, 2.0, 0.5, 1.5], dtype=f64)
w.add("avg.cw", cw)
case(
    "avg",
    {"x": rnd(2, 1, 8, 8), "w": rnd(3, 1, 3, 3) * 0.5, "b": rnd(3) * 0.5, "W": rnd(4, 12) * 0.5, "c": rnd(4)},
    t2,
    lambda v: F.nll_loss(
        F.log_softmax(
            F.linear(
                F.avg_pool2d(torch.tanh(F.conv2d(v["x"], v["w"], v["b"], stride=2, padding=1)), 2).reshape(2, 12),
                v["W"],
                v["c"],
            ),
            dim=-1,
        ),
        t2,
        weight=cw,
    ),
)

w.save()
