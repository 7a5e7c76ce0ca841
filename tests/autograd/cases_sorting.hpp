// The sorting and selection ops' gradient cases, written once for both orders: test_gradcheck_more.cpp runs
// them with test::FirstOrder (gradcheck), test_create_graph_nn.cpp with test::SecondOrder (gradgradcheck).
// Keys that are header stems are what the registry tests look for.
#pragma once
#include <cmath>
#include <ctorch/autograd.hpp>
#include <ctorch/core.hpp>
#include <ctorch/ops/pointwise.hpp>
#include <ctorch/ops/sorting.hpp>
#include <map>
#include <string>

#include "autograd/gradcheck_support.hpp"

namespace ctorch::test {

// Every sorting and selection op with a gradient.
template <class Check>
std::map<std::string, GradCase> sorting_cases() {
  using S34 = Shape<3, 4>;
  using S234 = Shape<2, 3, 4>;
#define CT_F1(...) [](const auto& x) { return __VA_ARGS__; }
#define CT_F2(...) [](const auto& a, const auto& b) { return __VA_ARGS__; }
  std::map<std::string, GradCase> m = {
      {"clone", one_input<Check, S34>(CT_F1(clone(x * x)))},
      {"cross", fixed_inputs<Check>(CT_F2(cross<1>(a, b)), rnd<S234>(-1, 1, 1), rnd<S234>(-1, 1, 2))},
      {"cross_last",
       fixed_inputs<Check>(CT_F2(cross(a * a, b)), rnd<Shape<4, 3>>(-1, 1, 1), rnd<Shape<4, 3>>(-1, 1, 2))},
      {"dist", fixed_inputs<Check>(CT_F2(dist(a, b)), rnd<S34>(-1, 1, 1), rnd<S34>(-1, 1, 2))},
      {"dist_p3_broadcast", fixed_inputs<Check>(CT_F2(dist(a, b, 3)), rnd<S34>(-1, 1, 1), rnd<Shape<4>>(-1, 1, 2))},
      {"kthvalue", one_input<Check, S234>(CT_F1(kthvalue<1>(x, 2).values))},
      {"kthvalue_keep", one_input<Check, S34>(CT_F1(kthvalue<-1, true>(x, 3).values))},
      {"median", one_input<Check, S34>(CT_F1(median(x)))},
      {"median_dim", one_input<Check, S234>(CT_F1(median<2>(x).values))},
      {"mode", one_input<Check, S34>(CT_F1(mode<1>(x).values))},  // distinct values: the smallest of each row
      {"nanmedian", one_input<Check, S34>(CT_F1(nanmedian(x)))},
      {"nanmedian_dim", one_input<Check, S34>(CT_F1(nanmedian<0, true>(x).values))},
      // Slices scaled by 0.2, 1 and 3 along the renormed dim: the first is kept, the others are scaled.
      {"renorm", one_input<Check, S234>([w = Tensor<double, Shape<1, 3, 1>>{{{0.2}, {1}, {3}}}](const auto& x) {
         return renorm<1>(x * w, 2, 1.2);
       })},
      {"renorm_p1", one_input<Check, S234>([w = Tensor<double, Shape<2, 1, 1>>{{{0.2}}, {{3}}}](const auto& x) {
         return renorm<0>(x * w, 1, 3);
       })},
      {"renorm_p3", one_input<Check, S234>([w = Tensor<double, Shape<4>>{0.2, 1, 3, 3}](const auto& x) {
         return renorm<2>(x * w, 3, 0.8);
       })},
      {"renorm_p05", one_input<Check, S234>([w = Tensor<double, Shape<4>>{0.2, 1, 3, 3}](const auto& x) {
         return renorm<-1>(x * w, 0.5, 6);
       })},
      {"renorm_inf", one_input<Check, S234>([w = Tensor<double, Shape<2, 1, 1>>{{{0.2}}, {{3}}}](const auto& x) {
         return renorm<0>(x * w, INFINITY, 0.5);
       })},
      {"sort", one_input<Check, S234>(CT_F1(sort<1>(x).values))},
      {"sort_descending", one_input<Check, S34>(CT_F1(sort(x * x, true).values))},
      {"topk", one_input<Check, S234>(CT_F1(topk<2>(x).values))},
      {"topk_runtime_smallest", one_input<Check, S234>(CT_F1(topk<Dyn, 1>(x, 2, false).values))},
  };
#undef CT_F1
#undef CT_F2
  return m;
}

}  // namespace ctorch::test
