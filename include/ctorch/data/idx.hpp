// ctorch/data/idx.hpp: a reader for IDX files, the format of MNIST and Fashion-MNIST.
//
// An IDX file is a 4-byte magic number (0, 0, a type code, the number of dims), one big-endian 32-bit
// extent per dim, then the elements in row-major order, big-endian. Files are read through zlib's
// gzopen/gzread, which reads gzip-compressed (train-images-idx3-ubyte.gz) and plain files alike, so the
// including program links zlib (CMake: find_package(ZLIB) and target_link_libraries(... ZLIB::ZLIB)).
//
// Three entry points: read_idx (any IDX file, raw bytes and dims), read_idx_images (unsigned-byte images
// as float in [0, 1], the way torchvision's ToTensor scales them) and read_idx_labels (unsigned-byte
// labels as int64). Every problem with a file is an exception naming the file: value_error for a file
// that cannot be read or is not a well-formed IDX file, shape_error for a well-formed file whose shape
// is not the one asked for.
#pragma once
#include <zlib.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "../core/error.hpp"
#include "../core/shape.hpp"
#include "../core/tensor.hpp"

namespace ctorch::data {

// The element type codes of the IDX format (the third byte of the magic number).
enum class IdxType : std::uint8_t {
  u8 = 0x08,
  i8 = 0x09,
  i16 = 0x0B,
  i32 = 0x0C,
  f32 = 0x0D,
  f64 = 0x0E,
};

// Bytes per element of an IDX type; 0 for a code that is not one.
constexpr std::size_t idx_element_size(std::uint8_t code) noexcept {
  switch (code) {
    case 0x08:
    case 0x09:
      return 1;
    case 0x0B:
      return 2;
    case 0x0C:
    case 0x0D:
      return 4;
    case 0x0E:
      return 8;
    default:
      return 0;
  }
}

// The whole content of an IDX file.
struct IdxData {
  std::string path;
  IdxType type = IdxType::u8;
  std::vector<index_t> dims;      // extents, outermost first (an idx3 image file: count, rows, cols)
  std::vector<std::uint8_t> raw;  // the elements, row-major, converted to the host's byte order

  std::size_t element_size() const noexcept { return idx_element_size(static_cast<std::uint8_t>(type)); }
  index_t numel() const noexcept {
    index_t n = 1;
    for (index_t d : dims) n *= d;
    return n;
  }
};

namespace detail {

// An open IDX file whose header has been read; payload() then streams the elements. Owns the gzFile.
class IdxReader {
 public:
  // requires: nothing. ensures: the header is read and checked; throws value_error naming `op` and the
  // file when it cannot be opened, is too short for its header, or has a bad magic number.
  IdxReader(const std::string& path, const char* op) : path_(path), op_(op) {
    errno = 0;
    f_.reset(gzopen(path.c_str(), "rb"));
    if (f_ == nullptr) {
      const int e = errno;
      fail(std::string("cannot open the file (") + (e != 0 ? std::strerror(e) : "out of memory") + ")");
    }
    gzbuffer(f_.get(), 1u << 17);
    std::uint8_t magic[4];
    if (read_some(magic, 4) != 4) fail("the file is too short for an IDX header (4-byte magic number)");
    if (magic[0] != 0 || magic[1] != 0 || idx_element_size(magic[2]) == 0)
      fail("bad magic number " + hex(magic, 4) + " (an IDX file starts with 00 00, a type code in "
           "{08, 09, 0B, 0C, 0D, 0E} and the number of dims)");
    type_ = static_cast<IdxType>(magic[2]);
    dims_.resize(magic[3]);
    for (auto& d : dims_) {
      std::uint8_t b[4];
      if (read_some(b, 4) != 4)
        fail("truncated header: " + std::to_string(dims_.size()) + " dims announced, the file ends before them");
      d = index_t(std::uint32_t(b[0]) << 24 | std::uint32_t(b[1]) << 16 | std::uint32_t(b[2]) << 8 | b[3]);
    }
    // 2^48 bytes bounds any real file and keeps the products below from overflowing.
    const index_t limit = index_t(1) << 48;
    numel_ = 1;
    for (index_t d : dims_) {
      if (d != 0 && numel_ > limit / d) fail("the header's extents " + dims_string() + " are implausibly large");
      numel_ *= d;
    }
    if (numel_ > limit / index_t(element_size())) fail("the header's extents " + dims_string() + " are implausibly large");
  }
  IdxReader(const IdxReader&) = delete;
  IdxReader& operator=(const IdxReader&) = delete;

  const std::string& path() const noexcept { return path_; }
  IdxType type() const noexcept { return type_; }
  std::size_t element_size() const noexcept { return idx_element_size(static_cast<std::uint8_t>(type_)); }
  const std::vector<index_t>& dims() const noexcept { return dims_; }
  index_t numel() const noexcept { return numel_; }
  std::string dims_string() const {
    std::string s = "[";
    for (std::size_t i = 0; i < dims_.size(); ++i) s += (i ? ", " : "") + std::to_string(dims_[i]);
    return s + "]";
  }

  // Streams the payload (numel() elements, as stored: big-endian) in chunks to sink(const uint8_t*, n),
  // then checks that the file ends there. Throws value_error when it is truncated, longer than its
  // header says, or not a valid gzip stream.
  template <class Sink>
  void payload(Sink&& sink) {
    const std::size_t total = std::size_t(numel_) * element_size();
    constexpr std::size_t chunk = std::size_t(1) << 16;  // a multiple of every element size
    std::vector<std::uint8_t> buf(std::min(total, chunk));
    std::size_t done = 0;
    while (done < total) {
      const std::size_t want = std::min(chunk, total - done);
      const std::size_t got = read_some(buf.data(), want);
      if (got != want) {
        const std::size_t have = done + got;
        fail("truncated: the header " + dims_string() + " announces " + std::to_string(numel_) + " elements (" +
             std::to_string(total) + " bytes) but the file holds " + std::to_string(have / element_size()) +
             " (" + std::to_string(have) + " bytes)");
      }
      sink(static_cast<const std::uint8_t*>(buf.data()), want);
      done += want;
    }
    std::uint8_t extra[256];
    std::size_t more = 0;
    for (std::size_t got; (got = read_some(extra, sizeof extra)) > 0;) more += got;
    if (more != 0)
      fail("the file holds " + std::to_string(more) + " bytes after the " + std::to_string(numel_) +
           " elements its header " + dims_string() + " announces: the count disagrees with the data");
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw value_error(std::string("ctorch: ") + op_ + ": '" + path_ + "': " + what);
  }
  [[noreturn]] void fail_shape(const std::string& what) const {
    throw shape_error(std::string("ctorch: ") + op_ + ": '" + path_ + "': " + what);
  }

 private:
  // Reads up to n bytes; fewer only at the end of the file. A zlib error (a corrupt gzip stream) throws.
  std::size_t read_some(void* dst, std::size_t n) {
    std::size_t done = 0;
    while (done < n) {
      const unsigned want = unsigned(std::min<std::size_t>(n - done, std::size_t(1) << 30));
      const int got = gzread(f_.get(), static_cast<char*>(dst) + done, want);
      if (got < 0) {
        int err = 0;
        const char* msg = gzerror(f_.get(), &err);
        fail(std::string("read error (") + (msg ? msg : "zlib error") + ")");
      }
      if (got == 0) {
        // gzread returns 0 at the end of the file, and also on an incomplete gzip stream.
        int err = 0;
        const char* msg = gzerror(f_.get(), &err);
        if (err != Z_OK && err != Z_BUF_ERROR) fail(std::string("read error (") + (msg ? msg : "zlib error") + ")");
        if (err == Z_BUF_ERROR) fail("truncated gzip stream (the compressed file ends early)");
        break;
      }
      done += std::size_t(got);
    }
    return done;
  }
  static std::string hex(const std::uint8_t* b, std::size_t n) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
      if (i) s += ' ';
      s += digits[b[i] >> 4];
      s += digits[b[i] & 15];
    }
    return s;
  }

  std::string path_;
  const char* op_;
  struct Closer {
    void operator()(gzFile f) const noexcept { gzclose(f); }
  };
  std::unique_ptr<gzFile_s, Closer> f_;  // closed also when the constructor throws
  IdxType type_ = IdxType::u8;
  std::vector<index_t> dims_;
  index_t numel_ = 0;
};

// Checks that the file holds unsigned bytes of rank R; `what` names the content in the message.
template <std::size_t R>
void check_u8_rank(const IdxReader& r, const char* what) {
  if (r.type() != IdxType::u8)
    r.fail("expected unsigned bytes (type code 08) for " + std::string(what) + ", the file has type code " +
           std::to_string(int(r.type())));
  if (r.dims().size() != R)
    r.fail_shape("expected " + std::string(what) + " with " + std::to_string(R) + " dims, the file has " +
                 std::to_string(r.dims().size()) + " (" + r.dims_string() + ")");
}

// Checks an image file (unsigned bytes, count x rows x cols) against the expected rows/cols (Dyn: any).
inline void check_images(const IdxReader& r, index_t rows, index_t cols) {
  check_u8_rank<3>(r, "images");
  const auto& d = r.dims();
  if ((rows != Dyn && d[1] != rows) || (cols != Dyn && d[2] != cols))
    r.fail_shape("the images are " + std::to_string(d[1]) + " x " + std::to_string(d[2]) + " (header " +
                 r.dims_string() + "), expected " + shape_string(std::array<index_t, 2>{rows, cols}));
}

// Fills dst (numel() floats) with the file's unsigned bytes scaled to [0, 1].
inline void read_u8_as_unit_float(IdxReader& r, float* dst) {
  std::array<float, 256> lut{};
  for (int v = 0; v < 256; ++v) lut[std::size_t(v)] = float(v) / 255.0f;
  r.payload([&](const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) dst[i] = lut[p[i]];
    dst += n;
  });
}

}  // namespace detail

// Reads any IDX file (plain or gzip-compressed).
// requires: nothing. ensures: dims are the header's extents, raw holds exactly numel() * element_size()
// bytes in the host's byte order. Throws value_error naming the file when it is missing or unreadable,
// has a bad magic number, is truncated, or holds more data than its header announces.
inline IdxData read_idx(const std::string& path) {
  detail::IdxReader r(path, "read_idx");
  IdxData out;
  out.path = path;
  out.type = r.type();
  out.dims = r.dims();
  const std::size_t es = r.element_size();
  out.raw.resize(std::size_t(r.numel()) * es);
  std::uint8_t* dst = out.raw.data();
  r.payload([&](const std::uint8_t* p, std::size_t n) {
    std::memcpy(dst, p, n);
    if (es > 1 && std::endian::native == std::endian::little)
      for (std::size_t i = 0; i < n; i += es) std::reverse(dst + i, dst + i + es);
    dst += n;
  });
  return out;
}

// Reads an image file (idx3, unsigned bytes: count x rows x cols) as float in [0, 1] (byte / 255).
// Rows and Cols are the expected extents (MNIST's 28 x 28 by default); Dyn accepts any.
// requires: nothing. ensures: the result has the file's count as its first extent. Throws shape_error
// naming the file when its rank or its rows/cols differ from Rows/Cols, value_error when it is not a
// well-formed unsigned-byte IDX file (see read_idx).
template <index_t Rows = 28, index_t Cols = 28>
Tensor<float, Shape<Dyn, Rows, Cols>> read_idx_images(const std::string& path) {
  using S = Shape<Dyn, Rows, Cols>;
  detail::IdxReader r(path, "read_idx_images");
  detail::check_images(r, Rows, Cols);
  const auto& d = r.dims();
  Tensor<float, S> out(Dims<S>::from_array({d[0], d[1], d[2]}, "read_idx_images"));
  detail::read_u8_as_unit_float(r, out.data());
  return out;
}

// Reads a label file (idx1, unsigned bytes) as int64.
// requires: nothing. ensures: one label per element of the file, each in [0, 255]. Throws shape_error
// when the file is not of rank 1, value_error as read_idx does.
inline Tensor<std::int64_t, Shape<Dyn>> read_idx_labels(const std::string& path) {
  detail::IdxReader r(path, "read_idx_labels");
  detail::check_u8_rank<1>(r, "labels");
  Tensor<std::int64_t, Shape<Dyn>> out(r.dims()[0]);
  std::int64_t* dst = out.data();
  r.payload([&](const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) dst[i] = p[i];
    dst += n;
  });
  return out;
}

}  // namespace ctorch::data
