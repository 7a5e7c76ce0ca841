// tests/support/fixture.hpp: reads the golden values that tests/golden/*.py wrote with PyTorch.
//
// A fixture file has one tensor per line: `name dtype ndim d0 ... d(ndim-1) v0 v1 ...`, values in
// row-major order, written with enough digits to round-trip (nan, inf and -inf spelled so).
#pragma once
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace ctorch::test {

struct Golden {
  std::string dtype;
  std::vector<long long> shape;
  std::vector<double> values;
};

class Fixture {
 public:
  explicit Fixture(const std::string& file) {
    const std::string path = std::string(CTORCH_FIXTURE_DIR) + "/" + file;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open fixture " + path);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream ss(line);
      std::string name;
      Golden g;
      int ndim = 0;
      ss >> name >> g.dtype >> ndim;
      long long numel = 1;
      for (int i = 0; i < ndim; ++i) {
        long long d;
        ss >> d;
        g.shape.push_back(d);
        numel *= d;
      }
      std::string tok;
      while (ss >> tok) g.values.push_back(std::strtod(tok.c_str(), nullptr));
      if (static_cast<long long>(g.values.size()) != numel)
        throw std::runtime_error("fixture " + path + ": " + name + " has the wrong number of values");
      data_[name] = std::move(g);
    }
  }
  const Golden& operator[](const std::string& name) const {
    auto it = data_.find(name);
    if (it == data_.end()) throw std::runtime_error("no fixture entry " + name);
    return it->second;
  }
  bool contains(const std::string& name) const { return data_.count(name) != 0; }
  const std::map<std::string, Golden>& all() const { return data_; }

 private:
  std::map<std::string, Golden> data_;
};

// Fills a tensor (any dtype, contiguous) from golden values; its size must match.
template <class Tns>
void load(Tns& t, const Golden& g) {
  REQUIRE(static_cast<std::size_t>(t.numel()) == g.values.size());
  using T = typename Tns::value_type;
  for (std::size_t i = 0; i < g.values.size(); ++i) t.data()[i] = static_cast<T>(g.values[i]);
}

// Element i of `got` matches `want` when both are nan, both are the same infinity, or
// |got - want| <= atol + rtol * |want|. Reports the first mismatches with their index.
template <class T>
void check_close(const std::vector<T>& got, const Golden& want, double rtol, double atol, const std::string& what) {
  REQUIRE_MESSAGE(got.size() == want.values.size(), what << ": size " << got.size() << " vs " << want.values.size());
  int reported = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double g = static_cast<double>(got[i]), w = want.values[i];
    bool ok;
    if (std::isnan(w)) ok = std::isnan(g);
    else if (std::isinf(w)) ok = g == w;
    else ok = std::isfinite(g) && std::fabs(g - w) <= atol + rtol * std::fabs(w);
    if (!ok && reported++ < 5) FAIL_CHECK(what << "[" << i << "]: got " << g << ", PyTorch gives " << w);
  }
  CHECK_MESSAGE(reported == 0, what << ": " << reported << " mismatches");
}

}  // namespace ctorch::test
