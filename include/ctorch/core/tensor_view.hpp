// ctorch/core/tensor_view.hpp: TensorView, a non-owning strided view (PyTorch's view semantics).
//
// A view aliases memory it does not own: copying a view is cheap and aliases too; assigning an
// expression to a view writes through it. View ops (transpose, narrow, select, ...) return views.
#pragma once
#include <array>
#include <span>
#include <string>
#include <type_traits>

#include "concepts.hpp"
#include "device.hpp"
#include "dtype.hpp"
#include "methods.hpp"
#include "shape.hpp"

namespace ctorch {

template <class T, ShapeType S, Device D = Cpu>
class TensorView : public expr_base, public ViewMethods<TensorView<T, S, D>> {
  static_assert(DType<std::remove_const_t<T>>, "ctorch: a tensor's dtype is float, double, int32, int64 or bool");

 public:
  using value_type = std::remove_const_t<T>;
  using element_type = T;
  using shape_type = S;
  using device_type = D;
  static constexpr std::size_t rank = S::rank;
  using strides_type = std::array<index_t, rank>;

  // requires: p points to memory covering every element the dims and strides address.
  CTORCH_HD TensorView(T* p, const Dims<S>& dims, const strides_type& strides)
      : ptr_(p), dims_(dims), strides_(strides) {}

  // A contiguous view over existing memory (torch.from_numpy, at::from_blob), with bounds checked.
  // requires: mem.size() >= the number of elements; throws shape_error otherwise.
  template <class... I>
    requires(sizeof...(I) == S::num_dyn)
  explicit TensorView(std::span<T> mem, I... dyn) : ptr_(mem.data()), dims_(dyn...) {
    strides_ = contiguous_strides(dims_.array());
    if (static_cast<std::size_t>(dims_.numel()) > mem.size())
      throw shape_error("ctorch: from_blob: a view of shape " + dims_.str() + " needs " +
                        std::to_string(dims_.numel()) + " elements but the memory holds " +
                        std::to_string(mem.size()));
  }

  // A view of T is also a view of const T.
  template <class U>
    requires(std::is_same_v<const U, T> && !std::is_same_v<U, T>)
  CTORCH_HD TensorView(const TensorView<U, S, D>& v) : ptr_(v.data()), dims_(v.dims()), strides_(v.strides()) {}

  TensorView(const TensorView&) = default;

  // Writes the expression through the view (broadcasting it to the view's shape, like copy_).
  template <Expression E>
  TensorView& operator=(const E& e)
    requires(!std::is_const_v<T>)
  {
    assign(*this, e);
    return *this;
  }
  TensorView& operator=(const TensorView& e)
    requires(!std::is_const_v<T>)
  {
    assign(*this, e);
    return *this;
  }
  // Fills the view with a scalar.
  template <Arithmetic V>
  TensorView& operator=(V v)
    requires(!std::is_const_v<T>)
  {
    return fill_(v);
  }
  template <Arithmetic V>
  TensorView& fill_(V v)
    requires(!std::is_const_v<T>)
  {
    assign(*this, v);  // found by ADL in eval/assign.hpp
    return *this;
  }
  TensorView& zero_()
    requires(!std::is_const_v<T>)
  {
    return fill_(value_type(0));
  }

  // v.view() is the view itself (as Tensor::view() is the whole tensor); v.view<2, -1>() is the view op.
  using ViewMethods<TensorView>::view;
  TensorView view() const noexcept { return *this; }

  CTORCH_HD T* data() const noexcept { return ptr_; }
  CTORCH_HD const Dims<S>& dims() const noexcept { return dims_; }
  CTORCH_HD const strides_type& strides() const noexcept { return strides_; }
  std::array<index_t, rank> sizes() const { return dims_.array(); }
  index_t size(int d) const { return dims_[wrap(d)]; }
  index_t stride(int d) const { return strides_[wrap(d)]; }
  index_t numel() const { return dims_.numel(); }
  static constexpr std::size_t dim() noexcept { return rank; }
  bool is_contiguous() const { return strides_ == contiguous_strides(dims_.array()) || numel() <= 1; }

  // Unchecked element access.
  template <class... I>
    requires(sizeof...(I) == rank && (std::is_integral_v<I> && ...))
  T& operator()(I... i) const {
    const std::array<index_t, rank> idx{static_cast<index_t>(i)...};
    index_t off = 0;
    for (std::size_t d = 0; d < rank; ++d) off += idx[d] * strides_[d];
    return ptr_[off];
  }

  // Checked element access; negative indices count from the end as in Python. Throws index_error.
  template <class... I>
    requires(sizeof...(I) == rank && (std::is_integral_v<I> && ...))
  T& at(I... i) const {
    static_assert(std::is_same_v<D, Cpu>, "ctorch: at(): element access is for host tensors; copy with to<Cpu>()");
    std::array<index_t, rank> idx{static_cast<index_t>(i)...};
    index_t off = 0;
    for (std::size_t d = 0; d < rank; ++d) {
      const index_t n = dims_[d];
      if (idx[d] < -n || idx[d] >= n)
        throw index_error("ctorch: at: index " + std::to_string(idx[d]) + " is out of bounds for dim " +
                          std::to_string(d) + " with size " + std::to_string(n) + " (shape " + dims_.str() + ")");
      if (idx[d] < 0) idx[d] += n;
      off += idx[d] * strides_[d];
    }
    return ptr_[off];
  }

  // The value of a one-element view.
  value_type item() const {
    if (numel() != 1)
      throw shape_error("ctorch: item: a tensor with " + std::to_string(numel()) +
                        " elements cannot be converted to a scalar");
    return read_first();
  }

 private:
  value_type read_first() const {
    if constexpr (std::is_same_v<D, Cpu>) {
      return *ptr_;
    } else {
      value_type v{};
      device_memory<D>::to_host(&v, ptr_, 1);
      return v;
    }
  }
  std::size_t wrap(int d) const {
    if (d < -int(rank) || d >= int(rank))
      throw index_error("ctorch: dim " + std::to_string(d) + " is out of range for a tensor of rank " +
                        std::to_string(rank));
    return d < 0 ? std::size_t(d + int(rank)) : std::size_t(d);
  }

  T* ptr_;
  Dims<S> dims_;
  strides_type strides_;
};

template <class T>
inline constexpr bool is_tensor_view_v = false;
template <class T, class S, class D>
inline constexpr bool is_tensor_view_v<TensorView<T, S, D>> = true;

}  // namespace ctorch
