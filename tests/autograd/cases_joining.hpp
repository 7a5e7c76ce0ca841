// The joining and indexing ops' gradient cases, written once for both orders: test_gradcheck_more.cpp runs
// them with test::FirstOrder (gradcheck), test_create_graph_joining.cpp with test::SecondOrder
// (gradgradcheck). Keys that are header stems are what the registry tests look for.
#pragma once
#include "autograd/gradcheck_support.hpp"

#include <ctorch/autograd.hpp>
#include <ctorch/core.hpp>
#include <ctorch/ops/joining.hpp>
#include <ctorch/ops/pointwise.hpp>
#include <map>
#include <string>

namespace ctorch::test {

#define CTORCH_JF1(...) [](const auto& x) { return __VA_ARGS__; }
#define CTORCH_JF2(...) [](const auto& a, const auto& b) { return __VA_ARGS__; }

// Every joining and indexing op with a gradient.
template <class Check>
std::map<std::string, GradCase> joining_cases() {
  using S34 = Shape<3, 4>;
  using S234 = Shape<2, 3, 4>;
  using I1 = Tensor<int64_t, Shape<5>>;
  const Tensor<int64_t, Shape<2, 2, 4>> gidx{{{0, 2, 2, 1}, {1, 1, 0, 2}}, {{2, 0, 1, 1}, {0, 0, 2, 2}}};
  const Tensor<bool, Shape<3, 4>> mask{
      {true, false, false, true}, {false, true, true, false}, {true, true, false, false}};
  const Tensor<bool, Shape<4>> row_mask{true, false, true, true};
  return {
      {"as_strided", one_input<Check, S234>([](const auto& x) {  // overlapping: element i + j read for every (i, j)
         return Var(square(as_strided<Shape<3, 3>>(x, {1, 1}, 2)));
       })},
      {"cat", fixed_inputs<Check>(CTORCH_JF2(cat<1>(a, b * b)), rnd<S234>(-1, 1, 1), rnd<Shape<2, 2, 4>>(-1, 1, 2))},
      {"cat_with_constant",
       one_input<Check, S34>([c = rnd<Shape<3, 2>>(-1, 1, 3)](const auto& x) { return cat<-1>(c, x, x); })},
      {"chunk", one_input<Check, S234>([](const auto& x) {
         auto p = chunk<2, 3>(x);  // pieces of 2 and 2
         return cat<2>(p[1] * 3.0, square(p[0]));
       })},
      {"chunk_runtime", one_input<Check, S234>([](const auto& x) {
         auto p = chunk<1>(x, 2);  // pieces of 2 and 1
         return cat<1>(p[1] * 3.0, square(p[0]));
       })},
      {"diag", one_input<Check, Shape<4>>(CTORCH_JF1(diag<1>(x)))},
      {"diag_matrix", one_input<Check, S34>(CTORCH_JF1(diag<-1>(x * x)))},
      {"diag_embed", one_input<Check, S34>(CTORCH_JF1(diag_embed<1>(x)))},
      {"flip", one_input<Check, S234>(CTORCH_JF1(flip<0, 2>(x * x)))},
      {"gather", one_input<Check, S234>([gidx](const auto& x) { return gather<1>(x, gidx); })},  // repeated indices
      {"index_add", fixed_inputs<Check>(
                        [](const auto& a, const auto& b) {
                          return index_add<1>(a, I1{3, 0, 3, 1, 2}, b, 0.5);
                        },
                        rnd<S34>(-1, 1, 1), rnd<Shape<3, 5>>(-1, 1, 2))},
      {"index_copy", fixed_inputs<Check>(
                         [](const auto& a, const auto& b) {
                           return index_copy<1>(a, I1{3, 0, 3, 1, 0}, b);
                         },
                         rnd<S34>(-1, 1, 1), rnd<Shape<3, 5>>(-1, 1, 2))},  // repeated: the last copy wins
      {"index_fill", one_input<Check, S234>(CTORCH_JF1(index_fill<2>(x, Tensor<int64_t, Shape<2>>{-1, 1}, 2.0)))},
      {"index_select", one_input<Check, S234>(CTORCH_JF1(index_select<2>(x, I1{3, 0, 3, 1, 2})))},
      {"masked_fill", one_input<Check, S34>([mask](const auto& x) { return Var(masked_fill(x * x, mask, 0.5)); })},
      {"masked_scatter",
       fixed_inputs<Check>([mask](const auto& a, const auto& b) { return masked_scatter(a, mask, b); },
                           rnd<S34>(-1, 1, 1), rnd<Shape<2, 4>>(-1, 1, 2))},
      {"masked_select", one_input<Check, S34>([row_mask](const auto& x) { return masked_select(x, row_mask); })},
      {"masked_select_broadcast",
       one_input<Check, Shape<4>>([mask](const auto& x) { return masked_select(x, mask); })},  // x read once per row
      {"put", fixed_inputs<Check>(
                  [](const auto& a, const auto& b) {
                    return put(a, Tensor<int64_t, Shape<4>>{5, -1, 5, 0}, b);
                  },
                  rnd<S34>(-1, 1, 1), rnd<Shape<2, 2>>(-1, 1, 2))},  // repeated: the last write wins
      {"put_accumulate", fixed_inputs<Check>(
                             [](const auto& a, const auto& b) {
                               return put(a, Tensor<int64_t, Shape<4>>{5, -1, 5, 0}, b, true);
                             },
                             rnd<S34>(-1, 1, 1), rnd<Shape<4>>(-1, 1, 2))},
      {"repeat", one_input<Check, S34>(CTORCH_JF1(repeat<2, 1, 2>(x)))},
      {"roll", one_input<Check, S234>(CTORCH_JF1(roll<1, 2>(x, 1, -3)))},
      {"roll_flat", one_input<Check, S234>(CTORCH_JF1(roll(x * x, 5)))},
      {"rot90", one_input<Check, S234>(CTORCH_JF1(rot90<1, 1, 2>(x)))},
      {"rot90_neg", one_input<Check, S34>(CTORCH_JF1(rot90<-3>(x * x)))},
      {"scatter",
       fixed_inputs<Check>(
           [gidx](const auto& a, const auto& b) { return scatter<1>(a, gidx, b); }, rnd<Shape<2, 3, 4>>(-1, 1, 1),
           rnd<Shape<2, 3, 5>>(-1, 1, 2))},  // repeated indices: the last write wins; src larger than the index
      {"scatter_value", one_input<Check, S234>([gidx](const auto& x) { return scatter<1>(x, gidx, 2.0); })},
      {"scatter_add", fixed_inputs<Check>([gidx](const auto& a, const auto& b) { return scatter_add<1>(a, gidx, b); },
                                          rnd<Shape<2, 3, 4>>(-1, 1, 1), rnd<Shape<2, 2, 4>>(-1, 1, 2))},
      {"split", one_input<Check, S234>([](const auto& x) {
         auto p = split<2, 3>(x);  // pieces of 3 and 1
         return cat<2>(p[1] * 3.0, square(p[0]));
       })},
      {"split_sizes", one_input<Check, S234>([](const auto& x) {
         auto [p, q] = split_with_sizes<2, 1, 3>(x);
         return cat<2>(q * 3.0, square(p));
       })},
      {"split_list", one_input<Check, S234>([](const auto& x) {
         auto p = split<1>(x, {2, 0, 1});
         return cat<1>(p[2] * 3.0, p[1], square(p[0]));
       })},
      {"stack", fixed_inputs<Check>(CTORCH_JF2(stack<1>(a, b * b)), rnd<S34>(-1, 1, 1), rnd<S34>(-1, 1, 2))},
      {"take", one_input<Check, S34>([](const auto& x) {
         return take(x, Tensor<int64_t, Shape<2, 3>>{{0, 11, -1}, {5, 5, 2}});
       })},
      {"tile", one_input<Check, S34>(CTORCH_JF1(tile<2, 1, 2>(x)))},
      {"tril", one_input<Check, S234>(CTORCH_JF1(tril<1>(x)))},
      {"triu", one_input<Check, S234>(CTORCH_JF1(triu<-1>(x * x)))},
      {"unbind", one_input<Check, S234>([](const auto& x) {
         auto p = unbind<1>(x);
         return stack<0>(p[2] * 3.0, square(p[0]), p[1]);
       })},
  };
}

#undef CTORCH_JF1
#undef CTORCH_JF2

}  // namespace ctorch::test
