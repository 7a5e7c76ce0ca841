// ctorch/data/dataset.hpp: the Dataset concept, TensorDataset, and how examples become batches.
//
// As in torch.utils.data, a map-style dataset is anything with size() and get(i) (Python's __len__ and
// __getitem__). An example is a tensor, a tensor view, a number, or a std::tuple / std::pair of those;
// batching prepends a Dyn extent to each field (a [1, 28, 28] image becomes a [Dyn, 1, 28, 28] batch, an
// int64 label an int64 [Dyn] tensor), which is PyTorch's default_collate with the batch size known only at
// run time. A dataset that also exposes its contiguous storage through tensors() (TensorDataset,
// FashionMNIST) is batched by copying rows with memcpy instead of calling get(i) per example.
#pragma once
#include <concepts>
#include <cstring>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "../core.hpp"

namespace ctorch::data {

// A map-style dataset: size() examples, get(i) for i in [0, size()). get is called from the DataLoader's
// background thread, so concurrent const calls must be safe (they are for anything that only reads).
template <class D>
concept Dataset = requires(const D& d, index_t i) {
  { d.size() } -> std::convertible_to<index_t>;
  d.get(i);
};

// The example type of a dataset.
template <Dataset D>
using example_t = std::remove_cvref_t<decltype(std::declval<const D&>().get(index_t{}))>;

namespace detail {

template <class S>
struct prepend_dyn;
template <index_t... E>
struct prepend_dyn<Shape<E...>> {
  using type = Shape<Dyn, E...>;
};
template <class S>
struct drop_first;
template <index_t E0, index_t... E>
struct drop_first<Shape<E0, E...>> {
  using type = Shape<E...>;
};

// The dtype a number in an example is batched as: ctorch's dtypes as they are, other integers as int64,
// other floating point as double (default_collate: Python ints become int64, floats float64).
template <class A>
using number_dtype_t = std::conditional_t<
    DType<A>, A, std::conditional_t<std::is_integral_v<A>, std::int64_t, double>>;

template <class F>
struct field_batch {
  static_assert(Arithmetic<F>,
                "ctorch: DataLoader: each field of an example must be a Tensor, a TensorView or a number "
                "(an example is one of those, or a std::tuple / std::pair of them)");
  using type = Tensor<number_dtype_t<F>, Shape<Dyn>>;
};
template <class T, class S, class Dv>
struct field_batch<Tensor<T, S, Dv>> {
  static_assert(std::is_same_v<Dv, Cpu>, "ctorch: DataLoader: examples live on the CPU");
  using type = Tensor<T, typename prepend_dyn<S>::type>;
};
template <class T, class S, class Dv>
struct field_batch<TensorView<T, S, Dv>> {
  static_assert(std::is_same_v<Dv, Cpu>, "ctorch: DataLoader: examples live on the CPU");
  using type = Tensor<std::remove_const_t<T>, typename prepend_dyn<S>::type>;
};

template <class E>
struct example_batch {
  using type = typename field_batch<E>::type;
};
template <class... F>
struct example_batch<std::tuple<F...>> {
  using type = std::tuple<typename field_batch<std::remove_cvref_t<F>>::type...>;
};
template <class A, class B>
struct example_batch<std::pair<A, B>> {
  using type = std::tuple<typename field_batch<std::remove_cvref_t<A>>::type,
                          typename field_batch<std::remove_cvref_t<B>>::type>;
};

}  // namespace detail

// The batch type of an example type: the same structure, each field with a Dyn batch extent in front.
template <class Example>
using batch_t = typename detail::example_batch<std::remove_cvref_t<Example>>::type;

// A dataset whose examples are the rows of contiguous tensors: tensors() returns a std::tuple of const
// references to them, all with size() rows, and get(i) returns the matching row views (so its batch type
// is the one the rows give). The DataLoader batches such a dataset with memcpy.
namespace detail {
template <class T>
inline constexpr bool is_tensor_refs_v = false;
template <class... T>
inline constexpr bool is_tensor_refs_v<std::tuple<const T&...>> =
    sizeof...(T) > 0 && ((is_tensor_v<T> && T::rank >= 1) && ...);
}  // namespace detail

template <class D>
concept TensorBackedDataset = Dataset<D> && requires(const D& d) {
  requires detail::is_tensor_refs_v<decltype(d.tensors())>;
};

// Rows of one or more tensors that share their first extent (PyTorch's TensorDataset). Holds the tensors
// by value: pass them with std::move to avoid a copy.
template <class... Ts>
class TensorDataset {
  static_assert(sizeof...(Ts) > 0, "ctorch: TensorDataset: give at least one tensor");
  static_assert((is_tensor_v<Ts> && ...), "ctorch: TensorDataset: every argument is a Tensor");
  static_assert(((Ts::rank >= 1) && ...), "ctorch: TensorDataset: every tensor has a first (row) dimension");
  static_assert((std::is_same_v<typename Ts::device_type, Cpu> && ...), "ctorch: TensorDataset: CPU tensors only");

 public:
  // One example: a const view of row i of each tensor (a 1-d tensor gives 0-d views).
  using example_type =
      std::tuple<TensorView<const typename Ts::value_type, typename detail::drop_first<typename Ts::shape_type>::type>...>;

  // requires: every tensor has the same first extent. ensures: size() is that extent. Throws shape_error
  // naming the shapes otherwise.
  explicit TensorDataset(Ts... ts) : tensors_(std::move(ts)...) {
    n_ = std::get<0>(tensors_).size(0);
    std::apply(
        [&](const auto&... t) {
          if (((t.size(0) != n_) || ...)) {
            std::string shapes;
            ((shapes += (shapes.empty() ? "" : ", ") + t.dims().str()), ...);
            throw shape_error("ctorch: TensorDataset: the tensors must have the same first extent (size of the "
                              "dataset), got shapes " + shapes);
          }
        },
        tensors_);
  }

  index_t size() const noexcept { return n_; }

  // requires: 0 <= i < size(); throws index_error otherwise. ensures: views into this dataset's tensors,
  // valid while it lives.
  example_type get(index_t i) const {
    if (i < 0 || i >= n_)
      throw index_error("ctorch: TensorDataset: index " + std::to_string(i) + " is out of range for a dataset of size " +
                        std::to_string(n_));
    return std::apply([&](const auto&... t) { return example_type(row(t, i)...); }, tensors_);
  }

  std::tuple<const Ts&...> tensors() const noexcept {
    return std::apply([](const auto&... t) { return std::tuple<const Ts&...>(t...); }, tensors_);
  }
  template <std::size_t K>
  const auto& tensor() const noexcept {
    return std::get<K>(tensors_);
  }

 private:
  template <class T>
  static auto row(const T& t, index_t i) {
    using RS = typename detail::drop_first<typename T::shape_type>::type;
    std::array<index_t, RS::rank> ext{};
    for (std::size_t d = 0; d < RS::rank; ++d) ext[d] = t.dims()[d + 1];
    const auto dims = Dims<RS>::from_array(ext, "TensorDataset");
    return TensorView<const typename T::value_type, RS>(t.data() + i * dims.numel(), dims, contiguous_strides(ext));
  }

  std::tuple<Ts...> tensors_;
  index_t n_ = 0;
};

template <class... Ts>
TensorDataset(Ts...) -> TensorDataset<Ts...>;

namespace detail {

// Gives t the extents d, reallocating only when they differ (or t was moved from).
template <class T, class S>
void ensure_dims(Tensor<T, S>& t, const Dims<S>& d) {
  if (!(t.dims() == d) || (t.data() == nullptr && d.numel() > 0)) t = Tensor<T, S>(d);
}

// An empty batch (every extent 0; static extents as they are), a pool buffer before its first use.
template <class B>
B empty_batch() {
  if constexpr (is_tensor_v<B>) {
    return B(Dims<typename B::shape_type>{});
  } else {
    return [&]<std::size_t... K>(std::index_sequence<K...>) {
      return B(empty_batch<std::tuple_element_t<K, B>>()...);
    }(std::make_index_sequence<std::tuple_size_v<B>>{});
  }
}

// Batch extents: n rows of the given row extents.
template <class BS, std::size_t R>
Dims<BS> batch_dims(index_t n, const std::array<index_t, R>& row) {
  std::array<index_t, R + 1> ext{};
  ext[0] = n;
  for (std::size_t d = 0; d < R; ++d) ext[d + 1] = row[d];
  return Dims<BS>::from_array(ext, "DataLoader");
}

inline void copy_bytes(void* dst, const void* src, std::size_t n) {
  if (n) std::memcpy(dst, src, n);
}

// Writes one field of example j (of a batch of n) into its batch tensor; row 0 sizes the batch, and
// later rows must have the same extents (default_collate's "stack expects each tensor to be equal size").
template <class BT, class F>
void collate_field(BT& bt, index_t j, index_t n, const F& f) {
  using T = typename BT::value_type;
  using BS = typename BT::shape_type;
  if constexpr (Arithmetic<F>) {
    if (j == 0) ensure_dims(bt, Dims<BS>(n));
    bt.data()[j] = static_cast<T>(f);
  } else {
    constexpr std::size_t R = F::rank;
    const auto row = f.sizes();
    if (j == 0) {
      ensure_dims(bt, batch_dims<BS>(n, row));
    } else {
      for (std::size_t d = 0; d < R; ++d)
        if (bt.dims()[d + 1] != row[d]) {
          std::array<index_t, R> first{};
          for (std::size_t k = 0; k < R; ++k) first[k] = bt.dims()[k + 1];
          throw shape_error("ctorch: DataLoader: the examples of a batch must have equal shapes: example " +
                            std::to_string(j) + " of the batch has shape " + shape_string(row) +
                            ", the first has " + shape_string(first));
        }
    }
    const index_t rn = numel_of(row);
    T* dst = bt.data() + j * rn;
    if constexpr (is_tensor_v<F>) {
      copy_bytes(dst, f.data(), std::size_t(rn) * sizeof(T));
    } else if (f.is_contiguous()) {
      copy_bytes(dst, f.data(), std::size_t(rn) * sizeof(T));
    } else {
      using RS = typename F::shape_type;
      TensorView<T, RS>(dst, f.dims(), contiguous_strides(row)) = f;  // strided: ctorch's evaluator copies
    }
  }
}

// Writes example j of a batch of n.
template <class B, class E>
void collate_example(B& b, index_t j, index_t n, const E& e) {
  if constexpr (requires { std::tuple_size<E>::value; }) {
    [&]<std::size_t... K>(std::index_sequence<K...>) {
      (collate_field(std::get<K>(b), j, n, std::get<K>(e)), ...);
    }(std::make_index_sequence<std::tuple_size_v<E>>{});
  } else {
    collate_field(b, j, n, e);
  }
}

// The example type of the rows of a tuple of tensors (what a tensor-backed dataset's get(i) returns).
template <class Tup>
struct rows_example;
template <class... T>
struct rows_example<std::tuple<const T&...>> {
  using type = std::tuple<TensorView<const typename T::value_type, typename drop_first<typename T::shape_type>::type>...>;
};

// Copies rows idx[0..n) of a contiguous tensor into bt, one memcpy per run of consecutive indices.
template <class BT, class T>
void gather_rows(BT& bt, const T& t, const index_t* idx, index_t n) {
  using V = typename T::value_type;
  static_assert(std::is_same_v<typename BT::value_type, V>, "ctorch: DataLoader: internal: batch dtype mismatch");
  std::array<index_t, T::rank - 1> row{};
  for (std::size_t d = 0; d + 1 < T::rank; ++d) row[d] = t.dims()[d + 1];
  ensure_dims(bt, batch_dims<typename BT::shape_type>(n, row));
  const std::size_t rb = std::size_t(numel_of(row)) * sizeof(V);
  const auto* src = reinterpret_cast<const unsigned char*>(t.data());
  auto* dst = reinterpret_cast<unsigned char*>(bt.data());
  for (index_t j = 0; j < n;) {
    index_t k = j + 1;
    while (k < n && idx[k] == idx[k - 1] + 1) ++k;
    copy_bytes(dst + std::size_t(j) * rb, src + std::size_t(idx[j]) * rb, std::size_t(k - j) * rb);
    j = k;
  }
}

}  // namespace detail

// Fills `batch` with the examples idx[0..n) of ds, reusing its buffers when the extents are unchanged.
// requires: every idx[j] in [0, ds.size()). ensures: field k of batch row j is field k of ds.get(idx[j]).
// Throws what get throws, and shape_error when the examples of one batch have different shapes.
template <Dataset D>
void collate(const D& ds, const index_t* idx, index_t n, batch_t<example_t<D>>& batch) {
  if constexpr (TensorBackedDataset<D>) {
    using rows_batch = batch_t<typename detail::rows_example<decltype(ds.tensors())>::type>;
    static_assert(std::is_same_v<rows_batch, batch_t<example_t<D>>>,
                  "ctorch: DataLoader: a dataset's tensors() must give the same batch type as its get(i)");
    const auto ts = ds.tensors();
    [&]<std::size_t... K>(std::index_sequence<K...>) {
      (detail::gather_rows(std::get<K>(batch), std::get<K>(ts), idx, n), ...);
    }(std::make_index_sequence<std::tuple_size_v<decltype(ts)>>{});
  } else {
    for (index_t j = 0; j < n; ++j) detail::collate_example(batch, j, n, ds.get(idx[j]));
  }
}

}  // namespace ctorch::data
