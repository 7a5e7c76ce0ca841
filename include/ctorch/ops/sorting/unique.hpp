// ctorch/ops/sorting/unique.hpp: unique (torch.unique): the distinct values of x (flattened), sorted
// ascending. unique<ReturnInverse, ReturnCounts>(x) also gives, for each entry of x, the position of its
// value among the distinct values (inverse, x's shape) and how often each distinct value occurs (counts):
//   unique(x)               a Tensor<T, Shape<Dyn>>
//   unique<true>(x)         {values, inverse}
//   unique<false, true>(x)  {values, counts}
//   unique<true, true>(x)   {values, inverse, counts}
// The values are always sorted: PyTorch's sorted=false leaves their order unspecified, and sorted is one
// such order. NaN entries are each distinct (NaN != NaN), after every number. dtype: values keep x's;
// inverse and counts are int64. The length is data-dependent: a Dyn extent. Gradient: none.
#pragma once
#include "common.hpp"

namespace ctorch {

// The results of unique with return_inverse and/or return_counts (usable with structured bindings).
template <class T, class D = Cpu>
struct unique_counts_result {
  Tensor<T, Shape<Dyn>, D> values;
  Tensor<int64_t, Shape<Dyn>, D> counts;
};
template <class T, class S, class D = Cpu>
struct unique_inverse_result {
  Tensor<T, Shape<Dyn>, D> values;
  Tensor<int64_t, S, D> inverse;
};
template <class T, class S, class D = Cpu>
struct unique_inverse_counts_result {
  Tensor<T, Shape<Dyn>, D> values;
  Tensor<int64_t, S, D> inverse;
  Tensor<int64_t, Shape<Dyn>, D> counts;
};

// ensures: as the header says.
template <bool ReturnInverse = false, bool ReturnCounts = false, Expression X>
auto unique(const X& x, bool sorted = true) {
  using S = typename X::shape_type;
  using T = std::remove_const_t<typename X::value_type>;
  using Dev = typename X::device_type;
  static_assert(std::is_same_v<Dev, Cpu>, "ctorch: unique: host tensors only for now");
  (void)sorted;
  const auto xm = detail::materialize(x);
  const auto xv = detail::as_view(xm);
  std::vector<detail::Entry<T>> all;
  all.reserve(std::size_t(xv.numel()));
  const auto st = xv.strides();
  detail::for_each_index(xv.dims().array(), [&](const auto& idx) {
    all.push_back(detail::Entry<T>{xv.data()[detail::offset_of(idx, st)], int64_t(all.size())});
  });
  detail::sort_entries(all, false);
  std::vector<T> vals;
  std::vector<int64_t> counts;
  std::vector<int64_t> inv(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i == 0 || !(all[i].value == all[i - 1].value)) {  // NaN != NaN: each NaN its own value
      vals.push_back(all[i].value);
      counts.push_back(0);
    }
    ++counts.back();
    inv[std::size_t(all[i].index)] = int64_t(vals.size() - 1);
  }
  Tensor<T, Shape<Dyn>, Dev> values(index_t(vals.size()));
  std::copy(vals.begin(), vals.end(), values.data());
  auto make_counts = [&] {
    Tensor<int64_t, Shape<Dyn>, Dev> c(index_t(counts.size()));
    std::copy(counts.begin(), counts.end(), c.data());
    return c;
  };
  auto make_inverse = [&] {
    Tensor<int64_t, S, Dev> t(xv.dims());
    std::copy(inv.begin(), inv.end(), t.data());
    return t;
  };
  if constexpr (ReturnInverse && ReturnCounts)
    return unique_inverse_counts_result<T, S, Dev>{std::move(values), make_inverse(), make_counts()};
  else if constexpr (ReturnInverse)
    return unique_inverse_result<T, S, Dev>{std::move(values), make_inverse()};
  else if constexpr (ReturnCounts)
    return unique_counts_result<T, Dev>{std::move(values), make_counts()};
  else
    return values;
}

}  // namespace ctorch
