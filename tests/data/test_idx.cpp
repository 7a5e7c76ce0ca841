// Tests of ctorch/data/idx.hpp and fashion_mnist.hpp: small IDX files written here (plain and gzipped)
// are read back; every malformed file gives an exception naming it; the real Fashion-MNIST is checked
// when it is installed (/usr/share/datasets/fashion-mnist, or the folder in CTORCH_FASHION_MNIST_DIR).
#include <ctorch/data.hpp>
#include <doctest/doctest.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace ctorch;
namespace fs = std::filesystem;

namespace {

// A fresh folder under the system's temp folder, removed with its content at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("ctorch_test_idx_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

// The bytes of an IDX file: header for `dims` with type code `type`, then `payload` as given.
std::vector<std::uint8_t> idx_bytes(std::uint8_t type, const std::vector<std::uint32_t>& dims,
                                    const std::vector<std::uint8_t>& payload) {
  std::vector<std::uint8_t> b{0, 0, type, std::uint8_t(dims.size())};
  for (std::uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(std::uint8_t(d >> s));
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

void write_plain(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  REQUIRE(out.good());
}

void write_gz(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  if (!bytes.empty()) REQUIRE(gzwrite(f, bytes.data(), unsigned(bytes.size())) == int(bytes.size()));
  REQUIRE(gzclose(f) == Z_OK);
}

doctest::Contains has(const std::string& s) { return doctest::Contains(s.c_str()); }

std::vector<std::uint8_t> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// n images of r x c whose pixel k (flat index over the file) is (k * 7) mod 256.
std::vector<std::uint8_t> pixels(std::size_t n) {
  std::vector<std::uint8_t> p(n);
  for (std::size_t k = 0; k < n; ++k) p[k] = std::uint8_t((k * 7) % 256);
  return p;
}

}  // namespace

TEST_CASE("idx: images and labels read back from plain and gzipped files") {
  TempDir dir;
  const auto px = pixels(3 * 2 * 4);
  const std::vector<std::uint8_t> labels{9, 0, 255};
  for (bool gz : {false, true}) {
    CAPTURE(gz);
    const std::string img = dir / (gz ? "img.gz" : "img"), lab = dir / (gz ? "lab.gz" : "lab");
    (gz ? write_gz : write_plain)(img, idx_bytes(0x08, {3, 2, 4}, px));
    (gz ? write_gz : write_plain)(lab, idx_bytes(0x08, {3}, labels));

    auto x = data::read_idx_images<2, 4>(img);
    static_assert(std::is_same_v<decltype(x), Tensor<float, Shape<Dyn, 2, 4>>>);
    CHECK(x.size(0) == 3);
    for (index_t i = 0; i < 3; ++i)
      for (index_t r = 0; r < 2; ++r)
        for (index_t c = 0; c < 4; ++c) CHECK(x(i, r, c) == float(px[std::size_t(i * 8 + r * 4 + c)]) / 255.0f);
    CHECK(x(0, 0, 0) == 0.0f);

    auto y = data::read_idx_labels(lab);
    static_assert(std::is_same_v<decltype(y), Tensor<std::int64_t, Shape<Dyn>>>);
    CHECK(y.tolist() == std::vector<std::int64_t>{9, 0, 255});

    auto any = data::read_idx_images<Dyn, Dyn>(img);
    CHECK(any.sizes() == std::array<index_t, 3>{3, 2, 4});
    CHECK(any.tolist() == x.tolist());
  }
}

TEST_CASE("idx: read_idx gives the dims and the elements in host byte order") {
  TempDir dir;
  // int32, 2 x 2, big-endian in the file.
  std::vector<std::uint8_t> p;
  for (std::int32_t v : {1, -2, 0x01020304, 70000})
    for (int s = 24; s >= 0; s -= 8) p.push_back(std::uint8_t(std::uint32_t(v) >> s));
  write_gz(dir / "i32.gz", idx_bytes(0x0C, {2, 2}, p));
  const auto d = data::read_idx(dir / "i32.gz");
  CHECK(d.type == data::IdxType::i32);
  CHECK(d.element_size() == 4);
  CHECK(d.dims == std::vector<index_t>{2, 2});
  CHECK(d.numel() == 4);
  REQUIRE(d.raw.size() == 16);
  std::int32_t v[4];
  std::memcpy(v, d.raw.data(), 16);
  CHECK(v[0] == 1);
  CHECK(v[1] == -2);
  CHECK(v[2] == 0x01020304);
  CHECK(v[3] == 70000);

  // float64 scalar file (0 dims: one element).
  double pi = 3.25;
  std::uint64_t bits;
  std::memcpy(&bits, &pi, 8);
  std::vector<std::uint8_t> q;
  for (int s = 56; s >= 0; s -= 8) q.push_back(std::uint8_t(bits >> s));
  write_plain(dir / "f64", idx_bytes(0x0E, {}, q));
  const auto e = data::read_idx(dir / "f64");
  CHECK(e.dims.empty());
  REQUIRE(e.raw.size() == 8);
  double back;
  std::memcpy(&back, e.raw.data(), 8);
  CHECK(back == 3.25);

  // An empty file of images (count 0) is fine.
  write_plain(dir / "empty", idx_bytes(0x08, {0, 28, 28}, {}));
  CHECK(data::read_idx_images(dir / "empty").size(0) == 0);
}

TEST_CASE("idx: a missing file is a value_error naming it") {
  TempDir dir;
  const std::string path = dir / "nope.gz";
  CHECK_THROWS_AS(data::read_idx(path), value_error);
  CHECK_THROWS_WITH(data::read_idx_images(path), has("ctorch: read_idx_images: '" + path + "'"));
  CHECK_THROWS_WITH(data::read_idx_labels(path), has("cannot open"));
}

TEST_CASE("idx: malformed files are value_errors naming the file and the fault") {
  TempDir dir;
  const auto good = idx_bytes(0x08, {2, 2, 2}, pixels(8));
  for (bool gz : {false, true}) {
    CAPTURE(gz);
    const auto write = gz ? write_gz : write_plain;
    const std::string path = dir / (gz ? "bad.gz" : "bad");

    auto magic = good;
    magic[0] = 0x1f;
    write(path, magic);
    CHECK_THROWS_AS(data::read_idx(path), value_error);
    CHECK_THROWS_WITH(data::read_idx(path), has("'" + path + "': bad magic number 1F 00 08 03"));
    magic = good;
    magic[2] = 0x07;  // not a type code
    write(path, magic);
    CHECK_THROWS_WITH((data::read_idx_images<2, 2>(path)), has("bad magic number"));

    write(path, {0, 0});
    CHECK_THROWS_WITH(data::read_idx(path), has("too short for an IDX header"));
    write(path, std::vector<std::uint8_t>(good.begin(), good.begin() + 9));
    CHECK_THROWS_WITH(data::read_idx(path), has("truncated header"));

    write(path, std::vector<std::uint8_t>(good.begin(), good.end() - 3));
    CHECK_THROWS_AS((data::read_idx_images<2, 2>(path)), value_error);
    CHECK_THROWS_WITH((data::read_idx_images<2, 2>(path)),
                      has("truncated: the header [2, 2, 2] announces 8 elements (8 bytes) but the file "
                                        "holds 5 (5 bytes)"));

    auto longer = good;
    longer.push_back(1);
    longer.push_back(2);
    write(path, longer);
    CHECK_THROWS_WITH(data::read_idx(path), has("2 bytes after the 8 elements"));
    CHECK_THROWS_AS((data::read_idx_images<2, 2>(path)), value_error);

    // Labels stored as int32 are not unsigned-byte labels.
    write(path, idx_bytes(0x0C, {1}, {0, 0, 0, 1}));
    CHECK_THROWS_WITH(data::read_idx_labels(path), has("expected unsigned bytes"));
  }
}

TEST_CASE("idx: a gzip stream cut short is a value_error") {
  TempDir dir;
  write_gz(dir / "full.gz", idx_bytes(0x08, {50, 28, 28}, pixels(50 * 784)));
  auto bytes = read_all(dir / "full.gz");
  REQUIRE(bytes.size() > 100);
  bytes.resize(bytes.size() / 2);
  write_plain(dir / "cut.gz", bytes);
  CHECK_THROWS_AS(data::read_idx_images(dir / "cut.gz"), value_error);
  CHECK_THROWS_WITH(data::read_idx_images(dir / "cut.gz"), has("'" + (dir / "cut.gz") + "'"));
}

TEST_CASE("idx: images of the wrong size or rank are shape_errors naming the file") {
  TempDir dir;
  write_gz(dir / "img.gz", idx_bytes(0x08, {2, 2, 3}, pixels(12)));
  CHECK_THROWS_AS((data::read_idx_images<28, 28>(dir / "img.gz")), shape_error);
  CHECK_THROWS_WITH(data::read_idx_images(dir / "img.gz"),
                    has("ctorch: read_idx_images: '" + (dir / "img.gz") +
                                      "': the images are 2 x 3 (header [2, 2, 3]), expected [28, 28]"));
  CHECK_NOTHROW((data::read_idx_images<2, Dyn>(dir / "img.gz")));
  CHECK_THROWS_AS((data::read_idx_images<Dyn, 2>(dir / "img.gz")), shape_error);
  CHECK_THROWS_AS(data::read_idx_labels(dir / "img.gz"), shape_error);
  write_gz(dir / "lab.gz", idx_bytes(0x08, {4}, {1, 2, 3, 4}));
  CHECK_THROWS_WITH(data::read_idx_images(dir / "lab.gz"), has("expected images with 3 dims, the file has 1"));
}

namespace {
// A small fake Fashion-MNIST split under dir: n images 28 x 28 (pixel k = (k * 7) % 256) and labels.
void write_fake_split(const TempDir& dir, const std::string& prefix, std::uint32_t n,
                      const std::vector<std::uint8_t>& labels, bool gz) {
  const auto write = gz ? write_gz : write_plain;
  const std::string ext = gz ? ".gz" : "";
  write(dir / (prefix + "-images-idx3-ubyte" + ext), idx_bytes(0x08, {n, 28, 28}, pixels(std::size_t(n) * 784)));
  write(dir / (prefix + "-labels-idx1-ubyte" + ext),
        idx_bytes(0x08, {std::uint32_t(labels.size())}, labels));
}
}  // namespace

TEST_CASE("fashion_mnist: a small split written here loads") {
  TempDir dir;
  write_fake_split(dir, "train", 5, {9, 0, 0, 3, 2}, true);
  write_fake_split(dir, "t10k", 2, {1, 7}, false);

  data::FashionMNIST train(dir.path.string());
  static_assert(data::Dataset<data::FashionMNIST>);
  static_assert(data::TensorBackedDataset<data::FashionMNIST>);
  CHECK(train.size() == 5);
  CHECK(train.images().sizes() == std::array<index_t, 4>{5, 1, 28, 28});
  CHECK(train.targets().tolist() == std::vector<std::int64_t>{9, 0, 0, 3, 2});
  auto [img, label] = train.get(1);
  static_assert(std::is_same_v<decltype(img), TensorView<const float, Shape<1, 28, 28>>>);
  CHECK(label == 0);
  CHECK(img(0, 0, 0) == float((784 * 7) % 256) / 255.0f);
  CHECK(img(0, 27, 27) == float(((784 + 783) * 7) % 256) / 255.0f);
  CHECK_THROWS_AS(train.get(5), index_error);
  CHECK(data::FashionMNIST::class_name(9) == "Ankle boot");
  CHECK(data::FashionMNIST::classes[0] == "T-shirt/top");
  CHECK_THROWS_AS(data::FashionMNIST::class_name(10), index_error);

  data::FashionMNIST test(dir.path.string(), false);
  CHECK(test.size() == 2);
  CHECK(test.targets().tolist() == std::vector<std::int64_t>{1, 7});
  CHECK(test.images_path() == dir / "t10k-images-idx3-ubyte");
}

TEST_CASE("fashion_mnist: a DataLoader batches it as [Dyn, 1, 28, 28] images and int64 labels") {
  TempDir dir;
  write_fake_split(dir, "train", 10, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, true);
  data::FashionMNIST train(dir.path.string());
  data::DataLoader loader(train, {.batch_size = 4, .shuffle = true, .seed = 5});
  static_assert(std::is_same_v<decltype(loader)::batch_type, std::tuple<Tensor<float, Shape<Dyn, 1, 28, 28>>,
                                                                        Tensor<std::int64_t, Shape<Dyn>>>>);
  std::vector<index_t> sizes;
  std::vector<std::int64_t> seen;
  for (auto& [x, y] : loader) {
    sizes.push_back(x.size(0));
    for (index_t j = 0; j < y.size(0); ++j) {
      // Image i starts at pixel i * 784 of the file: its first value tells which image it is.
      CHECK(x(j, 0, 0, 0) == float((y(j) * 784 * 7) % 256) / 255.0f);
      CHECK(x(j, 0, 27, 27) == train.images()(y(j), 0, 27, 27));
      seen.push_back(y(j));
    }
  }
  CHECK(sizes == std::vector<index_t>{4, 4, 2});
  std::sort(seen.begin(), seen.end());
  CHECK(seen == std::vector<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
}

TEST_CASE("fashion_mnist: missing files, count mismatches and bad labels are value_errors") {
  TempDir dir;
  CHECK_THROWS_WITH(data::FashionMNIST(dir.path.string()),
                    has("ctorch: FashionMNIST: cannot find train-images-idx3-ubyte(.gz) under"));
  write_fake_split(dir, "train", 3, {1, 2}, true);
  CHECK_THROWS_WITH(data::FashionMNIST(dir.path.string()), has("holds 3 images but"));
  write_fake_split(dir, "train", 2, {1, 10}, true);
  CHECK_THROWS_WITH(data::FashionMNIST(dir.path.string()), has("label 1 is 10, outside [0, 9]"));
}

TEST_CASE("fashion_mnist: the real training set, when installed") {
  std::string root = "/usr/share/datasets/fashion-mnist";
  if (const char* env = std::getenv("CTORCH_FASHION_MNIST_DIR")) root = env;
  if (!fs::is_directory(root)) {
    MESSAGE("Fashion-MNIST is not installed at " << root << ": skipped");
    return;
  }
  data::FashionMNIST train(root);
  const auto& y = train.targets();
  std::int64_t lo = 99, hi = -1;
  for (index_t i = 0; i < y.size(0); ++i) {
    lo = std::min(lo, y(i));
    hi = std::max(hi, y(i));
  }
  MESSAGE("Fashion-MNIST train: " << train.size() << " images " << train.images().dims().str() << ", labels in ["
                                  << lo << ", " << hi << "], label 0 = " << y(0) << " ("
                                  << data::FashionMNIST::class_name(y(0)) << ")");
  CHECK(train.size() == 60000);
  CHECK(train.images().sizes() == std::array<index_t, 4>{60000, 1, 28, 28});
  CHECK(lo == 0);
  CHECK(hi == 9);
  CHECK(y(0) == 9);  // an ankle boot
  data::FashionMNIST test(root, false);
  CHECK(test.size() == 10000);
}
