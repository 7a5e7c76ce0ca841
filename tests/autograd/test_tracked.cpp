// Every op called on a Var gives a tracked result (a Var, or an expression over Vars that a Var records).
// An op with no Var overload takes a Var as a plain expression and returns an untracked Tensor, so the
// gradient silently stops there (prod along a dim did, until session 7). These are compile-time checks over
// the ops' public forms; a new op form belongs here as well as in a gradcheck list.
#include <doctest/doctest.h>

#include <ctorch/autograd.hpp>
#include <ctorch/ctorch.hpp>
#include <type_traits>

using namespace ctorch;

namespace {

template <class X>
constexpr bool tracked_v = is_var_v<std::remove_cvref_t<X>> || autograd::detail::has_var<std::remove_cvref_t<X>>;

#define CTORCH_TRACKED(...) static_assert(tracked_v<decltype(__VA_ARGS__)>, "not tracked: " #__VA_ARGS__)

using V23 = Var<double, Shape<2, 3>>;
using V33 = Var<double, Shape<3, 3>>;
using I23 = Tensor<std::int64_t, Shape<2, 3>>;
using I2 = Tensor<std::int64_t, Shape<2>>;

// Never called: the checks are in the declarations' types.
[[maybe_unused]] void reductions_and_picks(const V23& x) {
  CTORCH_TRACKED(sum(x));
  CTORCH_TRACKED(sum<1>(x));
  CTORCH_TRACKED(mean(x));
  CTORCH_TRACKED(mean<1, true>(x));
  CTORCH_TRACKED(prod(x));
  CTORCH_TRACKED(prod<1>(x));
  CTORCH_TRACKED(prod<0, true>(x));
  CTORCH_TRACKED(cumsum<1>(x));
  CTORCH_TRACKED(cumprod<1>(x));
  CTORCH_TRACKED(logsumexp<1>(x));
  CTORCH_TRACKED(amax<1>(x));
  CTORCH_TRACKED(amin(x));
  CTORCH_TRACKED(var(x));
  CTORCH_TRACKED(var<1>(x));
  CTORCH_TRACKED(ctorch::std(x));
  CTORCH_TRACKED(ctorch::std<0>(x));
  CTORCH_TRACKED(norm(x));
  CTORCH_TRACKED(norm<1>(x));
  CTORCH_TRACKED(max(x));
  CTORCH_TRACKED(min(x));
  CTORCH_TRACKED(median(x));
  CTORCH_TRACKED(nanmedian(x));
  CTORCH_TRACKED(dist(x, x));
  CTORCH_TRACKED(dist(x, x, 1.0));
  CTORCH_TRACKED(ctorch::max<1>(x).values);
  CTORCH_TRACKED(ctorch::min<1>(x).values);
  CTORCH_TRACKED(median<1>(x).values);
  CTORCH_TRACKED(mode<1>(x).values);
  CTORCH_TRACKED(kthvalue<1>(x, 1).values);
  CTORCH_TRACKED(sort<1>(x).values);
  CTORCH_TRACKED(topk<2, 1>(x).values);
}

[[maybe_unused]] void pointwise_views_joining(const V23& x, const V33& q, const I23& idx, const I2& i2) {
  CTORCH_TRACKED(clamp(x, 0.0, 1.0));
  CTORCH_TRACKED(clamp_min(x, 1.0));
  CTORCH_TRACKED(where(x > 2.0, x, 0.0));
  CTORCH_TRACKED(masked_fill(x, x > 2.0, 0.0));
  CTORCH_TRACKED(addcmul(x, x, x));
  CTORCH_TRACKED(addcdiv(x, x, x));
  CTORCH_TRACKED(atan2(x, x));
  CTORCH_TRACKED(fmod(x, x));
  CTORCH_TRACKED(remainder(x, x));
  CTORCH_TRACKED(abs(x));
  CTORCH_TRACKED(flip<1>(x));
  CTORCH_TRACKED(roll<1>(x, 1));
  CTORCH_TRACKED(cat<0>(x, x));
  CTORCH_TRACKED(stack<1>(x, x));
  CTORCH_TRACKED(repeat<2, 1>(x));
  CTORCH_TRACKED(tril(q));
  CTORCH_TRACKED(triu(q));
  CTORCH_TRACKED(diag(q));
  CTORCH_TRACKED(diagonal(q));
  CTORCH_TRACKED(diag_embed(sum<1>(x)));
  CTORCH_TRACKED(rot90(q));
  CTORCH_TRACKED(gather<1>(x, idx));
  CTORCH_TRACKED(scatter<1>(x, idx, x));
  CTORCH_TRACKED(scatter_add<1>(x, idx, x));
  CTORCH_TRACKED(index_select<1>(x, i2));
  CTORCH_TRACKED(index_fill<1>(x, i2, 0.0));
  CTORCH_TRACKED(take(x, i2));
  CTORCH_TRACKED(put(x, i2, Tensor<double, Shape<2>>{1.0, 2.0}));
  CTORCH_TRACKED(transpose<0, 1>(x));
  CTORCH_TRACKED(x.t());
  CTORCH_TRACKED(reshape<3, 2>(x));
  CTORCH_TRACKED(narrow<1, 2>(x, 0));
  CTORCH_TRACKED(select<1>(x, 0));
  CTORCH_TRACKED(movedim<0, 1>(x));
  CTORCH_TRACKED(flatten(x));
  CTORCH_TRACKED(unflatten<0, 1, 2>(x));
  CTORCH_TRACKED(permute<1, 0>(x));
  CTORCH_TRACKED(squeeze(x));
  CTORCH_TRACKED(unsqueeze<0>(x));
  CTORCH_TRACKED(view_as(x, x));
  CTORCH_TRACKED(clone(x));
  CTORCH_TRACKED(renorm<0>(x, 2.0, 1.0));
  CTORCH_TRACKED(cross<1>(q, q));
}

[[maybe_unused]] void products_and_linalg(const V33& q) {
  const auto v = sum<0>(q);
  const auto b = unsqueeze<0>(q);
  CTORCH_TRACKED(matmul(q, q));
  CTORCH_TRACKED(mm(q, q));
  CTORCH_TRACKED(mv(q, v));
  CTORCH_TRACKED(dot(v, v));
  CTORCH_TRACKED(outer(v, v));
  CTORCH_TRACKED(bmm(b, b));
  CTORCH_TRACKED(addmm(q, q, q));
  CTORCH_TRACKED(addmv(v, q, v));
  CTORCH_TRACKED(addr(q, v, v));
  CTORCH_TRACKED(baddbmm(b, b, b));
  CTORCH_TRACKED(addbmm(q, b, b));
  CTORCH_TRACKED(trace(q));
  CTORCH_TRACKED(matrix_power(q, 2));
  CTORCH_TRACKED(linalg::matrix_norm(q));
  CTORCH_TRACKED(inverse(q));
  CTORCH_TRACKED(det(q));
}

}  // namespace

TEST_CASE("autograd: every op form called on a Var is tracked (compile-time checks in this file)") {
  CHECK(tracked_v<V23>);
  CHECK(!tracked_v<Tensor<double, Shape<2, 3>>>);
  CHECK(!tracked_v<decltype(prod<1>(std::declval<const Tensor<double, Shape<2, 3>>&>()))>);
}
