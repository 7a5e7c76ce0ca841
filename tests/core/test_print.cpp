// Tests of ctorch/core/print.hpp: operator<< prints what PyTorch's repr prints (tests/fixtures/print.txt,
// written by tests/golden/gen_print.py), for contiguous tensors, strided and negative-stride views,
// transposes and static shapes, under the default and changed print options.
#include <doctest/doctest.h>
#include <ctorch/ctorch.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace ctorch;

namespace {

struct PrintCase {
  std::string name, dtype;
  std::vector<index_t> shape;
  std::vector<std::string> values;  // tokens, parsed per dtype
  int precision = 4, edgeitems = 3, linewidth = 80;
  double threshold = 1000;
  std::optional<bool> sci_mode;
  std::string view;
  std::string repr;
};

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      ++i;
      out += s[i] == 'n' ? '\n' : s[i];
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<PrintCase> load_cases() {
  const std::string path = std::string(CTORCH_FIXTURE_DIR) + "/print.txt";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open fixture " + path);
  std::vector<PrintCase> cases;
  std::string line;
  std::vector<std::string> block;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    block.push_back(line);
    if (block.size() < 3) continue;
    PrintCase c;
    std::istringstream t(block[0]);
    int ndim = 0;
    t >> c.name >> c.dtype >> ndim;
    for (int i = 0; i < ndim; ++i) {
      index_t d;
      t >> d;
      c.shape.push_back(d);
    }
    std::string tok;
    while (t >> tok) c.values.push_back(tok);
    std::istringstream o(block[1]);
    std::string opts, thr, sci;
    o >> opts >> c.precision >> thr >> c.edgeitems >> c.linewidth >> sci >> c.view;
    c.threshold = std::strtod(thr.c_str(), nullptr);
    if (sci != "none") c.sci_mode = sci == "true";
    if (opts != "opts" || block[2].rfind("repr ", 0) != 0) throw std::runtime_error("bad case " + c.name);
    c.repr = unescape(block[2].substr(5));
    cases.push_back(std::move(c));
    block.clear();
  }
  return cases;
}

const std::vector<PrintCase>& cases() {
  static const std::vector<PrintCase> all = load_cases();
  return all;
}

const PrintCase& find_case(const std::string& name) {
  for (const auto& c : cases())
    if (c.name == name) return c;
  throw std::runtime_error("no print case " + name);
}

template <class T>
T parse(const std::string& s) {
  if constexpr (std::is_floating_point_v<T>)
    return static_cast<T>(std::strtod(s.c_str(), nullptr));
  else
    return static_cast<T>(std::strtoll(s.c_str(), nullptr, 10));
}

template <std::size_t... I>
Shape<(void(I), Dyn)...> dyn_shape_impl(std::index_sequence<I...>);
template <std::size_t R>
using DynShape = decltype(dyn_shape_impl(std::make_index_sequence<R>{}));

template <class X>
std::string streamed(const X& x) {
  std::ostringstream os;
  os << x;
  return os.str();
}

// Restores the default options, whatever a case set.
struct OptionsGuard {
  explicit OptionsGuard(const PrintCase& c) {
    set_printoptions({.precision = c.precision,
                      .threshold = c.threshold,
                      .edgeitems = c.edgeitems,
                      .linewidth = c.linewidth,
                      .sci_mode = c.sci_mode});
  }
  ~OptionsGuard() { set_printoptions({.profile = "default"}); }
};

template <class T, std::size_t R>
void check_case(const PrintCase& c) {
  using S = DynShape<R>;
  std::array<index_t, R> ext{};
  for (std::size_t i = 0; i < R; ++i) ext[i] = c.shape[i];
  const auto dims = Dims<S>::from_array(ext);
  Tensor<T, S> x(dims);
  REQUIRE(static_cast<std::size_t>(x.numel()) == c.values.size());
  for (std::size_t i = 0; i < c.values.size(); ++i) x.data()[i] = parse<T>(c.values[i]);

  OptionsGuard guard(c);
  if (c.view == "t") {
    if constexpr (R == 2) {
      CHECK(streamed(transpose<0, 1>(x)) == c.repr);
    } else {
      FAIL("view t needs a matrix");
    }
    return;
  }
  CHECK(streamed(x) == c.repr);
  CHECK(repr(x) == c.repr);

  // The same elements through a view with every stride doubled, and through one with negative strides.
  const std::size_t n = c.values.size();
  if (n == 0) return;
  auto cs = contiguous_strides(ext);
  std::unique_ptr<T[]> spread(new T[2 * n]()), reversed(new T[n]());
  for (std::size_t k = 0; k < n; ++k) {
    spread[2 * k] = x.data()[k];
    reversed[n - 1 - k] = x.data()[k];
  }
  std::array<index_t, R> st2{}, stneg{};
  for (std::size_t i = 0; i < R; ++i) {
    st2[i] = 2 * cs[i];
    stneg[i] = -cs[i];
  }
  CHECK(streamed(TensorView<const T, S>(spread.get(), dims, st2)) == c.repr);
  CHECK(streamed(TensorView<T, S>(reversed.get() + (n - 1), dims, stneg)) == c.repr);
}

template <class T>
void check_case_rank(const PrintCase& c) {
  switch (c.shape.size()) {
    case 0:
      return check_case<T, 0>(c);
    case 1:
      return check_case<T, 1>(c);
    case 2:
      return check_case<T, 2>(c);
    case 3:
      return check_case<T, 3>(c);
    case 4:
      return check_case<T, 4>(c);
    default:
      FAIL("rank " << c.shape.size() << " not handled");
  }
}

}  // namespace

TEST_CASE("print: every golden case prints as PyTorch does, contiguous and strided") {
  REQUIRE(cases().size() >= 30);
  for (const auto& c : cases()) {
    INFO("case " << c.name);
    if (c.dtype == "float32")
      check_case_rank<float>(c);
    else if (c.dtype == "float64")
      check_case_rank<double>(c);
    else if (c.dtype == "int32")
      check_case_rank<std::int32_t>(c);
    else if (c.dtype == "int64")
      check_case_rank<std::int64_t>(c);
    else if (c.dtype == "bool")
      check_case_rank<bool>(c);
    else
      FAIL("unknown dtype " << c.dtype);
  }
}

TEST_CASE("print: static shapes print like dynamic ones") {
  Tensor<float, Shape<2, 2>> a{{1, 2}, {3, 4}};
  CHECK(streamed(a) == find_case("f32_int_valued_2d").repr);
  CHECK(streamed(a.view()) == find_case("f32_int_valued_2d").repr);
  Tensor<float, Shape<>> s(3.5f);
  CHECK(streamed(s) == find_case("f32_scalar").repr);
  Tensor<double, Shape<3>> v{1.5, -2.25, 3.125};
  CHECK(streamed(v) == find_case("f64_vector").repr);
  Tensor<std::int32_t, Shape<2, Dyn>> m{{1, -20, 3}, {400, 5, -6}};
  CHECK(streamed(m) == find_case("i32_matrix").repr);
  Tensor<bool, Shape<Dyn, 2>> bm(2);  // (bool initializer lists do not compile yet: std::vector<bool>)
  bm(0, 0) = bm(1, 1) = true;
  CHECK(streamed(bm) == find_case("bool_matrix").repr);
  Tensor<float, Shape<0, 3>> e;
  CHECK(streamed(e) == find_case("empty_f32_0x3").repr);
  Tensor<std::int64_t, Shape<Dyn>> ei(0);
  CHECK(streamed(ei) == find_case("empty_i64").repr);
}

TEST_CASE("print: set_printoptions") {
  const auto x = Tensor<float, Shape<3>>{1.5f, 2.25f, -3.75f};
  CHECK(streamed(x) == "tensor([ 1.5000,  2.2500, -3.7500])");
  set_printoptions({.precision = 1});
  CHECK(get_printoptions().precision == 1);
  CHECK(streamed(x) == "tensor([ 1.5,  2.2, -3.8])");
  set_printoptions({.sci_mode = true});
  CHECK(get_printoptions().precision == 1);  // kept
  CHECK(streamed(x) == "tensor([1.5e+00, 2.2e+00, -3.8e+00])");
  set_printoptions({.precision = 2});  // sci_mode left out: automatic again, as in torch
  CHECK_FALSE(get_printoptions().sci_mode.has_value());
  CHECK(streamed(x) == "tensor([ 1.50,  2.25, -3.75])");
  set_printoptions({.profile = "short"});
  CHECK(get_printoptions().edgeitems == 2);
  set_printoptions({.profile = "full"});
  CHECK(std::isinf(get_printoptions().threshold));
  CHECK(get_printoptions().precision == 4);
  CHECK_THROWS_AS(set_printoptions({.profile = "long"}), std::invalid_argument);
  CHECK_THROWS_AS(set_printoptions({.precision = -1}), std::invalid_argument);
  CHECK_THROWS_AS(set_printoptions({.edgeitems = 0}), std::invalid_argument);
  CHECK_THROWS_AS(set_printoptions({.linewidth = 0}), std::invalid_argument);
  CHECK(std::isinf(get_printoptions().threshold));  // a rejected call changes nothing
  set_printoptions({.profile = "default"});
  CHECK(get_printoptions().threshold == 1000);
  CHECK(get_printoptions().linewidth == 80);
  CHECK(streamed(x) == "tensor([ 1.5000,  2.2500, -3.7500])");
}
