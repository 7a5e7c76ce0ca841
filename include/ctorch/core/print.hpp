// ctorch/core/print.hpp: operator<< for tensors and views, printing exactly what PyTorch's repr prints.
//
//   std::cout << t;   // tensor([[1., 2.],
//                     //         [3., 4.]])
//
// The rules are those of torch/_tensor_str.py (PyTorch 1.13): one width for every element; floats
// print as `1.` when all finite ones are integers, else fixed with `precision` digits, or scientific
// when max/min > 1000, max > 1e8 or (non-integers only) min < 1e-4; more than `threshold` elements
// are summarised with `...` keeping `edgeitems` at each end of each dim; rows wrap at `linewidth`;
// dtypes other than float32, int64 and bool are named (`dtype=torch.float64`); empty tensors print
// `tensor([])`, with `size=(0, 3)` when not 1-d. A CUDA tensor is copied to the host to be printed
// and carries `device='cuda:0'`.
//
// set_printoptions({.precision = 2, .sci_mode = false}) changes the global options, as
// torch.set_printoptions does (and, like it, resets sci_mode to automatic when it is not given).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "device.hpp"
#include "dtype.hpp"
#include "shape.hpp"
#include "tensor.hpp"
#include "tensor_view.hpp"

namespace ctorch {

// The options tensors print with (torch._tensor_str.PRINT_OPTS).
struct PrintOptions {
  int precision = 4;               // digits after the point (fixed) or of the mantissa (scientific)
  double threshold = 1000;         // more elements than this are summarised; may be infinity
  int edgeitems = 3;               // elements kept at each end of a summarised dim
  int linewidth = 80;              // characters per line before a row wraps
  std::optional<bool> sci_mode{};  // nullopt: chosen per tensor
};

// The arguments of set_printoptions; what is left out keeps its value, except sci_mode (as in torch).
struct PrintOptionsArgs {
  std::optional<int> precision{};
  std::optional<double> threshold{};
  std::optional<int> edgeitems{};
  std::optional<int> linewidth{};
  std::optional<std::string_view> profile{};  // "default", "short" or "full", applied before the others
  std::optional<bool> sci_mode{};
};

namespace detail {
inline PrintOptions& print_options_ref() noexcept {
  static PrintOptions opts;
  return opts;
}
}  // namespace detail

// The current options.
inline const PrintOptions& get_printoptions() noexcept {
  return detail::print_options_ref();
}

// torch.set_printoptions. Throws std::invalid_argument for an unknown profile, a negative precision,
// edgeitems < 1 or linewidth < 1; the options are unchanged then.
inline void set_printoptions(const PrintOptionsArgs& a = {}) {
  PrintOptions o = detail::print_options_ref();
  if (a.profile) {
    if (*a.profile == "default")
      o = PrintOptions{4, 1000, 3, 80, o.sci_mode};
    else if (*a.profile == "short")
      o = PrintOptions{2, 1000, 2, 80, o.sci_mode};
    else if (*a.profile == "full")
      o = PrintOptions{4, HUGE_VAL, 3, 80, o.sci_mode};
    else
      throw std::invalid_argument("ctorch: set_printoptions: unknown profile '" + std::string(*a.profile) +
                                  "' (expected default, short or full)");
  }
  if (a.precision) o.precision = *a.precision;
  if (a.threshold) o.threshold = *a.threshold;
  if (a.edgeitems) o.edgeitems = *a.edgeitems;
  if (a.linewidth) o.linewidth = *a.linewidth;
  o.sci_mode = a.sci_mode;
  if (o.precision < 0)
    throw std::invalid_argument("ctorch: set_printoptions: precision must be >= 0, got " + std::to_string(o.precision));
  if (o.edgeitems < 1)
    throw std::invalid_argument("ctorch: set_printoptions: edgeitems must be >= 1, got " + std::to_string(o.edgeitems));
  if (o.linewidth < 1)
    throw std::invalid_argument("ctorch: set_printoptions: linewidth must be >= 1, got " + std::to_string(o.linewidth));
  detail::print_options_ref() = o;
}

namespace detail {

// Python's "{:.{p}f}" / "{:.{p}e}" of a double: nan, inf and -inf spelled as Python spells them.
inline std::string py_format(double v, int precision, char conv) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  const char fmt[] = {'%', '.', '*', conv, '\0'};
  char small[64];
  const int n = std::snprintf(small, sizeof small, fmt, precision, v);
  if (n < int(sizeof small)) return std::string(small, std::size_t(n));
  std::string s(std::size_t(n) + 1, '\0');
  std::snprintf(s.data(), s.size(), fmt, precision, v);
  s.resize(std::size_t(n));
  return s;
}

// A tensor's elements on the host, in row-major order: doubles for floating dtypes (what .item()
// gives Python), int64 for integers and bools.
template <class V>
struct host_elements {
  std::vector<index_t> sizes;
  std::vector<V> values;
};

// _Formatter: decides int/fixed/scientific mode and the common width from the elements shown.
template <class V>
class Formatter {
 public:
  Formatter(const std::vector<V>& shown, bool boolean, const PrintOptions& o)
      : boolean_(boolean), precision_(o.precision) {
    if constexpr (!std::is_floating_point_v<V>) {
      for (V v : shown) width_ = std::max(width_, format_integer(v).size());
    } else {
      double mn = HUGE_VAL, mx = 0;
      bool any = false;
      for (V v : shown) {
        if (!std::isfinite(v) || v == 0) continue;
        any = true;
        mn = std::min(mn, std::fabs(v));
        mx = std::max(mx, std::fabs(v));
        if (v != std::ceil(v)) int_mode_ = false;
      }
      if (any) {
        if (mx / mn > 1000.0 || mx > 1.0e8 || (!int_mode_ && mn < 1.0e-4)) {
          sci_ = true;
          for (V v : shown)
            if (std::isfinite(v) && v != 0) width_ = std::max(width_, py_format(v, precision_, 'e').size());
        } else {
          for (V v : shown)
            if (std::isfinite(v) && v != 0)
              width_ = int_mode_ ? std::max(width_, py_format(v, 0, 'f').size() + 1)
                                 : std::max(width_, py_format(v, precision_, 'f').size());
        }
      }
      if (o.sci_mode) sci_ = *o.sci_mode;  // forced after the width is decided, as in torch
    }
  }

  std::size_t width() const noexcept { return width_; }

  std::string format(V v) const {
    std::string s;
    if constexpr (std::is_floating_point_v<V>) {
      if (sci_) {
        s = py_format(v, precision_, 'e');
      } else if (int_mode_) {
        s = py_format(v, 0, 'f');
        if (std::isfinite(v)) s += '.';
      } else {
        s = py_format(v, precision_, 'f');
      }
    } else {
      s = format_integer(v);
    }
    return s.size() < width_ ? std::string(width_ - s.size(), ' ') + s : s;
  }

 private:
  std::string format_integer(V v) const {
    if (boolean_) return v ? "True" : "False";
    return std::to_string(static_cast<long long>(v));
  }

  bool boolean_;
  int precision_;
  bool int_mode_ = true;
  bool sci_ = false;
  std::size_t width_ = 1;
};

template <class V>
class Printer {
 public:
  Printer(const host_elements<V>& e, bool boolean, const PrintOptions& o)
      : e_(e),
        o_(o),
        strides_(e.sizes.size()),
        summarize_(double(count(e.sizes)) > o.threshold),
        fmt_(shown(), boolean, o) {}

  // _tensor_str_with_formatter
  std::string str(int indent) const { return sub(0, 0, indent); }

 private:
  static index_t count(const std::vector<index_t>& sizes) {
    index_t n = 1;
    for (index_t s : sizes) n *= s;
    return n;
  }

  // The indices along a dim that are printed, with -1 where "..." stands.
  std::vector<index_t> picks(index_t n) const {
    std::vector<index_t> p;
    const index_t edge = o_.edgeitems;
    if (summarize_ && n > 2 * edge) {
      for (index_t i = 0; i < edge; ++i) p.push_back(i);
      p.push_back(-1);
      for (index_t i = n - edge; i < n; ++i) p.push_back(i);
    } else {
      for (index_t i = 0; i < n; ++i) p.push_back(i);
    }
    return p;
  }

  // get_summarized_data: the elements shown, which alone decide the format.
  std::vector<V> shown() {
    index_t acc = 1;
    for (std::size_t d = e_.sizes.size(); d-- > 0;) {
      strides_[d] = acc;
      acc *= e_.sizes[d];
    }
    std::vector<V> out;
    collect(0, 0, out);
    return out;
  }
  void collect(std::size_t d, index_t off, std::vector<V>& out) const {
    if (d == e_.sizes.size()) {
      out.push_back(e_.values[std::size_t(off)]);
      return;
    }
    for (index_t i : picks(e_.sizes[d]))
      if (i >= 0) collect(d + 1, off + i * strides_[d], out);
  }

  std::string sub(std::size_t d, index_t off, int indent) const {
    const std::size_t dims_left = e_.sizes.size() - d;
    if (dims_left == 0) return fmt_.format(e_.values[std::size_t(off)]);
    if (dims_left == 1) return vec(d, off, indent);
    const std::string sep = "," + std::string(dims_left - 1, '\n') + std::string(std::size_t(indent + 1), ' ');
    std::string s = "[";
    bool first = true;
    for (index_t i : picks(e_.sizes[d])) {
      if (!first) s += sep;
      first = false;
      s += i < 0 ? std::string("...") : sub(d + 1, off + i * strides_[d], indent + 1);
    }
    return s + "]";
  }

  // _vector_str
  std::string vec(std::size_t d, index_t off, int indent) const {
    const double element_length = double(fmt_.width() + 2);
    const auto per_line = std::max<long long>(1, (long long)std::floor(double(o_.linewidth - indent) / element_length));
    const std::string line_sep = ",\n" + std::string(std::size_t(indent + 1), ' ');
    std::string s = "[";
    long long k = 0;
    for (index_t i : picks(e_.sizes[d])) {
      if (k > 0) s += k % per_line == 0 ? line_sep : std::string(", ");
      s += i < 0 ? std::string(" ...") : fmt_.format(e_.values[std::size_t(off + i * strides_[d])]);
      ++k;
    }
    return s + "]";
  }

  const host_elements<V>& e_;
  const PrintOptions& o_;
  std::vector<index_t> strides_;
  bool summarize_;
  Formatter<V> fmt_;
};

// _add_suffixes
inline std::string add_suffixes(std::string s, const std::vector<std::string>& suffixes, int indent, int linewidth) {
  const auto nl = s.rfind('\n');
  long long last_line_len = (long long)s.size() - (nl == std::string::npos ? -1 : (long long)nl) + 1;
  for (const auto& suf : suffixes) {
    if (last_line_len + (long long)suf.size() + 2 > linewidth) {
      s += ",\n" + std::string(std::size_t(indent), ' ') + suf;
      last_line_len = indent + (long long)suf.size();
    } else {
      s += ", " + suf;
      last_line_len += (long long)suf.size() + 2;
    }
  }
  return s + ")";
}

template <class V>
std::string repr(const host_elements<V>& e, std::string_view dtype, bool boolean, bool default_dtype,
                 std::string_view device) {
  const PrintOptions& o = get_printoptions();
  const std::string prefix = "tensor(";
  const int indent = int(prefix.size());
  std::vector<std::string> suffixes;
  if (!device.empty()) suffixes.push_back("device='" + std::string(device) + "'");
  index_t numel = 1;
  for (index_t s : e.sizes) numel *= s;
  std::string body;
  if (numel == 0) {
    if (e.sizes.size() != 1) {
      std::string size = "size=(";
      for (std::size_t i = 0; i < e.sizes.size(); ++i) size += (i ? ", " : "") + std::to_string(e.sizes[i]);
      suffixes.push_back(size + ")");
    }
    if (dtype != "torch.float32") suffixes.push_back("dtype=" + std::string(dtype));
    body = "[]";
  } else {
    if (!default_dtype) suffixes.push_back("dtype=" + std::string(dtype));
    body = Printer<V>(e, boolean, o).str(indent);
  }
  return add_suffixes(prefix + body, suffixes, indent, o.linewidth);
}

// Reads the elements of a view in row-major order; a device view is first copied to the host
// (the span of memory its strides address, once).
template <class V, class T, class S, class D>
host_elements<V> gather(const TensorView<T, S, D>& v) {
  using E = std::remove_const_t<T>;
  constexpr std::size_t R = S::rank;
  host_elements<V> out;
  const auto ext = v.dims().array();
  const auto& st = v.strides();
  out.sizes.assign(ext.begin(), ext.end());
  const index_t n = v.numel();
  if (n == 0) return out;
  out.values.reserve(std::size_t(n));
  index_t lo = 0, hi = 0;
  for (std::size_t d = 0; d < R; ++d) (st[d] < 0 ? lo : hi) += (ext[d] - 1) * st[d];
  const E* base;
  std::unique_ptr<E[]> host;
  if constexpr (std::is_same_v<D, Cpu>) {
    base = v.data();
  } else {
    host.reset(new E[std::size_t(hi - lo + 1)]);
    device_memory<D>::to_host(host.get(), v.data() + lo, std::size_t(hi - lo + 1));
    base = host.get() - lo;
  }
  std::array<index_t, R> idx{};
  index_t off = 0;
  for (index_t k = 0; k < n; ++k) {
    out.values.push_back(static_cast<V>(base[off]));
    for (std::size_t d = R; d-- > 0;) {
      if (++idx[d] < ext[d]) {
        off += st[d];
        break;
      }
      off -= (ext[d] - 1) * st[d];
      idx[d] = 0;
    }
  }
  return out;
}

}  // namespace detail

// PyTorch's repr of a view or tensor, e.g. "tensor([1., 2.], dtype=torch.float64)".
template <class T, ShapeType S, Device D>
std::string repr(const TensorView<T, S, D>& v) {
  using E = std::remove_const_t<T>;
  using V = std::conditional_t<std::is_floating_point_v<E>, double, std::int64_t>;
  constexpr bool default_dtype = std::is_same_v<E, float> || std::is_same_v<E, std::int64_t> || std::is_same_v<E, bool>;
  const std::string_view device = std::is_same_v<D, Cpu> ? std::string_view() : std::string_view("cuda:0");
  return detail::repr(detail::gather<V>(v), dtype_name<E>(), std::is_same_v<E, bool>, default_dtype, device);
}
template <DType T, ShapeType S, Device D>
std::string repr(const Tensor<T, S, D>& t) {
  return repr(t.view());
}

template <class T, ShapeType S, Device D>
std::ostream& operator<<(std::ostream& os, const TensorView<T, S, D>& v) {
  return os << repr(v);
}
template <DType T, ShapeType S, Device D>
std::ostream& operator<<(std::ostream& os, const Tensor<T, S, D>& t) {
  return os << repr(t.view());
}

}  // namespace ctorch
