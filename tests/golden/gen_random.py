"""Golden values for ctorch/ops/random and core/generator.hpp: for a fixed seed, the exact values PyTorch 1.13's
CPU samplers give (ctorch claims these bit for bit; float randn of 16+ elements runs PyTorch's AVX2 kernel, which
ctorch copies lane by lane). state.* entries are FNV-1a hashes (low 32 bits) of
Generator.get_state() bytes.

Each entry is drawn from a fresh torch.Generator().manual_seed(seed); the C++ test
(tests/ops/random/test_random.cpp) repeats each call with the same seed and arguments.
"""
import torch

from common import Writer

w = Writer("random.txt", __doc__)
f32, f64, i64, i32 = torch.float32, torch.float64, torch.int64, torch.int32


def gen(seed):
    return torch.Generator().manual_seed(seed)


def fnv(state):
    x = 0xCBF29CE484222325
    for c in bytes(state.tolist()):
        x = ((x ^ c) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return x & 0xFFFFFFFF


g = gen(42)
w.add("state.seed42", torch.tensor([fnv(g.get_state())], dtype=i64))
torch.randn(3, generator=g, dtype=f64)  # leaves a cached normal sample in the state
w.add("state.after_randn3", torch.tensor([fnv(g.get_state())], dtype=i64))
w.add("state.default", torch.tensor([fnv(torch.Generator().get_state())], dtype=i64))

w.add("rand.f32", torch.rand(2, 3, generator=gen(42)))
w.add("rand.f64", torch.rand(5, generator=gen(7), dtype=f64))
w.add("uniform.f32", torch.empty(6).uniform_(-1.3, 2.7, generator=gen(3)))
w.add("uniform.f64", torch.empty(6, dtype=f64).uniform_(-1.3, 2.7, generator=gen(3)))
w.add("uniform.t", torch.empty(3, 4).t().uniform_(generator=gen(5)).t())  # base memory: drawn in memory order
w.add("randint.i64", torch.randint(-5, 10, (3, 4), generator=gen(42)))
w.add("randint.big", torch.randint(0, 2 ** 40, (4,), generator=gen(1)))
w.add("randint.i32", torch.randint(7, (5,), generator=gen(2), dtype=i32))
w.add("randint.f32", torch.randint(-3, 3, (5,), generator=gen(2), dtype=f32))
w.add("random.i64", torch.empty(4, dtype=i64).random_(generator=gen(11)))
w.add("random.i32", torch.empty(4, dtype=i32).random_(generator=gen(11)))
w.add("random.f32", torch.empty(4).random_(generator=gen(11)))
w.add("random.f64", torch.empty(4, dtype=f64).random_(generator=gen(11)))
w.add("random.to", torch.empty(5, dtype=i64).random_(100, generator=gen(12)))
for n in (0, 1, 2, 10, 100):
    w.add(f"randperm.{n}", torch.randperm(n, generator=gen(42)))
w.add("bernoulli.scalar", torch.bernoulli(torch.empty(10), 0.3, generator=gen(42)))
w.add("bernoulli_.i64", torch.empty(12, dtype=i64).bernoulli_(0.4, generator=gen(8)))
P = torch.tensor([0.0, 0.1, 0.5, 0.9, 1.0, 0.25, 0.75, 0.33, 0.66, 0.5])
w.add("bernoulli.p_f32", torch.bernoulli(P, generator=gen(42)))
w.add("bernoulli.p_f64", torch.bernoulli(P.double(), generator=gen(42)))
w.add("randn.f32.5", torch.randn(5, generator=gen(42)))
w.add("randn.f64.5", torch.randn(5, generator=gen(42), dtype=f64))
w.add("randn.f64.37", torch.randn(37, generator=gen(42), dtype=f64))
w.add("randn.f32.37", torch.randn(37, generator=gen(42)))  # the AVX2 kernel and its tail
w.add("normal_.f32.48", torch.empty(48).normal_(-3.5, 0.7, generator=gen(9)))
w.add("normal_.f64.20", torch.empty(20, dtype=f64).normal_(1.3, 2.7, generator=gen(9)))
w.add("normal_.f64.7", torch.empty(7, dtype=f64).normal_(1.3, 2.7, generator=gen(9)))
w.add("normal_.f32.7", torch.empty(7).normal_(-0.7, 0.3, generator=gen(9)))
M = torch.tensor([0.0, 1.0, -2.0, 10.0])
S = torch.tensor([1.0, 0.5, 2.0, 0.0])
w.add("normal.tt", torch.normal(M, S, generator=gen(13)))
w.add("normal.ts", torch.normal(M.double(), 0.5, generator=gen(13)))
w.add("normal.st", torch.normal(2.0, S.double(), generator=gen(13)))
w.add("normal.size", torch.normal(2.0, 3.0, (2, 3), generator=gen(13)))
g = gen(21)
w.add("randn.seq", torch.cat([torch.randn(3, generator=g, dtype=f64), torch.randn(1, generator=g, dtype=f64),
                              torch.randn(2, generator=g, dtype=f64)]))
w.add("exponential.f64", torch.empty(6, dtype=f64).exponential_(1.5, generator=gen(42)))
w.add("exponential.f32", torch.empty(6).exponential_(0.5, generator=gen(42)))
w.add("cauchy.f64", torch.empty(6, dtype=f64).cauchy_(0.5, 2.0, generator=gen(42)))
w.add("cauchy.f32", torch.empty(6).cauchy_(generator=gen(42)))
w.add("log_normal.f64", torch.empty(5, dtype=f64).log_normal_(1.0, 0.5, generator=gen(42)))
w.add("log_normal.f32", torch.empty(5).log_normal_(generator=gen(42)))
w.add("geometric.f64", torch.empty(8, dtype=f64).geometric_(0.3, generator=gen(42)))
w.add("geometric.i64", torch.empty(8, dtype=i64).geometric_(0.05, generator=gen(42)))
Q = torch.tensor([[0.1, 0.2, 0.3, 0.4], [1.0, 0.0, 3.0, 2.0]])
w.add("multinomial.repl", torch.multinomial(Q, 6, True, generator=gen(42)))
w.add("multinomial.repl_f64", torch.multinomial(Q.double(), 6, True, generator=gen(4)))
w.add("multinomial.norepl", torch.multinomial(Q, 3, False, generator=gen(42)))
w.add("multinomial.one", torch.multinomial(Q[0], 1, True, generator=gen(5)))
w.add("multinomial.1d", torch.multinomial(torch.tensor([5.0, 1.0, 0.5, 3.0, 2.0, 0.0, 1.0]), 4, generator=gen(6)))
w.save()
