"""Golden values for nn: Linear's seeded init, cross_entropy (weight, ignore_index, label smoothing) with
its gradient, log_softmax, and SGD / Adam trajectories over several steps.

Run: /usr/bin/python3 tests/golden/gen_nn.py
"""
import torch
import torch.nn.functional as F

from common import Writer

w = Writer("nn.txt", "nn: init, losses and optimizers")

# Linear(5, 3) after manual_seed(0): weight then bias.
torch.manual_seed(0)
lin = torch.nn.Linear(5, 3)
w.add("linear_init_weight", lin.weight.detach())
w.add("linear_init_bias", lin.bias.detach())

g = torch.Generator().manual_seed(1)
x = torch.randn(6, 4, generator=g, dtype=torch.float64)
t = torch.tensor([0, 3, 1, 1, 2, 3])
w.add("ce_x", x)
w.add("ce_t", t)
for name, kw in [("plain", {}), ("weight", {"weight": torch.tensor([1.0, 2.0, 0.5, 1.5], dtype=torch.float64)}),
                 ("ignore", {"ignore_index": 1}), ("smooth", {"label_smoothing": 0.2}),
                 ("all", {"weight": torch.tensor([1.0, 2.0, 0.5, 1.5], dtype=torch.float64), "ignore_index": 3,
                          "label_smoothing": 0.1})]:
    for red in ["mean", "sum"]:
        xx = x.clone().requires_grad_(True)
        loss = F.cross_entropy(xx, t, reduction=red, **kw)
        loss.backward()
        w.add(f"ce_{name}_{red}", loss.detach())
        w.add(f"ce_{name}_{red}_grad", xx.grad)
xx = x.clone().requires_grad_(True)
loss = F.cross_entropy(xx, t, reduction="none")
loss.backward(torch.arange(6, dtype=torch.float64))
w.add("ce_none", loss.detach())
w.add("ce_none_grad", xx.grad)
xx = x.clone().requires_grad_(True)
ls = F.log_softmax(xx, dim=1)
ls.backward(torch.ones_like(ls) * torch.arange(4, dtype=torch.float64))
w.add("log_softmax", ls.detach())
w.add("log_softmax_grad", xx.grad)
xx = x.clone().requires_grad_(True)
loss = F.nll_loss(xx, t)
loss.backward()
w.add("nll", loss.detach())
w.add("nll_grad", xx.grad)

# Optimizers: minimise sum((p - target)^2 * coef) for 5 steps from the same start.
p0 = torch.randn(3, 4, generator=g, dtype=torch.float64)
target = torch.randn(3, 4, generator=g, dtype=torch.float64)
coef = torch.rand(3, 4, generator=g, dtype=torch.float64) + 0.5
w.add("opt_p0", p0)
w.add("opt_target", target)
w.add("opt_coef", coef)
configs = {
    "sgd_plain": (torch.optim.SGD, dict(lr=0.1)),
    "sgd_momentum": (torch.optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    "sgd_nesterov": (torch.optim.SGD, dict(lr=0.05, momentum=0.8, nesterov=True)),
    "adam": (torch.optim.Adam, dict(lr=0.05)),
    "adam_wd_amsgrad": (torch.optim.Adam, dict(lr=0.05, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True)),
}
for name, (cls, kw) in configs.items():
    p = p0.clone().requires_grad_(True)
    opt = cls([p], **kw)
    for _ in range(5):
        opt.zero_grad()
        (((p - target) ** 2) * coef).sum().backward()
        opt.step()
    w.add(f"opt_{name}", p.detach())

# A stack of every nn layer, forward and backward in double: Conv2d(2, 3, 3, padding=1), ReLU, AvgPool2d(2),
# Conv2d(3, 4, 2, stride=2, groups=1), MaxPool2d(1), Flatten, Linear(4, 5), Tanh, Linear(5, 4), Sigmoid,
# Linear(4, 3), ReLU, Linear(3, 2, bias=False). Parameters from the generator (saved), input x [3, 2, 6, 6],
# loss = sum(y * r).
layers = torch.nn.Sequential(
    torch.nn.Conv2d(2, 3, 3, padding=1), torch.nn.ReLU(), torch.nn.AvgPool2d(2),
    torch.nn.Conv2d(3, 4, 2, stride=2), torch.nn.MaxPool2d(1), torch.nn.Flatten(),
    torch.nn.Linear(4, 5), torch.nn.Tanh(), torch.nn.Linear(5, 4), torch.nn.Sigmoid(),
    torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2, bias=False)).double()
with torch.no_grad():
    for name, prm in layers.named_parameters():
        prm.copy_(torch.randn(prm.shape, generator=g, dtype=torch.float64) * 0.7)
        w.add("stack_p_" + name, prm.detach())
x = torch.randn(3, 2, 6, 6, generator=g, dtype=torch.float64).requires_grad_(True)
r = torch.randn(3, 2, generator=g, dtype=torch.float64)
w.add("stack_x", x.detach())
w.add("stack_r", r)
y = layers(x)
(y * r).sum().backward()
w.add("stack_y", y.detach())
w.add("stack_gx", x.grad)
for name, prm in layers.named_parameters():
    w.add("stack_g_" + name, prm.grad)

w.save()
