// ctorch/data/fashion_mnist.hpp: the Fashion-MNIST dataset (torchvision.datasets.FashionMNIST).
//
// 70,000 grey 28 x 28 images of clothes in 10 classes: 60,000 for training, 10,000 for testing, stored as
// four IDX files (idx.hpp). The whole split is read into memory at construction: images as float in
// [0, 1] with a channel dim (as torchvision's ToTensor gives them), labels as int64. It is a
// TensorBackedDataset, so a DataLoader batches it with memcpy. No download: the files must be there.
#pragma once
#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <tuple>

#include "dataset.hpp"
#include "idx.hpp"

namespace ctorch::data {

class FashionMNIST {
 public:
  using image_shape = Shape<1, 28, 28>;
  using images_type = Tensor<float, Shape<Dyn, 1, 28, 28>>;
  using targets_type = Tensor<std::int64_t, Shape<Dyn>>;
  using example_type = std::tuple<TensorView<const float, image_shape>, std::int64_t>;

  static constexpr int num_classes = 10;
  static constexpr std::array<std::string_view, 10> classes = {"T-shirt/top", "Trouser", "Pullover", "Dress",
                                                               "Coat",        "Sandal",  "Shirt",    "Sneaker",
                                                               "Bag",         "Ankle boot"};

  // Loads the training split (train = true: train-images-idx3-ubyte, train-labels-idx1-ubyte) or the
  // test split (t10k-...). Each file is looked for gzip-compressed (.gz) or plain, in root, then in
  // root/FashionMNIST/raw (torchvision's layout), then in root/raw.
  // requires: the files exist. ensures: size() images and as many labels, each in [0, 9]. Throws
  // value_error naming what is missing or wrong (see read_idx), shape_error for images not 28 x 28.
  explicit FashionMNIST(const std::string& root, bool train = true)
      : images_path_(find(root, train ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte")),
        labels_path_(find(root, train ? "train-labels-idx1-ubyte" : "t10k-labels-idx1-ubyte")) {
    {
      detail::IdxReader r(images_path_, "FashionMNIST");
      detail::check_images(r, 28, 28);
      images_ = images_type(r.dims()[0]);
      detail::read_u8_as_unit_float(r, images_.data());
    }
    targets_ = read_idx_labels(labels_path_);
    if (targets_.size(0) != images_.size(0))
      throw value_error("ctorch: FashionMNIST: '" + images_path_ + "' holds " + std::to_string(images_.size(0)) +
                        " images but '" + labels_path_ + "' holds " + std::to_string(targets_.size(0)) + " labels");
    const std::int64_t* y = targets_.data();
    for (index_t i = 0; i < targets_.size(0); ++i)
      if (y[i] < 0 || y[i] >= num_classes)
        throw value_error("ctorch: FashionMNIST: '" + labels_path_ + "': label " + std::to_string(i) + " is " +
                          std::to_string(y[i]) + ", outside [0, 9]");
  }

  index_t size() const noexcept { return images_.size(0); }

  // requires: 0 <= i < size(); throws index_error otherwise. ensures: a view of image i (valid while the
  // dataset lives) and its label.
  example_type get(index_t i) const {
    if (i < 0 || i >= size())
      throw index_error("ctorch: FashionMNIST: index " + std::to_string(i) + " is out of range for a dataset of size " +
                        std::to_string(size()));
    return {TensorView<const float, image_shape>(images_.data() + i * 784, Dims<image_shape>{},
                                                 contiguous_strides(image_shape::static_extents)),
            targets_.data()[i]};
  }

  // The whole split: images [N, 1, 28, 28] in [0, 1] and labels [N] (torchvision's .data / .targets).
  const images_type& images() const noexcept { return images_; }
  const targets_type& targets() const noexcept { return targets_; }
  std::tuple<const images_type&, const targets_type&> tensors() const noexcept { return {images_, targets_}; }

  // The name of a class ("Ankle boot" for 9). requires: 0 <= label < 10; throws index_error otherwise.
  static std::string_view class_name(std::int64_t label) {
    if (label < 0 || label >= num_classes)
      throw index_error("ctorch: FashionMNIST: class " + std::to_string(label) + " is outside [0, 9]");
    return classes[std::size_t(label)];
  }

  const std::string& images_path() const noexcept { return images_path_; }
  const std::string& labels_path() const noexcept { return labels_path_; }

 private:
  static std::string find(const std::string& root, const std::string& base) {
    namespace fs = std::filesystem;
    const fs::path r(root);
    std::string tried;
    for (const fs::path& dir : {r, r / "FashionMNIST" / "raw", r / "raw"})
      for (const char* ext : {".gz", ""}) {
        const fs::path p = dir / (base + ext);
        std::error_code ec;
        if (fs::is_regular_file(p, ec)) return p.string();
        tried += (tried.empty() ? "" : ", ") + p.string();
      }
    throw value_error("ctorch: FashionMNIST: cannot find " + base + "(.gz) under '" + root + "' (looked for " +
                      tried + ")");
  }

  std::string images_path_, labels_path_;
  images_type images_{Dims<images_type::shape_type>{}};
  targets_type targets_{Dims<targets_type::shape_type>{}};
};

}  // namespace ctorch::data
