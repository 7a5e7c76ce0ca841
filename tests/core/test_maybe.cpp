// maybe<V> (core/maybe.hpp): std::optional's semantics for the members autograd and the optimizers use,
// with every constructed value destroyed exactly once.
#include <doctest/doctest.h>

#include <ctorch/core.hpp>
#include <ctorch/core/maybe.hpp>
#include <stdexcept>
#include <utility>

using namespace ctorch;

namespace {
struct Counted {
  static inline int live = 0;
  int v;
  explicit Counted(int x) : v(x) { ++live; }
  Counted(const Counted& o) : v(o.v) { ++live; }
  Counted(Counted&& o) noexcept : v(std::exchange(o.v, -1)) { ++live; }
  Counted& operator=(const Counted&) = default;
  Counted& operator=(Counted&&) noexcept = default;
  ~Counted() { --live; }
};
struct ThrowsOnCopy {
  ThrowsOnCopy() = default;
  ThrowsOnCopy(const ThrowsOnCopy&) { throw std::runtime_error("copy"); }
};
}  // namespace

TEST_CASE("maybe: empty, emplace, reset, and each value destroyed once") {
  {
    maybe<Counted> m;
    CHECK(!m.has_value());
    CHECK(!m);
    m.emplace(3);
    REQUIRE(m.has_value());
    CHECK(m->v == 3);
    CHECK(Counted::live == 1);
    m.emplace(4);  // replaces: the old value is destroyed first
    CHECK((*m).v == 4);
    CHECK(Counted::live == 1);
    m.reset();
    CHECK(!m);
    CHECK(Counted::live == 0);
    m.reset();  // resetting an empty one is a no-op
    m = Counted(7);
    CHECK(m->v == 7);
  }
  CHECK(Counted::live == 0);
}

TEST_CASE("maybe: copies and moves carry the value or the emptiness") {
  {
    maybe<Counted> a(std::in_place, 5), e;
    maybe<Counted> b(a);
    CHECK(b->v == 5);
    CHECK(a->v == 5);
    maybe<Counted> c(std::move(a));
    CHECK(c->v == 5);
    CHECK(a.has_value());  // as std::optional: a moved-from maybe still holds the moved-from value
    CHECK(a->v == -1);
    b = e;
    CHECK(!b);
    b = std::move(c);
    CHECK(b->v == 5);
    c = maybe<Counted>(Counted(9));
    CHECK(c->v == 9);
    c = static_cast<maybe<Counted>&>(c);  // self-assignment keeps the value
    CHECK(c->v == 9);
    CHECK(Counted::live == 3);
  }
  CHECK(Counted::live == 0);
}

TEST_CASE("maybe: a constructor that throws leaves it empty") {
  maybe<ThrowsOnCopy> m(std::in_place);
  const ThrowsOnCopy src;
  CHECK_THROWS_AS(m.emplace(src), std::runtime_error);
  CHECK(!m.has_value());
}

TEST_CASE("maybe: holds a tensor (an autograd node's .grad)") {
  maybe<Tensor<float, Shape<Dyn, 3>>> g;
  g.emplace(2);
  CHECK(g->numel() == 6);
  g->fill_(1.5f);
  auto h = std::move(g);
  CHECK(h->data()[5] == 1.5f);
  CHECK(g->data() == nullptr);  // the storage moved
}
