// ctorch/nn/module.hpp: what every layer and model shares (torch.nn.Module): parameters, train/eval,
// zero_grad, state_dict / load_state_dict, save / load, and a PyTorch-style repr.
//
// A module is a plain class deriving from Module<Self> (CRTP, no virtual calls). It says what it holds by
// implementing `visit_parameters(f, prefix)` (f(name, Var&) for each parameter, static types intact),
// `visit_children(f)` for sub-modules (optional), `visit_buffers(f, prefix)` for state that is not a
// parameter (f(name, Tensor&); optional: saved in state_dict, never trained), `parameters()` (a std::tuple
// of Var references, which optimizers use to size their state at compile time), and `repr()`.
#pragma once
#include <cstdint>
#include <fstream>
#include <functional>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "../autograd/var.hpp"
#include "../core/error.hpp"

namespace ctorch::nn {

// A tensor of any shape as a state_dict holds it (values kept in double, converted on load).
struct StateTensor {
  std::vector<index_t> shape;
  std::vector<double> values;
};
using StateDict = std::map<std::string, StateTensor>;

namespace detail {
inline std::string join(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}
template <class A>
std::vector<index_t> to_vec(const A& a) {
  return std::vector<index_t>(a.begin(), a.end());
}
inline std::string vec_string(const std::vector<index_t>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}
}  // namespace detail

struct NoChildren {
  template <class F>
  void visit_children(F&&) {}
  // torch's children(): references to the direct sub-modules, as a tuple (none here).
  std::tuple<> children() { return {}; }
};

template <class Self>
class Module {
 public:
  // ensures: this module and its children are in training mode (Dropout active) or not.
  Self& train(bool on = true) {
    self().visit_modules([on](auto& m) { m.training_ = on; });
    return self();
  }
  Self& eval() { return train(false); }
  bool is_training() const noexcept { return training_; }

  // ensures: every parameter's .grad is cleared (set_to_none, PyTorch's default) or zero-filled.
  void zero_grad(bool set_to_none = true) {
    self().visit_parameters([set_to_none](const std::string&, auto& p) { p.zero_grad(set_to_none); }, "");
  }

  // (name, numel, shape) of every parameter in registration order, with dotted names as PyTorch.
  std::vector<std::pair<std::string, std::vector<index_t>>> named_parameters() {
    std::vector<std::pair<std::string, std::vector<index_t>>> out;
    self().visit_parameters([&](const std::string& n, auto& p) { out.emplace_back(n, detail::to_vec(p.sizes())); }, "");
    return out;
  }
  // (name, shape) of every buffer (state that is not a parameter), in registration order.
  std::vector<std::pair<std::string, std::vector<index_t>>> named_buffers() {
    std::vector<std::pair<std::string, std::vector<index_t>>> out;
    visit_buffers_of(
        self(), [&](const std::string& n, auto& b) { out.emplace_back(n, detail::to_vec(b.sizes())); }, "");
    return out;
  }
  index_t num_parameters() {
    index_t n = 0;
    self().visit_parameters([&](const std::string&, auto& p) { n += p.numel(); }, "");
    return n;
  }

  // Calls f(module) on this module and every sub-module, children first (torch's apply).
  template <class F>
  Self& apply(F&& f) {
    self().visit_modules(f);
    return self();
  }

  // A copy of every parameter's and buffer's values by name.
  StateDict state_dict() {
    StateDict sd;
    auto put = [&](const std::string& n, const auto& tensor) {
      StateTensor t;
      t.shape = detail::to_vec(tensor.sizes());
      for (auto v : tensor.tolist()) t.values.push_back(double(v));
      sd.emplace(n, std::move(t));
    };
    self().visit_parameters([&](const std::string& n, auto& p) { put(n, p.value()); }, "");
    visit_buffers_of(
        self(), [&](const std::string& n, auto& b) { put(n, b); }, "");
    return sd;
  }

  // requires: every key present with the parameter's shape (strict); unknown keys rejected when strict.
  // ensures: parameters hold the state_dict's values. Throws value_error listing missing and unexpected
  // keys, shape_error naming the key and both shapes.
  void load_state_dict(const StateDict& sd, bool strict = true) {
    std::vector<std::string> missing, seen;
    // The entry for n when present with the right shape (shape_error otherwise), else null (missing).
    auto entry = [&](const std::string& n, const auto& sizes) -> const StateTensor* {
      auto it = sd.find(n);
      if (it == sd.end()) {
        missing.push_back(n);
        return nullptr;
      }
      seen.push_back(n);
      const auto shape = detail::to_vec(sizes);
      if (it->second.shape != shape)
        throw shape_error("ctorch: load_state_dict: size mismatch for " + n + ": copying a param with shape " +
                          detail::vec_string(it->second.shape) + ", the shape in current model is " +
                          detail::vec_string(shape));
      return &it->second;
    };
    auto copy_into = [](auto* d, const StateTensor& t) {
      using T = std::remove_pointer_t<decltype(d)>;
      for (std::size_t i = 0; i < t.values.size(); ++i) d[i] = static_cast<T>(t.values[i]);
    };
    self().visit_parameters(
        [&](const std::string& n, auto& p) {
          if (const StateTensor* t = entry(n, p.sizes())) {
            no_grad ng;
            copy_into(p.data_().data(), *t);
          }
        },
        "");
    visit_buffers_of(
        self(),
        [&](const std::string& n, auto& b) {
          if (const StateTensor* t = entry(n, b.sizes())) copy_into(b.data(), *t);
        },
        "");
    std::vector<std::string> unexpected;
    for (const auto& [k, v] : sd)
      if (std::find(seen.begin(), seen.end(), k) == seen.end()) unexpected.push_back(k);
    if (strict && (!missing.empty() || !unexpected.empty())) {
      std::string msg = "ctorch: load_state_dict: Error(s) in loading state_dict:";
      auto list = [](const std::vector<std::string>& v) {
        std::string s;
        for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", \"" : "\"") + v[i] + "\"";
        return s;
      };
      if (!missing.empty()) msg += " Missing key(s) in state_dict: " + list(missing) + ".";
      if (!unexpected.empty()) msg += " Unexpected key(s) in state_dict: " + list(unexpected) + ".";
      throw value_error(msg);
    }
  }

  // Visits this module and its sub-modules (children first).
  template <class F>
  void visit_modules(F&& f) {
    self().visit_children([&](auto& child) { child.visit_modules(f); });
    f(self());
  }

  bool training_ = true;

  // Calls m.visit_buffers(f, prefix) when m has buffers (a module without visit_buffers has none).
  template <class M, class F>
  static void visit_buffers_of(M& m, F&& f, const std::string& prefix) {
    if constexpr (requires { m.visit_buffers(f, prefix); }) m.visit_buffers(f, prefix);
  }

 private:
  Self& self() { return static_cast<Self&>(*this); }
};

// The PyTorch repr: Linear(in_features=784, out_features=128, bias=True), Sequential( (0): ... ).
template <class M>
requires requires(const M& m) {
  m.repr();
}
std::ostream& operator<<(std::ostream& os, const M& m) {
  return os << m.repr();
}

// File format: "CTORCHSD" v1, then per entry: name, rank, extents, float64 values (little-endian).
// ensures: the state_dict is written to path; throws value_error naming the file when it cannot be.
inline void save(const StateDict& sd, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw value_error("ctorch: save: cannot open " + path + " for writing");
  auto put = [&](const auto& v) { out.write(reinterpret_cast<const char*>(&v), sizeof(v)); };
  out.write("CTORCHSD", 8);
  put(std::uint32_t(1));
  put(std::uint64_t(sd.size()));
  for (const auto& [name, t] : sd) {
    put(std::uint64_t(name.size()));
    out.write(name.data(), std::streamsize(name.size()));
    put(std::uint64_t(t.shape.size()));
    for (auto e : t.shape) put(std::int64_t(e));
    out.write(reinterpret_cast<const char*>(t.values.data()), std::streamsize(t.values.size() * sizeof(double)));
  }
  if (!out) throw value_error("ctorch: save: writing " + path + " failed");
}

// requires: a file written by save(). ensures: its state_dict; a missing, truncated or foreign file
// throws value_error naming the file and what is wrong.
inline StateDict load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw value_error("ctorch: load: cannot open " + path);
  auto fail = [&](const std::string& why) { return value_error("ctorch: load: " + path + ": " + why); };
  auto get = [&](auto& v) {
    in.read(reinterpret_cast<char*>(&v), sizeof(v));
    if (!in) throw fail("truncated file");
  };
  char magic[8];
  in.read(magic, 8);
  if (!in || std::string(magic, 8) != "CTORCHSD") throw fail("not a ctorch state_dict file (bad magic)");
  std::uint32_t version;
  get(version);
  if (version != 1) throw fail("unsupported version " + std::to_string(version));
  std::uint64_t count;
  get(count);
  StateDict sd;
  for (std::uint64_t k = 0; k < count; ++k) {
    std::uint64_t len;
    get(len);
    if (len > (1u << 20)) throw fail("corrupt entry name length");
    std::string name(len, '\0');
    in.read(name.data(), std::streamsize(len));
    std::uint64_t rank;
    get(rank);
    if (rank > 16) throw fail("corrupt rank for " + name);
    StateTensor t;
    std::uint64_t numel = 1;
    for (std::uint64_t d = 0; d < rank; ++d) {
      std::int64_t e;
      get(e);
      if (e < 0 || (e > 0 && numel > (std::uint64_t(1) << 40) / std::uint64_t(e)))
        throw fail("corrupt shape for " + name);
      t.shape.push_back(e);
      numel *= std::uint64_t(e);
    }
    t.values.resize(numel);
    in.read(reinterpret_cast<char*>(t.values.data()), std::streamsize(numel * sizeof(double)));
    if (!in) throw fail("truncated file (in " + name + ")");
    sd.emplace(std::move(name), std::move(t));
  }
  return sd;
}

template <class M>
requires requires(M& m) {
  m.state_dict();
}
void save(M& module, const std::string& path) {
  save(module.state_dict(), path);
}
template <class M>
void load(M& module, const std::string& path, bool strict = true) {
  module.load_state_dict(load(path), strict);
}

}  // namespace ctorch::nn
