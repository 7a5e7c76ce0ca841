// The method spelling (core/methods.hpp): every method of the lists is called at least once, on the kinds
// of object that have it, and gives the free function's result: the same type (so a method on an
// expression stays a lazy, fused expression exactly when the function does) and the same values. In-place
// methods modify and return *this; on views they write through to the base. Also the small names added
// with the methods: data_ptr, ndimension, nelement, element_size, is_signed, is_cuda, storage_offset,
// type_as, view_as, cpu, is_tensor, range, get_rng_state / set_rng_state, copy_, tril_ / triu_, renorm_,
// masked_copy_, apply_, map_.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <ctorch/autograd.hpp>
#include <ctorch/ctorch.hpp>

using namespace ctorch;

namespace {

using T23 = Tensor<float, Shape<2, 3>>;
using D33 = Tensor<double, Shape<3, 3>>;

// ---- comparing a method's result with the function's ------------------------------------------------

template <class V>
bool same_element(V a, V b) {
  if constexpr (std::is_floating_point_v<V>)
    if (std::isnan(a) && std::isnan(b)) return true;
  return a == b;
}

template <class X>
auto host(const X& x) {
  using U = std::remove_cvref_t<X>;
  return Tensor<std::remove_const_t<typename U::value_type>, typename U::shape_type, Cpu>(x);
}

// Same values and extents (the types may differ: an in-place result against the function's expression).
template <class A, class B>
void values_equal(const A& a, const B& b) {
  const auto ha = host(a);
  const auto hb = host(b);
  static_assert(std::is_same_v<typename decltype(ha)::value_type, typename decltype(hb)::value_type>);
  REQUIRE(ha.sizes().size() == hb.sizes().size());
  CHECK(ha.sizes() == hb.sizes());
  const auto la = ha.tolist();
  const auto lb = hb.tolist();
  REQUIRE(la.size() == lb.size());
  for (std::size_t i = 0; i < la.size(); ++i) {
    INFO("element " << i << ": " << la[i] << " vs " << lb[i]);
    CHECK(same_element(la[i], lb[i]));
  }
}

// A comparison's bool result as the float an in-place comparison stores; a float result unchanged (the same
// evaluation path as the in-place op: a cast would move it off the packet path, whose atan2 may differ in
// the last bit from the scalar one).
template <class E>
auto as_float(E&& e) {
  if constexpr (std::is_same_v<typename std::remove_cvref_t<E>::value_type, float>)
    return host(e);
  else
    return host(cast<float>(e));
}

template <class>
inline constexpr bool is_std_array = false;
template <class V, std::size_t N>
inline constexpr bool is_std_array<std::array<V, N>> = true;
template <class>
inline constexpr bool is_std_vector = false;
template <class V, class Al>
inline constexpr bool is_std_vector<std::vector<V, Al>> = true;

// The method's result a and the function's b: the same type and the same values. Structs of tensors
// ({values, indices}) are compared member by member; other structs by the caller.
template <class A, class B>
void same(const A& a, const B& b) {
  using DA = std::remove_cvref_t<A>;
  using DB = std::remove_cvref_t<B>;
  static_assert(std::is_same_v<DA, DB>, "a method must return exactly what its function returns");
  if constexpr (Expression<DA>) {
    values_equal(a, b);
  } else if constexpr (requires { std::tuple_size<DA>::value; } && !is_std_array<DA>) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (same(std::get<I>(a), std::get<I>(b)), ...);
    }
    (std::make_index_sequence<std::tuple_size_v<DA>>{});
  } else if constexpr (is_std_array<DA> || is_std_vector<DA>) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) same(a[i], b[i]);
  } else if constexpr (requires {
                         a.values;
                         a.indices;
                       }) {
    same(a.values, b.values);
    same(a.indices, b.indices);
  } else {
    static_assert(std::is_arithmetic_v<DA>, "compare this struct's members in the test");
    CHECK(a == b);
  }
}

template <class X>
constexpr bool is_lazy = Expression<X> && !is_tensor_v<std::remove_cvref_t<X>> &&
                         !is_tensor_view_v<std::remove_cvref_t<X>> && !is_var_v<std::remove_cvref_t<X>>;

// ---- fixtures ------------------------------------------------------------------------------------------

// In every unary op's domain.
T23 pos() {
  return T23{{0.1f, 0.25f, 0.5f}, {0.6f, 0.75f, 0.9f}};
}
T23 other() {
  return T23{{0.3f, 0.25f, 0.2f}, {0.7f, 0.5f, 0.95f}};
}
// Symmetric positive definite.
D33 spd() {
  return D33{{4, 1, 0.5}, {1, 3, 0.25}, {0.5, 0.25, 2}};
}

// ---- the registry: one check per method name ---------------------------------------------------------

std::map<std::string, std::function<void()>>& registry() {
  static std::map<std::string, std::function<void()>> r;
  return r;
}
struct Reg {
  Reg(std::initializer_list<const char*> names, std::function<void()> f) {
    for (const char* n : names) registry()[n] = f;
  }
};
#define CTORCH_CAT2(a, b) a##b
#define CTORCH_CAT(a, b) CTORCH_CAT2(a, b)
#define CHECKS_IMPL(fn, ...)                          \
  void fn();                                          \
  const Reg CTORCH_CAT(fn, _reg)({__VA_ARGS__}, &fn); \
  void fn()
#define CHECKS(...) CHECKS_IMPL(CTORCH_CAT(check_, __LINE__), __VA_ARGS__)

// Unary lazy op f with in-place twin f_: on a Tensor (lvalue, const, rvalue), a view, an expression, a
// Var; f_ returns *this and writes through a view.
#define UNARY(f)                                                                \
  CHECKS(#f, #f "_") {                                                          \
    auto x = pos();                                                             \
    const auto& cx = x;                                                         \
    same(x.f(), f(x));                                                          \
    same(cx.f(), f(cx));                                                        \
    same(pos().f(), f(pos()));                                                  \
    static_assert(is_lazy<decltype(pos().f())> == is_lazy<decltype(f(pos()))>); \
    const auto v = transpose<0, 1>(x);                                          \
    same(v.f(), f(v));                                                          \
    const auto e = x * 1.0f;                                                    \
    same(e.f(), f(e));                                                          \
    static_assert(is_lazy<decltype(e.f())>);                                    \
    Var<float, Shape<2, 3>> w(pos());                                           \
    same(w.f(), f(w));                                                          \
    auto y = pos();                                                             \
    auto& r = y.f##_();                                                         \
    CHECK(&r == &y);                                                            \
    values_equal(y, f(pos()));                                                  \
    auto z = pos();                                                             \
    auto col = select<1>(z, 2);                                                 \
    CHECK(&col.f##_() == &col);                                                 \
    const auto ref = pos();                                                     \
    values_equal(select<1>(z, 2), f(select<1>(ref, 2)));                        \
    values_equal(narrow<1, 2>(z, 0), narrow<1, 2>(ref, 0));                     \
  }
#define UNARY_ONLY(f)          \
  CHECKS(#f) {                 \
    auto x = pos();            \
    same(x.f(), f(x));         \
    same(pos().f(), f(pos())); \
    const auto e = x * 2.0f;   \
    same(e.f(), f(e));         \
    const auto v = x.view();   \
    same(v.f(), f(v));         \
  }

UNARY(abs)
UNARY(acos)
UNARY(asin)
UNARY(atan)
UNARY(ceil)
UNARY(cos)
UNARY(cosh)
UNARY(erf)
UNARY(erfinv)
UNARY(exp)
UNARY(expm1)
UNARY(floor)
UNARY(frac)
UNARY(log)
UNARY(log10)
UNARY(log1p)
UNARY(log2)
UNARY(neg)
UNARY(reciprocal)
UNARY(relu)
UNARY(round)
UNARY(rsqrt)
UNARY(sigmoid)
UNARY(sign)
UNARY(sin)
UNARY(sinh)
UNARY(sqrt)
UNARY(square)
UNARY(tan)
UNARY(tanh)
UNARY(trunc)
UNARY_ONLY(negative)
UNARY_ONLY(isnan)
UNARY_ONLY(isinf)
UNARY_ONLY(isfinite)
UNARY_ONLY(logical_not)

// Binary lazy op f (tensor and number operands) with in-place twin f_.
#define BINARY(f)                                                                              \
  CHECKS(#f, #f "_") {                                                                         \
    auto x = pos();                                                                            \
    const auto y = other();                                                                    \
    same(x.f(y), f(x, y));                                                                     \
    same(x.f(0.5f), f(x, 0.5f));                                                               \
    same(pos().f(y), f(pos(), y));                                                             \
    same((x + y).f(y), f(x + y, y));                                                           \
    same(transpose<0, 1>(x).f(transpose<0, 1>(y)), f(transpose<0, 1>(x), transpose<0, 1>(y))); \
    auto z = pos();                                                                            \
    CHECK(&z.f##_(y) == &z);                                                                   \
    values_equal(z, as_float(f(pos(), y)));                                                    \
    auto s = pos();                                                                            \
    s.f##_(0.5f);                                                                              \
    values_equal(s, as_float(f(pos(), 0.5f)));                                                 \
  }
#define BINARY_ONLY(f)                     \
  CHECKS(#f) {                             \
    auto x = pos();                        \
    const auto y = other();                \
    same(x.f(y), f(x, y));                 \
    same((x * 2.0f).f(y), f(x * 2.0f, y)); \
    same(x.view().f(y), f(x.view(), y));   \
  }
BINARY(add)
BINARY(sub)
BINARY(mul)
BINARY(div)
BINARY(pow)
BINARY(fmod)
BINARY(remainder)
BINARY(atan2)
BINARY(eq)
BINARY(ne)
BINARY(lt)
BINARY(le)
BINARY(gt)
BINARY(ge)
BINARY(clamp_min)
BINARY(clamp_max)
BINARY_ONLY(maximum)
BINARY_ONLY(minimum)
BINARY_ONLY(isclose)
BINARY_ONLY(logical_and)
BINARY_ONLY(logical_or)
BINARY_ONLY(logical_xor)

CHECKS("addcdiv", "addcdiv_", "addcmul", "addcmul_", "lerp", "lerp_", "clamp", "clamp_") {
  auto x = pos();
  const auto y = other();
  same(x.add(y, 2), add(x, y, 2));  // alpha
  same(x.sub(y, 2), sub(x, y, 2));
  same(x.addcdiv(y, x, 0.5), addcdiv(x, y, x, 0.5));
  same(x.addcmul(y, x, 0.5), addcmul(x, y, x, 0.5));
  same(x.lerp(y, 0.25f), lerp(x, y, 0.25f));
  same(x.clamp(0.3f, 0.7f), clamp(x, 0.3f, 0.7f));
  same((x * 2).clamp(0.3f, 0.7f), clamp(x * 2, 0.3f, 0.7f));
  auto a = pos(), b = pos(), c = pos(), d = pos();
  CHECK(&a.addcdiv_(y, x, 0.5) == &a);
  CHECK(&b.addcmul_(y, x) == &b);
  CHECK(&c.lerp_(y, 0.25f) == &c);
  CHECK(&d.clamp_(0.3f, 0.7f) == &d);
  values_equal(a, addcdiv(x, y, x, 0.5));
  values_equal(b, addcmul(x, y, x));
  values_equal(c, lerp(x, y, 0.25f));
  values_equal(d, clamp(x, 0.3f, 0.7f));
}

CHECKS("type_as", "masked_fill", "masked_fill_") {
  auto x = pos();
  const Tensor<double, Shape<3>> d{1, 2, 3};
  same(x.type_as(d), type_as(x, d));
  static_assert(std::is_same_v<decltype(x.type_as(d))::value_type, double>);
  static_assert(is_lazy<decltype(x.type_as(d))>);
  const Tensor<bool, Shape<2, 3>> m{{true, false, true}, {false, false, true}};
  same(x.masked_fill(m, -1.0f), masked_fill(x, m, -1.0f));
  auto y = pos();
  CHECK(&y.masked_fill_(m, -1.0f) == &y);
  values_equal(y, masked_fill(x, m, -1.0f));
}

// Reductions with an optional static dim: t.f(), t.f<1>(), t.f<-1, true>() on tensors and expressions.
// (ctorch::f: a free function named std must be qualified next to namespace std; the method need not.)
#define REDUCTION(f)                                                   \
  CHECKS(#f) {                                                         \
    auto x = pos();                                                    \
    same(x.f(), ctorch::f(x));                                         \
    same(x.f<1>(), ctorch::f<1>(x));                                   \
    same(x.f<-1, true>(), ctorch::f<-1, true>(x));                     \
    same((x * x).f<0>(), ctorch::f<0>(x * x));                         \
    same((x * x).f(), ctorch::f(x* x));                                \
    same(transpose<0, 1>(x).f<0>(), ctorch::f<0>(transpose<0, 1>(x))); \
  }
REDUCTION(sum)
REDUCTION(mean)
REDUCTION(prod)
REDUCTION(amax)
REDUCTION(amin)
REDUCTION(argmax)
REDUCTION(argmin)
REDUCTION(all)
REDUCTION(any)
REDUCTION(norm)
REDUCTION(var)
REDUCTION(std)
REDUCTION(max)
REDUCTION(min)
REDUCTION(median)
REDUCTION(nanmedian)

CHECKS("cumsum", "cumprod", "logsumexp", "mode", "kthvalue", "sort", "argsort", "topk") {
  auto x = pos();
  same(x.cumsum<1>(), cumsum<1>(x));
  same((x + 1).cumprod<0>(), cumprod<0>(x + 1));
  same(x.logsumexp<1>(), logsumexp<1>(x));
  same(x.mode(), mode(x));
  same(x.mode<0>(), mode<0>(x));
  same(x.kthvalue(2), kthvalue(x, 2));
  same(x.kthvalue<0, true>(1), kthvalue<0, true>(x, 1));
  same(x.sort(), sort(x));
  same(x.sort<0>(true), sort<0>(x, true));
  same(x.argsort(true), argsort(x, true));
  same(x.topk<2>(), topk<2>(x));
  same(x.topk<1, 0>(false), topk<1, 0>(x, false));
  same(x.norm(1.0), norm(x, 1.0));
  same(x.var<1>(false), var<1>(x, false));
}

CHECKS("unique", "histc", "cross", "dist", "renorm", "renorm_", "clone", "equal", "allclose") {
  const Tensor<float, Shape<6>> u{3, 1, 2, 3, 1, 5};
  same(u.unique(), unique(u));
  const auto ui = u.unique<true, true>();
  const auto fi = unique<true, true>(u);
  static_assert(std::is_same_v<decltype(ui), decltype(fi)>);
  same(ui.values, fi.values);
  same(ui.inverse, fi.inverse);
  same(ui.counts, fi.counts);
  same(u.histc<4>(0, 6), histc<4>(u, 0, 6));
  auto x = pos();
  const auto y = other();
  const Tensor<float, Shape<2, 3>> a{{1, 2, 3}, {4, 5, 6}};
  same(a.cross(y), cross(a, y));
  same(x.dist(y), dist(x, y));
  same(x.dist(y, 1), dist(x, y, 1));
  same(a.renorm<0>(2.0, 3.0), renorm<0>(a, 2.0, 3.0));
  auto b = a;
  CHECK(&b.renorm_<0>(2.0, 3.0) == &b);
  values_equal(b, renorm<0>(a, 2.0, 3.0));
  same(x.clone(), clone(x));
  same((x + 1).clone(), clone(x + 1));
  CHECK(x.equal(pos()));
  CHECK(!x.equal(y));
  CHECK(x.allclose(x + 1e-9f));
  CHECK(x.equal(x.clone()) == equal(x, clone(x)));
}

// ---- views ------------------------------------------------------------------------------------------------

CHECKS("view", "view_as", "reshape", "flatten", "unflatten", "squeeze", "unsqueeze", "permute", "expand", "expand_as",
       "narrow", "select", "movedim", "diagonal", "unfold", "transpose", "t", "contiguous", "as_strided") {
  auto x = pos();
  same(x.view<3, 2>(), view<3, 2>(x));
  same(x.view<Shape<Dyn, 2>>(3), view<Shape<Dyn, 2>>(x, 3));
  same(x.view<-1>(), view<-1>(x));
  const Tensor<float, Shape<3, 2>> o;
  same(x.view_as(o), view_as(x, o));
  static_assert(std::is_same_v<decltype(x.view_as(o)), TensorView<float, Shape<3, 2>>>);
  const Tensor<float, Shape<Dyn>> od(6);
  same(x.view_as(od), view_as(x, od));
  CHECK(x.view_as(od).size(0) == 6);
  same(x.reshape<6>(), reshape<6>(x));
  same(x.reshape<Shape<Dyn>>(6), reshape<Shape<Dyn>>(x, 6));
  same(x.flatten(), flatten(x));
  same(x.unflatten<1, 3, 1>(), unflatten<1, 3, 1>(x));
  const Tensor<float, Shape<2, 1, 3>> s;
  same(s.squeeze(), squeeze(s));
  same(s.squeeze<1>(), squeeze<1>(s));
  same(x.unsqueeze<0>(), unsqueeze<0>(x));
  same(x.permute<1, 0>(), permute<1, 0>(x));
  const Tensor<float, Shape<3>> r{1, 2, 3};
  same(r.expand<2, 3>(), expand<2, 3>(r));
  same(r.expand<Shape<2, 3>>(), expand<Shape<2, 3>>(r));
  same(r.expand_as(x), expand_as(r, x));
  same(x.narrow<1, 2>(1), narrow<1, 2>(x, 1));
  same(x.narrow<1>(0, 2), narrow<1>(x, 0, 2));
  same(x.select<0>(1), select<0>(x, 1));
  same(x.movedim<0, 1>(), movedim<0, 1>(x));
  same(x.diagonal(), diagonal(x));
  same(x.diagonal<1>(), diagonal<1>(x));
  same(x.unfold<1, 2, 1>(), unfold<1, 2, 1>(x));
  same(x.transpose<0, 1>(), transpose<0, 1>(x));
  same(x.t(), t(x));
  same(x.contiguous(), contiguous(x));
  same(x.t().contiguous(), contiguous(t(x)));
  same(x.as_strided<Shape<3, 2>>(std::array<index_t, 2>{1, 3}),
       as_strided<Shape<3, 2>>(x, std::array<index_t, 2>{1, 3}));
  // A view of a non-const Tensor is writable; of a const one it is not; views of views compose.
  static_assert(std::is_same_v<decltype(x.t()), TensorView<float, Shape<3, 2>>>);
  const auto& cx = x;
  static_assert(std::is_same_v<decltype(cx.t()), TensorView<const float, Shape<3, 2>>>);
  x.t().select<0>(2).fill_(7.0f);  // column 2 of x
  CHECK(x(0, 2) == 7.0f);
  CHECK(x(1, 2) == 7.0f);
  CHECK(x(0, 1) == 0.25f);
  // On a Var: the view ops record their gradient (the method is the function).
  Var<float, Shape<2, 3>> w(pos(), true);
  same(w.t(), t(w));
  same(w.view<6>(), view<6>(w));
  same(w.transpose<0, 1>(), transpose<0, 1>(w));
  same(w.flatten(), flatten(w));
}

CHECKS("chunk", "split", "split_with_sizes", "unbind", "flip", "roll", "rot90", "repeat", "tile", "diag", "diag_embed",
       "tril", "triu", "tril_", "triu_") {
  auto x = pos();
  same(x.chunk<1, 3>(), chunk<1, 3>(x));
  same(x.chunk<1>(2), chunk<1>(x, 2));
  same(x.split<1, 2>(), split<1, 2>(x));
  same(x.split<1>(2), split<1>(x, 2));
  same(x.split_with_sizes<1, 1, 2>(), split_with_sizes<1, 1, 2>(x));
  same(x.unbind(), unbind(x));
  same(x.unbind<1>(), unbind<1>(x));
  same(x.flip<1>(), flip<1>(x));
  same((x * 2).flip<0, 1>(), flip<0, 1>(x * 2));
  same(x.roll<1>(1), roll<1>(x, 1));
  same(x.rot90(), rot90(x));
  same(x.repeat<2, 1>(), repeat<2, 1>(x));
  same(x.tile<2>(), tile<2>(x));
  const Tensor<float, Shape<3>> r{1, 2, 3};
  same(r.diag(), diag(r));
  same(x.diag<1>(), diag<1>(x));
  same(r.diag_embed(), diag_embed(r));
  same(x.tril(), tril(x));
  same(x.triu<1>(), triu<1>(x));
  auto a = pos(), b = pos();
  CHECK(&a.tril_() == &a);
  CHECK(&b.triu_<1>() == &b);
  values_equal(a, tril(x));
  values_equal(b, triu<1>(x));
  // tril_ on a view writes through to the base: the transposed view's lower triangle is x's upper one.
  auto c = pos();
  c.t().tril_();
  values_equal(c, triu(x));
}

CHECKS("gather", "index_select", "index_add", "index_add_", "index_copy", "index_copy_", "index_fill", "index_fill_",
       "masked_scatter", "masked_scatter_", "masked_copy_", "masked_select", "nonzero", "put", "put_", "take",
       "scatter", "scatter_", "scatter_add", "scatter_add_") {
  auto x = pos();
  const Tensor<std::int64_t, Shape<2, 2>> gi{{0, 2}, {1, 1}};
  same(x.gather<1>(gi), gather<1>(x, gi));
  const Tensor<std::int64_t, Shape<2>> idx{2, 0};
  same(x.index_select<1>(idx), index_select<1>(x, idx));
  const Tensor<float, Shape<2, 2>> src{{10, 20}, {30, 40}};
  same(x.index_add<1>(idx, src), index_add<1>(x, idx, src));
  same(x.index_add<1>(idx, src, 2.0f), index_add<1>(x, idx, src, 2.0f));
  same(x.index_copy<1>(idx, src), index_copy<1>(x, idx, src));
  same(x.index_fill<1>(idx, -1.0f), index_fill<1>(x, idx, -1.0f));
  const Tensor<bool, Shape<2, 3>> m{{true, false, true}, {false, false, true}};
  const Tensor<float, Shape<6>> ms{10, 20, 30, 40, 50, 60};
  same(x.masked_scatter(m, ms), masked_scatter(x, m, ms));
  same(x.masked_select(m), masked_select(x, m));
  same(m.nonzero(), nonzero(m));
  const Tensor<std::int64_t, Shape<2>> flat{5, 0};
  const Tensor<float, Shape<2>> pv{-1, -2};
  same(x.put(flat, pv), put(x, flat, pv));
  same(x.put(flat, pv, true), put(x, flat, pv, true));
  same(x.take(flat), take(x, flat));
  same(x.scatter<1>(gi, src), scatter<1>(x, gi, src));
  same(x.scatter<1>(gi, 5.0f), scatter<1>(x, gi, 5.0f));
  same(x.scatter_add<1>(gi, src), scatter_add<1>(x, gi, src));

  auto a = pos(), b = pos(), c = pos(), d = pos(), e = pos(), f = pos(), g = pos(), h = pos();
  CHECK(&a.index_add_<1>(idx, src) == &a);
  CHECK(&b.index_copy_<1>(idx, src) == &b);
  CHECK(&c.index_fill_<1>(idx, -1.0f) == &c);
  CHECK(&d.masked_scatter_(m, ms) == &d);
  CHECK(&e.masked_copy_(m, ms) == &e);
  CHECK(&f.put_(flat, pv) == &f);
  CHECK(&g.scatter_<1>(gi, src) == &g);
  CHECK(&h.scatter_add_<1>(gi, src) == &h);
  values_equal(a, index_add<1>(x, idx, src));
  values_equal(b, index_copy<1>(x, idx, src));
  values_equal(c, index_fill<1>(x, idx, -1.0f));
  values_equal(d, masked_scatter(x, m, ms));
  values_equal(e, masked_scatter(x, m, ms));  // masked_copy_ is masked_scatter_'s old name
  values_equal(f, put(x, flat, pv));
  values_equal(g, scatter<1>(x, gi, src));
  values_equal(h, scatter_add<1>(x, gi, src));
  // On views: write through to the base (index_fill_ on the transpose fills rows of x).
  auto k = pos();
  const Tensor<std::int64_t, Shape<1>> row{1};
  k.t().index_fill_<1>(row, 9.0f);
  for (index_t j = 0; j < 3; ++j) {
    CHECK(k(1, j) == 9.0f);
    CHECK(k(0, j) == x(0, j));
  }
}

// ---- linear algebra -----------------------------------------------------------------------------------

CHECKS("matmul", "mm", "bmm", "mv", "dot", "addmm", "inverse", "det", "logdet", "slogdet", "trace", "matrix_power",
       "pinverse", "cholesky", "cholesky_inverse", "cholesky_solve", "lu_solve", "qr", "svd", "geqrf", "orgqr", "ormqr",
       "triangular_solve") {
  const D33 a = spd();
  const D33 b{{1, 2, 3}, {0, 1, 4}, {5, 6, 0}};
  const Tensor<double, Shape<3>> v{1, -1, 2};
  same(a.matmul(b), matmul(a, b));
  same((a * 2).matmul(b), matmul(a * 2, b));
  same(a.mm(b), mm(a, b));
  const Tensor<double, Shape<2, 3, 3>> ab{{{1, 0, 0}, {0, 2, 0}, {0, 0, 3}}, {{1, 1, 0}, {0, 1, 1}, {1, 0, 1}}};
  same(ab.bmm(ab), bmm(ab, ab));
  same(a.mv(v), mv(a, v));
  same(v.dot(v), dot(v, v));
  same(a.addmm(a, b), addmm(a, a, b));
  same(a.addmm(a, b, 0.5, 2.0), addmm(a, a, b, 0.5, 2.0));
  same(b.inverse(), inverse(b));
  same(b.det(), det(b));
  same(a.logdet(), logdet(a));
  const auto sm = b.slogdet();
  const auto sf = slogdet(b);
  static_assert(std::is_same_v<decltype(sm), decltype(sf)>);
  same(sm.sign, sf.sign);
  same(sm.logabsdet, sf.logabsdet);
  same(a.trace(), trace(a));
  same(b.matrix_power(3), matrix_power(b, 3));
  same(b.pinverse(), pinverse(b));
  same(a.cholesky(), cholesky(a));
  same(a.cholesky(true), cholesky(a, true));
  const auto L = cholesky(a);
  same(L.cholesky_inverse(), cholesky_inverse(L));
  same(b.cholesky_solve(L), cholesky_solve(b, L));
  const auto f = linalg::lu_factor(b);
  same(a.lu_solve(f.LU, f.pivots), lu_solve(a, f.LU, f.pivots));
  const auto qm = b.qr();
  const auto qf = qr(b);
  static_assert(std::is_same_v<decltype(qm), decltype(qf)>);
  same(qm.Q, qf.Q);
  same(qm.R, qf.R);
  const auto svm = b.svd();
  const auto svf = svd(b);
  static_assert(std::is_same_v<decltype(svm), decltype(svf)>);
  same(svm.S, svf.S);
  same(svm.U, svf.U);
  same(svm.V, svf.V);
  const auto gm = b.geqrf();
  const auto gf = geqrf(b);
  static_assert(std::is_same_v<decltype(gm), decltype(gf)>);
  same(gm.a, gf.a);
  same(gm.tau, gf.tau);
  same(gf.a.orgqr(gf.tau), orgqr(gf.a, gf.tau));
  same(gf.a.ormqr(gf.tau, a), ormqr(gf.a, gf.tau, a));
  const auto tm = a.triangular_solve(L, false);
  const auto tf = triangular_solve(a, L, false);
  static_assert(std::is_same_v<decltype(tm), decltype(tf)>);
  same(tm.solution, tf.solution);
}

CHECKS("addmv", "addr", "addbmm", "baddbmm", "ger", "outer") {
  const D33 a = spd();
  const Tensor<double, Shape<3>> v{1, -1, 2};
  const Tensor<double, Shape<3>> u{0.5, 2, -3};
  same(u.addmv(a, v), addmv(u, a, v));
  same(u.addmv(a, v, 0.5, 2.0), addmv(u, a, v, 0.5, 2.0));
  same(a.addr(u, v), addr(a, u, v));
  same(u.ger(v), ger(u, v));
  same(u.outer(v), outer(u, v));
  same((u * 2).outer(v), outer(u * 2, v));
  const Tensor<double, Shape<2, 3, 3>> ab{{{1, 0, 0}, {0, 2, 0}, {0, 0, 3}}, {{1, 1, 0}, {0, 1, 1}, {1, 0, 1}}};
  same(a.addbmm(ab, ab), addbmm(a, ab, ab));
  same(ab.baddbmm(ab, ab, 2.0, 0.5), baddbmm(ab, ab, ab, 2.0, 0.5));
}

CHECKS("addmm_", "addmv_", "addr_", "addbmm_", "baddbmm_") {
  const D33 a = spd();
  const Tensor<double, Shape<3>> v{1, -1, 2};
  const Tensor<double, Shape<3>> u{0.5, 2, -3};
  const Tensor<double, Shape<2, 3, 3>> ab{{{1, 0, 0}, {0, 2, 0}, {0, 0, 3}}, {{1, 1, 0}, {0, 1, 1}, {1, 0, 1}}};
  D33 m = a;
  CHECK(&m.addmm_(a, a, 0.5, 2.0) == &m);
  values_equal(m, addmm(a, a, a, 0.5, 2.0));
  auto w = u;
  CHECK(&w.addmv_(a, v, 2.0) == &w);
  values_equal(w, addmv(u, a, v, 2.0));
  D33 r = a;
  CHECK(&r.addr_(u, v) == &r);
  values_equal(r, addr(a, u, v));
  D33 s = a;
  CHECK(&s.addbmm_(ab, ab, 1.0, -1.0) == &s);
  values_equal(s, addbmm(a, ab, ab, 1.0, -1.0));
  auto t = ab;
  CHECK(&t.baddbmm_(ab, ab, 0.0) == &t);
  values_equal(t, baddbmm(ab, ab, ab, 0.0));
  // Through a writable view: row 1 of m gets beta * row + alpha * a @ v.
  D33 n = a;
  auto row = select<0>(n, 1);
  CHECK(&row.addmv_(a, v) == &row);
  values_equal(select<0>(n, 1), addmv(select<0>(a, 1), a, v));
}

// ---- random --------------------------------------------------------------------------------------------

CHECKS("bernoulli", "bernoulli_", "multinomial", "cauchy_", "exponential_", "geometric_", "log_normal_", "normal_",
       "random_", "uniform_") {
  const auto p = pos();
  auto draw = [](auto&& f) {
    manual_seed(7);
    return f();
  };
  same(draw([&] { return p.bernoulli(); }), draw([&] { return bernoulli(p); }));
  same(draw([&] { return p.bernoulli(0.3); }), draw([&] { return bernoulli(p, 0.3); }));
  const Tensor<float, Shape<4>> probs{0.1f, 0.2f, 0.3f, 0.4f};
  same(draw([&] { return probs.multinomial(3); }), draw([&] { return multinomial(probs, 3); }));
  same(draw([&] { return probs.multinomial<2>(true); }), draw([&] { return multinomial<2>(probs, true); }));
  // In place: the method draws what the function draws, returns *this, and fills a view's elements only.
#define RANDOM_INPLACE(call_m, call_f) \
  {                                    \
    T23 a = pos(), b = pos();          \
    manual_seed(3);                    \
    CHECK(&a.call_m == &a);            \
    manual_seed(3);                    \
    call_f;                            \
    values_equal(a, b);                \
  }
  RANDOM_INPLACE(bernoulli_(0.5), bernoulli_(b, 0.5))
  RANDOM_INPLACE(cauchy_(), cauchy_(b))
  RANDOM_INPLACE(exponential_(2.0), exponential_(b, 2.0))
  RANDOM_INPLACE(geometric_(0.5), geometric_(b, 0.5))
  RANDOM_INPLACE(log_normal_(), log_normal_(b))
  RANDOM_INPLACE(normal_(1.0, 2.0), normal_(b, 1.0, 2.0))
  RANDOM_INPLACE(random_(0, 10), random_(b, 0, 10))
  RANDOM_INPLACE(uniform_(-1.0, 1.0), uniform_(b, -1.0, 1.0))
#undef RANDOM_INPLACE
  T23 z;
  z.select<0>(1).uniform_(5.0, 6.0);
  for (index_t j = 0; j < 3; ++j) {
    CHECK(z(0, j) == 0.0f);
    CHECK(z(1, j) >= 5.0f);
    CHECK(z(1, j) < 6.0f);
  }
}

// ---- the rest of the in-place list ------------------------------------------------------------------

CHECKS("copy_", "apply_", "map_") {
  T23 a;
  CHECK(&a.copy_(pos()) == &a);
  values_equal(a, pos());
  // copy_ converts the dtype and broadcasts, like torch.
  Tensor<double, Shape<2, 3>> d;
  d.copy_(Tensor<int, Shape<3>>{1, 2, 3});
  values_equal(d, Tensor<double, Shape<2, 3>>{{1, 2, 3}, {1, 2, 3}});
  // Through a view, and reading the tensor it writes (a transposed read goes through a temporary).
  Tensor<float, Shape<3, 3>> s{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
  s.view().copy_(transpose<0, 1>(s));
  values_equal(s, Tensor<float, Shape<3, 3>>{{1, 4, 7}, {2, 5, 8}, {3, 6, 9}});

  auto x = pos();
  CHECK(&x.apply_([](float e) { return e * 10 + 1; }) == &x);
  values_equal(x, pos() * 10.0f + 1.0f);
  auto y = pos();
  y.t().select<0>(0).apply_([](float e) { return -e; });  // column 0 only
  CHECK(y(0, 0) == -0.1f);
  CHECK(y(1, 0) == -0.6f);
  CHECK(y(0, 1) == 0.25f);
  auto z = pos();
  const Tensor<float, Shape<3>> row{1, 2, 3};
  CHECK(&z.map_(row, [](float e, float o) { return e * o; }) == &z);  // row broadcast over z's rows
  values_equal(z, pos() * row);
  auto w = pos();
  w.map_(w.t().t(), [](float e, float o) { return e + o; });  // other aliases self: read first
  values_equal(w, pos() * 2.0f);
}

}  // namespace

TEST_CASE("methods: every method of the lists has a check, and each gives its function's result") {
  std::vector<std::string> names;
#define CTORCH_NAME(n) names.push_back(#n);
  CTORCH_METHODS(CTORCH_NAME)
  CTORCH_ALL_INPLACE_METHODS(CTORCH_NAME)
#undef CTORCH_NAME
  CHECK(names.size() == std::set<std::string>(names.begin(), names.end()).size());  // no name listed twice
  for (const auto& n : names) {
    INFO("method " << n);
    CHECK(registry().count(n) == 1);
  }
  for (const auto& [n, f] : registry()) {
    INFO("check registered for " << n);
    CHECK(std::find(names.begin(), names.end(), n) != names.end());  // no check for a name not listed
    f();
  }
}

TEST_CASE("methods: expressions stay lazy and fuse") {
  const auto a = pos();
  const auto b = other();
  auto e = (a * b).exp().add(1.0f).sigmoid();
  static_assert(is_lazy<decltype(e)>);
  static_assert(std::is_same_v<decltype(e), decltype(sigmoid(add(exp(a * b), 1.0f)))>);
  values_equal(e, sigmoid(add(exp(a * b), 1.0f)));
  // A reduction of a chain is one fused pass: its result is the function's, to the bit.
  same((a * b).exp().sum<1>(), sum<1>(exp(a * b)));
  // A method on a Tensor rvalue moves it into the node: nothing dangles after the full expression.
  auto owned = pos().exp();
  static_assert(std::is_same_v<decltype(owned), decltype(exp(pos()))>);
  values_equal(owned, exp(pos()));
  // On a Var, a chain of methods records like the functions.
  Var<float, Shape<2, 3>> w(pos(), true);
  Var<float, Shape<>> loss = w.mul(w).sum();
  loss.backward();
  values_equal(w.grad(), pos() * 2.0f);
}

TEST_CASE("methods: metadata") {
  auto x = pos();
  const auto v = x.t();
  const auto e = x * 2.0f;
  CHECK(x.data_ptr() == x.data());
  CHECK(v.data_ptr() == x.data());
  static_assert(std::is_same_v<decltype(x.data_ptr()), float*>);
  static_assert(std::is_same_v<decltype(std::as_const(x).data_ptr()), const float*>);
  static_assert(T23::ndimension() == 2 && decltype(e)::ndimension() == 2 && decltype(e)::dim() == 2);
  CHECK(x.nelement() == 6);
  CHECK(e.numel() == 6);
  CHECK(e.nelement() == 6);
  static_assert(T23::element_size() == 4 && D33::element_size() == 8);
  static_assert(Tensor<bool, Shape<1>>::element_size() == 1);
  static_assert(T23::is_signed() && Tensor<std::int64_t, Shape<1>>::is_signed());
  static_assert(!Tensor<bool, Shape<1>>::is_signed());
  static_assert(!T23::is_cuda() && !decltype(e)::is_cuda());
  static_assert(T23::storage_offset() == 0);
  Var<float, Shape<2, 3>> w(pos());
  CHECK(w.data_ptr() == w.value().data());
  CHECK(w.nelement() == 6);
  static_assert(decltype(w)::ndimension() == 2);
  const auto c = x.cpu();
  static_assert(std::is_same_v<decltype(c), const T23>);
  values_equal(c, x);
  CHECK(c.data() != x.data());
  CHECK(is_tensor(pos()));
  CHECK(is_tensor(v));
  CHECK(is_tensor(e));
  CHECK(is_tensor(w));
  CHECK(!is_tensor(3.0));
  CHECK(!is_tensor(std::string("x")));
  // Tensor's own view() still gives the whole tensor as a view; zero_ works on views too.
  static_assert(std::is_same_v<decltype(x.view()), TensorView<float, Shape<2, 3>>>);
  static_assert(std::is_same_v<decltype(v.view()), TensorView<float, Shape<3, 2>>>);
  CHECK(v.view().data() == v.data());
  CHECK(v.view().strides() == v.strides());
  CHECK(&x.t().zero_() != nullptr);
  values_equal(x, T23{});
}

TEST_CASE("range: torch.range includes the end") {
  // Values printed by PyTorch 1.13: torch.range(1, 4), torch.range(0, 0.9, 0.3) (4 elements: 0.9 / 0.3 is
  // 3.0000000000000004 in double), torch.range(1, 10, 2.5, dtype=torch.int64) (the step is converted to 2
  // first), torch.range(5, 1, -2), torch.range(0, 1, 1/3, dtype=torch.float64).
  values_equal(range<float>(1, 4), Tensor<float, Shape<Dyn>>{1, 2, 3, 4});
  values_equal(range<float>(0, 0.9, 0.3), Tensor<float, Shape<Dyn>>{0.0f, 0.3f, 0.6f, 0.9f});
  values_equal(range<std::int64_t>(1, 10, 2.5), Tensor<std::int64_t, Shape<Dyn>>{1, 3, 5, 7, 9});
  values_equal(range<float>(5, 1, -2), Tensor<float, Shape<Dyn>>{5, 3, 1});
  values_equal(range<std::int32_t>(0, 10, 3), Tensor<std::int32_t, Shape<Dyn>>{0, 3, 6, 9});
  values_equal(range<double>(0, 1, 1.0 / 3), Tensor<double, Shape<Dyn>>{0.0, 1.0 / 3, 2.0 / 3, 1.0});
  CHECK(range<float>(0, 1, 0.1).numel() == 11);
  CHECK(range<float>(0, 1, 0.1)(10) == 1.0f);
  CHECK(range<double>(2, 2).numel() == 1);
  // start + i * step rounded twice, as PyTorch's loop: torch.range(-2.2, 3.3, 0.11, dtype=torch.float64)
  // (a fused multiply-add would give -1.5400000000000003 and -0.7700000000000001 at 6 and 13).
  const auto r = range<double>(-2.2, 3.3, 0.11);
  REQUIRE(r.numel() == 51);
  CHECK(r(6) == -1.54);
  CHECK(r(13) == -0.7700000000000002);
  CHECK(r(50) == 3.3);
  CHECK_THROWS_AS(range<float>(0, 1, 0), value_error);
  CHECK_THROWS_AS(range<float>(1, 0), value_error);
  CHECK_THROWS_AS(range<float>(0, INFINITY), value_error);
}

TEST_CASE("get_rng_state / set_rng_state: the default generator resumes from a saved state") {
  manual_seed(11);
  (void)rand<float, Shape<5>>();
  const auto state = get_rng_state();
  CHECK(state.size() == Generator::state_size);
  const auto first = randn<double, Shape<7>>();  // normal draws also keep a cached sample in the state
  const auto first_u = rand<float, Shape<3>>();
  set_rng_state(state);
  const auto again = randn<double, Shape<7>>();
  const auto again_u = rand<float, Shape<3>>();
  values_equal(first, again);
  values_equal(first_u, again_u);
  CHECK_THROWS_AS(set_rng_state(std::vector<std::uint8_t>(10)), value_error);
}
