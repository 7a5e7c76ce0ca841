// ctorch/ops/joining/index_add.hpp: index_add and index_add_ (torch.index_add, torch.Tensor.index_add_):
// for Dim 0, self[index[i]] += alpha * source[i] for every i (repeated indices add up).
// index: a 1-D int64 or int32 expression of length L; source: self's shape with dim Dim of extent L (a
// compile error on static extents, shape_error on Dyn ones); each index in [0, self.size(Dim)), else
// index_error (negative indices are rejected, as in PyTorch). Shape and dtype: self's (source converted).
// Gradient: self's is the gradient; source's is index_select of it, times alpha.
#pragma once
#include <vector>

#include "common.hpp"

namespace ctorch {

namespace op {
struct IndexAdd {
  static constexpr const char* name = "index_add";
};
struct IndexCopy {
  static constexpr const char* name = "index_copy";
};
struct IndexFill {
  static constexpr const char* name = "index_fill";
};
}  // namespace op

namespace detail {
// source's static extents fit self's with dim P of the index's length L.
template <std::size_t P, class SS, class SrcS, index_t L>
constexpr bool index_source_fits() {
  if constexpr (SS::rank != SrcS::rank) {
    return false;
  } else {
    for (std::size_t d = 0; d < SS::rank; ++d) {
      const index_t want = d == P ? L : SS::static_extents[d];
      const index_t got = SrcS::static_extents[d];
      if (want != Dyn && got != Dyn && want != got) return false;
    }
    return true;
  }
}

enum class IndexMode { Add, Copy, Fill };

// self (a mutable view) updated along dim Dim at the positions of index from source (Add, Copy) or a
// value (Fill). Negative indices wrap for Fill only, as in PyTorch.
template <class Op, IndexMode Mode, int Dim, class T, class S, class I, class Src>
void index_update(const TensorView<T, S, Cpu>& self, const I& index, const Src& src, T alpha = T(1)) {
  using IS = typename I::shape_type;
  using IT = typename I::value_type;
  static_assert(std::is_same_v<IT, int64_t> || std::is_same_v<IT, int32_t>,
                "ctorch: index_add/index_copy/index_fill: the index must be an int64 or int32 tensor");
  static_assert(std::is_same_v<typename I::device_type, Cpu>,
                "ctorch: index_add/index_copy/index_fill: host tensors only for now");
  constexpr std::size_t P = view_dim_check<Op, S, Dim>::value;
  constexpr bool has_src = Mode != IndexMode::Fill;
  if constexpr (has_src) {
    using SrcS = typename Src::shape_type;
    static_assert(joining_check < Op, Args<Dim>,
                  IS::rank == 1 && index_source_fits<P, S, SrcS, IS::static_extents[0]>(), S, IS, SrcS > ::ok);
  } else {
    static_assert(joining_check<Op, Args<Dim>, IS::rank == 1, S, IS>::ok);
  }
  if constexpr (IS::rank == 1) {
    const auto im = materialize(index);
    const auto iv = as_view(im);
    const index_t len = iv.dims()[0], n = self.dims()[P];
    auto run = [&](auto&& body) {
      for (index_t i = 0; i < len; ++i) {
        index_t k = index_t(iv(i));
        if (k < (Mode == IndexMode::Fill ? -n : 0) || k >= n)
          throw index_error(join_op_error(Op::name, "index " + std::to_string(k) + " is out of bounds for dimension " +
                                                        std::to_string(P) + " with size " + std::to_string(n)));
        if (k < 0) k += n;
        body(i, select<int(P)>(self, k));
      }
    };
    if constexpr (has_src) {
      // A copy of source first: it may alias self.
      const Tensor<T, typename Src::shape_type, Cpu> sm(as_dtype<T>(src));
      auto want = self.dims().array();
      want[P] = len;
      if (sm.sizes() != want)
        throw shape_error(join_op_error(Op::name, "source " + sm.dims().str() + " must have self's shape " +
                                                      self.dims().str() + " with dimension " + std::to_string(P) +
                                                      " of the index's length " + std::to_string(len) + ", that is " +
                                                      shape_string(want)));
      const auto sv = sm.view();
      run([&](index_t i, auto dst) {
        if constexpr (Mode == IndexMode::Add) {
          if (alpha == T(1))
            dst = dst + select<int(P)>(sv, i);
          else
            dst = dst + select<int(P)>(sv, i) * alpha;
        } else {
          dst = select<int(P)>(sv, i);
        }
      });
    } else {
      const T v = static_cast<T>(src);
      run([&](index_t, auto dst) { dst.fill_(v); });
    }
  }
}

// The slice of dim P that index entry i names (Fill: negative entries count from the end), for a self
// of extent n along P (the forward has checked the entries).
template <class I>
index_t index_slice(const I& idx, index_t i, index_t n) {
  const index_t k = index_t(idx.data()[i]);
  return k < 0 ? k + n : k;
}

// The VJP for self of index_add (Mode Add: g) and of index_copy / index_fill (g with the written
// slices zeroed).
template <std::size_t P, IndexMode Mode, class V, class G, class I>
void index_self_backward(const V& in, const G& g, const I& idx) {
  if (!in.requires_grad()) return;
  if constexpr (Mode == IndexMode::Add) {
    autograd::accumulate(in, g);
  } else {
    auto gx = g;
    for (index_t i = 0; i < idx.numel(); ++i) select<int(P)>(gx, index_slice(idx, i, gx.dims()[P])).fill_(0);
    autograd::accumulate(in, gx);
  }
}

// The VJP for source: slice i gets alpha * g's slice index[i] (index_copy: only when no later entry
// copies to the same slice, since an overwritten slice never reaches the output).
template <std::size_t P, IndexMode Mode, class V, class G, class I>
void index_source_backward(const V& src, const G& g, const I& idx, typename G::value_type alpha) {
  if (!src.requires_grad()) return;
  using TS = typename V::value_type;
  bool fresh;
  auto& buf = autograd::grad_buffer(src, fresh);  // fresh: zeros, so adding is right either way
  const index_t len = idx.numel(), n = g.dims()[P];
  std::vector<index_t> last;  // index_copy: the entry whose slice survives in each slice of self
  if constexpr (Mode == IndexMode::Copy) {
    last.assign(std::size_t(n), -1);
    for (index_t i = 0; i < len; ++i) last[std::size_t(index_slice(idx, i, n))] = i;
  }
  for (index_t i = 0; i < len; ++i) {
    const index_t k = index_slice(idx, i, n);
    if (Mode == IndexMode::Copy && last[std::size_t(k)] != i) continue;
    auto dst = select<int(P)>(buf.view(), i);
    assign(dst, dst + as_dtype<TS>(select<int(P)>(g.view(), k) * alpha));
  }
}

// index_add / index_copy (Src an expression) or index_fill (Src a number) when self or source is a
// Var; the node keeps a copy of the index.
template <class Op, IndexMode Mode, int Dim, class X, class I, class Src>
auto index_update_tracked(const char* name, const X& x, const I& index, const Src& src,
                          typename X::value_type alpha = 1) {
  auto vx = autograd::as_var(x);
  using VX = decltype(vx);
  using T = typename VX::value_type;
  [[maybe_unused]] constexpr std::size_t P = view_dim_check<Op, typename VX::shape_type, Dim>::value;
  Tensor<typename I::value_type, typename I::shape_type, Cpu> idx(index);
  Tensor<T, typename VX::shape_type, Cpu> out(vx.value());
  if constexpr (Mode != IndexMode::Fill) {
    auto vs = autograd::as_var(src);
    using VS = decltype(vs);
    index_update<Op, Mode, Dim>(out.view(), idx, vs.value(), static_cast<T>(alpha));  // checks the index
    // Linear in (self, source) jointly: lin is the op itself on the arriving gradients.
    return autograd::record_linear(
        name, std::move(out), std::pair{std::move(idx), static_cast<T>(alpha)},
        [](const auto& st, const auto& g, const VX& in, const VS& s) {
          index_self_backward<P, Mode>(in, g, st.first);
          index_source_backward<P, Mode>(s, g, st.first, st.second);
        },
        [](const auto& st, const auto& hx, const auto& hs) {
          auto y = hx;
          index_update<Op, Mode, Dim>(y.view(), st.first, hs, st.second);
          return y;
        },
        vx, vs);
  } else {
    index_update<Op, Mode, Dim>(out.view(), idx, src);
    // Affine in self: the linear part fills with 0.
    return autograd::record_linear(
        name, std::move(out), std::move(idx),
        [](const auto& idx, const auto& g, const VX& in) { index_self_backward<P, Mode>(in, g, idx); },
        [](const auto& idx, const auto& h) {
          auto y = h;
          index_update<Op, Mode, Dim>(y.view(), idx, 0);
          return y;
        },
        vx);
  }
}
}  // namespace detail

// requires: as the header says; alpha a number (converted to self's dtype). ensures: self updated in
// place; returns self.
template <int Dim, class T, class S, Expression I, Expression Src, Arithmetic A = T>
Tensor<T, S, Cpu>& index_add_(Tensor<T, S, Cpu>& self, const I& index, const Src& source, A alpha = A(1)) {
  detail::index_update<op::IndexAdd, detail::IndexMode::Add, Dim>(self.view(), index, source, static_cast<T>(alpha));
  return self;
}
// requires: as index_add_, on a mutable view. ensures: the viewed elements updated in place.
template <int Dim, class T, class S, Expression I, Expression Src, Arithmetic A = std::remove_const_t<T>>
requires(!std::is_const_v<T>) void index_add_(const TensorView<T, S, Cpu>& self, const I& index, const Src& source,
                                              A alpha = A(1)) {
  detail::index_update<op::IndexAdd, detail::IndexMode::Add, Dim>(self, index, source, static_cast<T>(alpha));
}
// requires: as index_add_. ensures: a new Tensor: a copy of x with alpha * source added at the indices.
template <int Dim, Expression X, Expression I, Expression Src,
          Arithmetic A = std::remove_const_t<typename X::value_type>>
auto index_add(const X& x, const I& index, const Src& source, A alpha = A(1)) {
  using T = std::remove_const_t<typename X::value_type>;
  Tensor<T, typename X::shape_type, typename X::device_type> out(x);
  detail::index_update<op::IndexAdd, detail::IndexMode::Add, Dim>(out.view(), index, source, static_cast<T>(alpha));
  return out;
}

// Autograd: index_add when x or source is a Var (VJPs: detail::index_self_backward, index_source_backward).
template <int Dim, Expression X, Expression I, Expression Src,
          Arithmetic A = std::remove_const_t<typename X::value_type>>
requires(Tracked<X> || Tracked<Src>) auto index_add(const X& x, const I& index, const Src& source, A alpha = A(1)) {
  return detail::index_update_tracked<op::IndexAdd, detail::IndexMode::Add, Dim>(
      "IndexAddBackward0", x, index, source, static_cast<typename X::value_type>(alpha));
}

}  // namespace ctorch
