// Tests of ctorch/core/dtype.hpp and expr/op_base.hpp: type promotion against PyTorch
// (tests/fixtures/dtype.txt, written by tests/golden/gen_dtype.py): promote_types, result_type with a
// Python scalar, and the dtypes of a + b, a * b, a / b, a + s, s + a, a * s, a / s, tanh(a), sigmoid(a).
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

using namespace ctorch;

namespace {

using Row = std::map<std::string, std::string>;

// Key "pair float32 int32", "scalar int64 float" or "unary bool" -> {"promote": "float32", ...}.
const std::map<std::string, Row>& table() {
  static const std::map<std::string, Row> t = [] {
    const std::string path = std::string(CTORCH_FIXTURE_DIR) + "/dtype.txt";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open fixture " + path);
    std::map<std::string, Row> out;
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream ss(line);
      std::string kind, a, b, k, v;
      ss >> kind >> a;
      std::string key = kind + " " + a;
      if (kind != "unary") {
        ss >> b;
        key += " " + b;
      }
      Row row;
      while (ss >> k >> v) row[k] = v;
      out[key] = row;
    }
    return out;
  }();
  return t;
}

const Row& row(const std::string& key) {
  auto it = table().find(key);
  if (it == table().end()) throw std::runtime_error("no dtype fixture entry " + key);
  return it->second;
}

template <class T>
std::string nm() {
  return std::string(dtype_name<T>().substr(std::string_view("torch.").size()));
}

template <class F>
void for_each_dtype(F&& f) {
  f(std::type_identity<bool>{});
  f(std::type_identity<std::int32_t>{});
  f(std::type_identity<std::int64_t>{});
  f(std::type_identity<float>{});
  f(std::type_identity<double>{});
}

// The C++ scalars that stand for a Python bool, int and float.
template <class F>
void for_each_scalar(F&& f) {
  f("bool", std::type_identity<bool>{});
  f("int", std::type_identity<int>{});
  f("int", std::type_identity<long long>{});
  f("int", std::type_identity<std::int64_t>{});
  f("int", std::type_identity<short>{});
  f("int", std::type_identity<unsigned>{});
  f("float", std::type_identity<double>{});
  f("float", std::type_identity<float>{});
}

template <class T>
using vec = Tensor<T, Shape<3>>;

// An lvalue tensor of dtype T, for decltype only.
template <class T>
const vec<T>& lv();

template <class E>
using vt = typename std::remove_cvref_t<E>::value_type;

}  // namespace

TEST_CASE("dtype: tensor-tensor promotion matches torch.promote_types and the dtypes of a + b, a * b, a / b") {
  REQUIRE(table().size() == 25 + 15 + 5);
  for_each_dtype([]<class A>(std::type_identity<A>) {
    for_each_dtype([]<class B>(std::type_identity<B>) {
      const Row& r = row("pair " + nm<A>() + " " + nm<B>());
      INFO(nm<A>() << " with " << nm<B>());
      CHECK(nm<promote_t<A, B>>() == r.at("promote"));
      CHECK(nm<promote_all_t<A, B>>() == r.at("promote"));
      CHECK(nm<vt<decltype(lv<A>() + lv<B>())>>() == r.at("add"));
      CHECK(nm<vt<decltype(lv<A>() * lv<B>())>>() == r.at("mul"));
      CHECK(nm<vt<decltype(lv<A>() / lv<B>())>>() == r.at("div"));
    });
  });
}

TEST_CASE("dtype: tensor-scalar promotion matches torch.result_type and the dtypes of a + s, s + a, a * s, a / s") {
  for_each_dtype([]<class A>(std::type_identity<A>) {
    for_each_scalar([]<class S>(const char* kind, std::type_identity<S>) {
      const Row& r = row("scalar " + nm<A>() + " " + kind);
      INFO(nm<A>() << " with a C++ " << kind << " of size " << sizeof(S));
      const S s{};
      CHECK(nm<scalar_promote_t<A, S>>() == r.at("result_type"));
      CHECK(nm<vt<decltype(lv<A>() + s)>>() == r.at("add"));
      CHECK(nm<vt<decltype(s + lv<A>())>>() == r.at("radd"));
      CHECK(nm<vt<decltype(lv<A>() * s)>>() == r.at("mul"));
      CHECK(nm<vt<decltype(lv<A>() / s)>>() == r.at("div"));
      (void)s;
    });
  });
}

TEST_CASE("dtype: floating-only ops promote integers and bool to float32") {
  for_each_dtype([]<class A>(std::type_identity<A>) {
    const Row& r = row("unary " + nm<A>());
    INFO(nm<A>());
    CHECK(nm<float_promote_t<A>>() == r.at("tanh"));
    CHECK(nm<vt<decltype(tanh(lv<A>()))>>() == r.at("tanh"));
    CHECK(nm<vt<decltype(sigmoid(lv<A>()))>>() == r.at("sigmoid"));
  });
}

TEST_CASE("dtype: the values follow the promoted dtype") {
  vec<std::int32_t> i{1, 2, 3};
  vec<bool> b;
  b(0) = true;
  const vec<float> q = i / 2;  // true division: 0.5, not 0
  CHECK(q(0) == doctest::Approx(0.5));
  const Tensor<std::int64_t, Shape<3>> k = b + std::int64_t(2);  // bool + int -> int64: 3, 2, 2
  CHECK(k(0) == 3);
  CHECK(k(1) == 2);
  const vec<float> h = i + 0.5;  // int32 + float -> float32
  CHECK(h(2) == doctest::Approx(3.5));
}
