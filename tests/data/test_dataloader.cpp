// Tests of ctorch/data/dataset.hpp and dataloader.hpp: TensorDataset, batch sizes and drop_last, every
// example once per epoch, reproducible shuffling, early exits, errors from get(i), and buffer reuse. Each
// loader test runs with the background thread (prefetch 1 and 2) and without it (prefetch 0).
#include <ctorch/data.hpp>
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <ranges>
#include <set>
#include <stdexcept>
#include <vector>

using namespace ctorch;
using data::DataLoader;
using data::LoaderOptions;
using data::TensorDataset;

namespace {

// n examples: x row i is [i, 10 i, 100 i] (Shape<Dyn, 3>), y[i] = i.
auto make_xy(index_t n) {
  Tensor<float, Shape<Dyn, 3>> x(n);
  Tensor<std::int64_t, Shape<Dyn>> y(n);
  for (index_t i = 0; i < n; ++i) {
    x(i, 0) = float(i);
    x(i, 1) = float(10 * i);
    x(i, 2) = float(100 * i);
    y(i) = i;
  }
  return TensorDataset(std::move(x), std::move(y));
}

// The labels of one epoch, batch by batch, checking that each x row matches its label.
template <class L>
std::vector<std::vector<std::int64_t>> epoch(L& loader) {
  std::vector<std::vector<std::int64_t>> out;
  for (auto& [x, y] : loader) {
    REQUIRE(x.size(0) == y.size(0));
    std::vector<std::int64_t> b;
    for (index_t j = 0; j < y.size(0); ++j) {
      CHECK(x(j, 0) == float(y(j)));
      CHECK(x(j, 2) == float(100 * y(j)));
      b.push_back(y(j));
    }
    out.push_back(b);
  }
  return out;
}

std::vector<std::size_t> sizes_of(const std::vector<std::vector<std::int64_t>>& e) {
  std::vector<std::size_t> s;
  for (const auto& b : e) s.push_back(b.size());
  return s;
}

std::vector<std::int64_t> flat(const std::vector<std::vector<std::int64_t>>& e) {
  std::vector<std::int64_t> f;
  for (const auto& b : e) f.insert(f.end(), b.begin(), b.end());
  return f;
}

// A dataset that is not tensor-backed: get(i) builds the example; it throws for index `bad`.
struct Computed {
  index_t n = 10;
  index_t bad = -1;
  mutable std::atomic<int> calls{0};
  index_t size() const { return n; }
  std::tuple<Tensor<float, Shape<2>>, int> get(index_t i) const {
    ++calls;
    if (i == bad) throw std::runtime_error("bad example " + std::to_string(i));
    Tensor<float, Shape<2>> t;
    t(0) = float(i);
    t(1) = -float(i);
    return {std::move(t), int(i)};
  }
};

}  // namespace

TEST_CASE("dataset: TensorDataset rows and checks") {
  auto ds = make_xy(5);
  static_assert(data::Dataset<decltype(ds)>);
  static_assert(data::TensorBackedDataset<decltype(ds)>);
  CHECK(ds.size() == 5);
  auto [x, y] = ds.get(3);
  static_assert(std::is_same_v<decltype(x), TensorView<const float, Shape<3>>>);
  static_assert(std::is_same_v<decltype(y), TensorView<const std::int64_t, Shape<>>>);
  CHECK(x(1) == 30.0f);
  CHECK(y.item() == 3);
  CHECK_THROWS_AS(ds.get(5), index_error);
  CHECK_THROWS_AS(ds.get(-1), index_error);
  CHECK(&ds.tensor<1>() == &std::get<1>(ds.tensors()));

  Tensor<float, Shape<Dyn, 2>> a(4);
  Tensor<float, Shape<3>> b;
  CHECK_THROWS_AS(TensorDataset(a, b), shape_error);
  CHECK_THROWS_WITH(TensorDataset(a, b), doctest::Contains("got shapes [4, 2], [3]"));

  using B = data::batch_t<decltype(ds)::example_type>;
  static_assert(std::is_same_v<B, std::tuple<Tensor<float, Shape<Dyn, 3>>, Tensor<std::int64_t, Shape<Dyn>>>>);
  static_assert(std::is_same_v<data::batch_t<std::pair<Tensor<int, Shape<2, 2>>, double>>,
                               std::tuple<Tensor<int, Shape<Dyn, 2, 2>>, Tensor<double, Shape<Dyn>>>>);
  static_assert(std::is_same_v<data::batch_t<long long>, Tensor<std::int64_t, Shape<Dyn>>>);
}

TEST_CASE("dataloader: 10 examples in batches of 4") {
  auto ds = make_xy(10);
  for (int prefetch : {0, 1, 2}) {
    CAPTURE(prefetch);
    DataLoader keep(ds, {.batch_size = 4, .prefetch = prefetch});
    CHECK(keep.size() == 3);
    const auto e = epoch(keep);
    CHECK(sizes_of(e) == std::vector<std::size_t>{4, 4, 2});
    CHECK(flat(e) == std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    CHECK(epoch(keep) == e);  // a second epoch, same order without shuffle

    DataLoader drop(ds, {.batch_size = 4, .drop_last = true, .prefetch = prefetch});
    CHECK(drop.size() == 2);
    CHECK(sizes_of(epoch(drop)) == std::vector<std::size_t>{4, 4});

    DataLoader big(ds, {.batch_size = 32, .prefetch = prefetch});
    CHECK(sizes_of(epoch(big)) == std::vector<std::size_t>{10});
    DataLoader big_drop(ds, {.batch_size = 32, .drop_last = true, .prefetch = prefetch});
    CHECK(epoch(big_drop).empty());
  }
}

TEST_CASE("dataloader: batches have a Dyn batch extent in front of the example's shape") {
  auto ds = make_xy(10);
  DataLoader loader(ds, {.batch_size = 4});
  static_assert(std::is_same_v<decltype(loader)::batch_type,
                               std::tuple<Tensor<float, Shape<Dyn, 3>>, Tensor<std::int64_t, Shape<Dyn>>>>);
  using It = decltype(loader.begin());
  static_assert(std::input_iterator<It>);
  static_assert(std::sentinel_for<std::default_sentinel_t, It>);
  static_assert(std::ranges::input_range<decltype(loader)>);
  auto it = loader.begin();
  auto& [x, y] = *it;
  CHECK(x.sizes() == std::array<index_t, 2>{4, 3});
  CHECK(y.sizes() == std::array<index_t, 1>{4});
}

TEST_CASE("dataloader: shuffling sees every example once, is reproducible and changes each epoch") {
  auto ds = make_xy(103);
  for (int prefetch : {0, 2}) {
    CAPTURE(prefetch);
    DataLoader a(ds, {.batch_size = 8, .shuffle = true, .seed = 42, .prefetch = prefetch});
    DataLoader b(ds, {.batch_size = 8, .shuffle = true, .seed = 42, .prefetch = prefetch});
    DataLoader c(ds, {.batch_size = 8, .shuffle = true, .seed = 43, .prefetch = prefetch});
    const auto a1 = epoch(a), a2 = epoch(a), b1 = epoch(b), b2 = epoch(b), c1 = epoch(c);
    for (const auto* e : {&a1, &a2, &c1}) {
      auto f = flat(*e);
      CHECK(f.size() == 103);
      std::sort(f.begin(), f.end());
      CHECK(std::adjacent_find(f.begin(), f.end()) == f.end());
      CHECK(f.front() == 0);
      CHECK(f.back() == 102);
    }
    CHECK(sizes_of(a1).back() == 103 % 8);
    CHECK(a1 == b1);  // same seed, same epochs
    CHECK(a2 == b2);
    CHECK(flat(a1) != flat(a2));  // a new order each epoch
    CHECK(flat(a1) != flat(c1));  // another seed, another order
    auto sorted = flat(a1);
    std::sort(sorted.begin(), sorted.end());
    CHECK(flat(a1) != sorted);
  }
}

TEST_CASE("dataloader: any UniformRandomBitGenerator shuffles") {
  auto ds = make_xy(20);
  DataLoader<decltype(ds), std::minstd_rand> a(ds, {.batch_size = 5, .shuffle = true}, std::minstd_rand(7));
  DataLoader<decltype(ds), std::minstd_rand> b(ds, {.batch_size = 5, .shuffle = true, .seed = 7});
  const auto e = epoch(a);
  CHECK(e == epoch(b));
  auto f = flat(e);
  std::sort(f.begin(), f.end());
  CHECK(std::adjacent_find(f.begin(), f.end()) == f.end());
  CHECK(f.size() == 20);
}

TEST_CASE("dataloader: breaking early, restarting and destroying do not hang") {
  auto ds = make_xy(200);
  for (int prefetch : {0, 1, 2}) {
    CAPTURE(prefetch);
    {
      DataLoader loader(ds, {.batch_size = 3, .shuffle = true, .seed = 1, .prefetch = prefetch});
      int seen = 0;
      for (auto& [x, y] : loader) {
        (void)x;
        (void)y;
        if (++seen == 2) break;
      }
      CHECK(seen == 2);
      // A new epoch after an abandoned one is complete.
      CHECK(flat(epoch(loader)).size() == 200);
      for (auto& b : loader) {
        (void)b;
        break;
      }
    }  // destroyed in the middle of an epoch
    {
      DataLoader loader(ds, {.batch_size = 3, .prefetch = prefetch});
      auto it = loader.begin();  // started, never consumed
      CHECK(it != loader.end());
    }
    { DataLoader never_started(ds, {.batch_size = 3, .prefetch = prefetch}); }
  }
}

TEST_CASE("dataloader: an exception in get() reaches the loop after the batches before it") {
  for (int prefetch : {0, 2}) {
    CAPTURE(prefetch);
    Computed ds;
    ds.bad = 9;
    DataLoader loader(ds, {.batch_size = 4, .prefetch = prefetch});
    std::vector<float> firsts;
    auto run = [&] {
      for (auto& [x, y] : loader) firsts.push_back(x(0, 0));
    };
    CHECK_THROWS_WITH_AS(run(), "bad example 9", std::runtime_error);
    CHECK(firsts == std::vector<float>{0.0f, 4.0f});
    // The loader is usable again; the first batch alone is fine.
    ds.bad = 0;
    CHECK_THROWS_WITH_AS(loader.begin(), "bad example 0", std::runtime_error);
    ds.bad = -1;
    firsts.clear();
    run();
    CHECK(firsts == std::vector<float>{0.0f, 4.0f, 8.0f});
  }
}

TEST_CASE("dataloader: a computed dataset is collated field by field") {
  Computed ds;
  DataLoader loader(ds, {.batch_size = 4, .shuffle = true, .seed = 3});
  static_assert(std::is_same_v<decltype(loader)::batch_type,
                               std::tuple<Tensor<float, Shape<Dyn, 2>>, Tensor<std::int32_t, Shape<Dyn>>>>);
  std::multiset<int> seen;
  for (auto& [x, y] : loader) {
    for (index_t j = 0; j < y.size(0); ++j) {
      CHECK(x(j, 0) == float(y(j)));
      CHECK(x(j, 1) == -float(y(j)));
      seen.insert(y(j));
    }
  }
  CHECK(seen == std::multiset<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(ds.calls == 10);
}

namespace {
// Examples that are strided views (column i of a 3 x n matrix), and one of a different length.
struct Columns {
  Tensor<double, Shape<3, 6>> m;
  index_t ragged = -1;
  Columns() {
    for (index_t r = 0; r < 3; ++r)
      for (index_t c = 0; c < 6; ++c) m(r, c) = double(10 * r + c);
  }
  index_t size() const { return 6; }
  TensorView<const double, Shape<Dyn>> get(index_t i) const {
    const index_t len = i == ragged ? 2 : 3;
    return TensorView<const double, Shape<Dyn>>(m.data() + i, Dims<Shape<Dyn>>(len), {6});
  }
};
}  // namespace

TEST_CASE("dataloader: strided examples are gathered; unequal shapes in a batch are shape_errors") {
  Columns ds;
  DataLoader loader(ds, {.batch_size = 4, .prefetch = 0});
  static_assert(std::is_same_v<decltype(loader)::batch_type, Tensor<double, Shape<Dyn, Dyn>>>);
  std::vector<double> got;
  for (auto& b : loader) {
    CHECK(b.size(1) == 3);
    for (index_t j = 0; j < b.size(0); ++j) got.push_back(b(j, 2));
  }
  CHECK(got == std::vector<double>{20, 21, 22, 23, 24, 25});
  ds.ragged = 2;
  auto run = [&] {
    for (auto& b : loader) (void)b;
  };
  CHECK_THROWS_AS(run(), shape_error);
  CHECK_THROWS_WITH(run(), doctest::Contains("example 2 of the batch has shape [2], the first has [3]"));
}

TEST_CASE("dataloader: batch buffers are reused across batches and epochs") {
  auto ds = make_xy(64);
  for (int prefetch : {0, 1, 2}) {
    CAPTURE(prefetch);
    DataLoader loader(ds, {.batch_size = 8, .shuffle = true, .prefetch = prefetch});
    std::set<const float*> buffers;
    for (int ep = 0; ep < 3; ++ep)
      for (auto& [x, y] : loader) {
        (void)y;
        buffers.insert(x.data());
      }
    CHECK(buffers.size() <= std::size_t(prefetch + 1));
  }
}

TEST_CASE("dataloader: a kept copy survives the next batches") {
  auto ds = make_xy(12);
  DataLoader loader(ds, {.batch_size = 4});
  std::vector<Tensor<float, Shape<Dyn, 3>>> kept;
  for (auto& [x, y] : loader) {
    (void)y;
    kept.push_back(x);  // a deep copy
  }
  REQUIRE(kept.size() == 3);
  CHECK(kept[0](0, 0) == 0.0f);
  CHECK(kept[1](0, 0) == 4.0f);
  CHECK(kept[2](3, 0) == 11.0f);
  // A tensor moved out of a batch is replaced by the loader.
  for (auto& [x, y] : loader) {
    (void)y;
    auto taken = std::move(x);
    CHECK(taken.size(0) == 4);
  }
  CHECK(flat(epoch(loader)).size() == 12);
}

TEST_CASE("dataloader: empty datasets and bad options") {
  auto ds = make_xy(0);
  DataLoader loader(ds, {.batch_size = 4});
  CHECK(loader.size() == 0);
  CHECK(loader.begin() == loader.end());
  CHECK_THROWS_AS(DataLoader(ds, {.batch_size = 0}), value_error);
  CHECK_THROWS_WITH(DataLoader(ds, {.batch_size = -2}), "ctorch: DataLoader: batch_size must be positive, got -2");
  CHECK_THROWS_AS(DataLoader(ds, {.batch_size = 1, .prefetch = -1}), value_error);
}

TEST_CASE("dataloader: FashionMNIST-shaped batches from a tensor-backed dataset") {
  Tensor<float, Shape<Dyn, 1, 28, 28>> img(10);
  Tensor<std::int64_t, Shape<Dyn>> lab(10);
  for (index_t i = 0; i < 10; ++i) {
    img(i, 0, 5, 7) = float(i);
    lab(i) = i % 10;
  }
  TensorDataset ds(std::move(img), std::move(lab));
  DataLoader loader(ds, {.batch_size = 4, .shuffle = true, .seed = 9});
  std::vector<std::int64_t> ys;
  for (auto& [x, y] : loader) {
    static_assert(std::is_same_v<std::remove_cvref_t<decltype(x)>, Tensor<float, Shape<Dyn, 1, 28, 28>>>);
    for (index_t j = 0; j < x.size(0); ++j) {
      CHECK(x(j, 0, 5, 7) == float(y(j)));
      ys.push_back(y(j));
    }
  }
  std::sort(ys.begin(), ys.end());
  CHECK(ys == std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
}
