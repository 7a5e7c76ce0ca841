// The nn functional ops' gradient cases (softmax, log_softmax, the losses, conv2d and pooling, and the
// layers that call them), written once for both orders: tests/nn/test_nn.cpp runs them with
// test::FirstOrder (gradcheck), tests/autograd/test_create_graph_nn.cpp with test::SecondOrder
// (gradgradcheck).
#pragma once
#include <cstdint>
#include <ctorch/autograd.hpp>
#include <ctorch/core.hpp>
#include <ctorch/nn/conv.hpp>
#include <ctorch/nn/functional/avg_pool2d.hpp>
#include <ctorch/nn/functional/conv2d.hpp>
#include <ctorch/nn/functional/loss.hpp>
#include <ctorch/nn/functional/max_pool2d.hpp>
#include <ctorch/nn/functional/softmax.hpp>
#include <ctorch/ops/pointwise.hpp>
#include <map>
#include <string>
#include <vector>

#include "autograd/gradcheck_support.hpp"

namespace ctorch::test {

template <class Check>
std::map<std::string, GradCase> nn_cases() {
  namespace F = nn::functional;
  using F::Reduction;
  using S64 = Shape<6, 4>;
  using X = Shape<2, 2, 6, 5>;  // NCHW
  const Tensor<std::int64_t, Shape<6>> t{0, 3, 1, 1, 2, 3};
  const std::vector<double> wt{1.0, 2.0, 0.5, 1.5};
  // Cross-entropy with targets t: every option, each reduction.
  auto ce = [t](auto reduction, F::CrossEntropyOptions opt) {
    return one_input<Check, S64>(
        [t, opt](const auto& x) { return F::cross_entropy<decltype(reduction)::value>(x, t, opt); }, -2, 2, false, 7);
  };
  using Mean = std::integral_constant<Reduction, Reduction::mean>;
  using Sum = std::integral_constant<Reduction, Reduction::sum>;
  using None = std::integral_constant<Reduction, Reduction::none>;
  auto conv = [](auto f) {
    return fixed_inputs<Check>(f, rnd<X>(-1, 1, 11), rnd<Shape<4, 2, 3, 3>>(-1, 1, 12), rnd<Shape<4>>(-1, 1, 13));
  };
#define CT_CONV(...) [](const auto& x, const auto& w, const auto& b) { return F::conv2d<__VA_ARGS__>(x, w, b); }
  return {
      {"softmax", one_input<Check, S64>([](const auto& x) { return F::softmax(x); }, -2, 2)},
      {"softmax_rank3", one_input<Check, Shape<2, 3, 4>>([](const auto& x) { return F::softmax(x * 2.0); })},
      {"log_softmax", one_input<Check, S64>([](const auto& x) { return F::log_softmax(x); }, -2, 2)},
      {"cross_entropy", ce(Mean{}, {})},
      {"cross_entropy_sum", ce(Sum{}, {})},
      {"cross_entropy_none", ce(None{}, {})},
      {"cross_entropy_weight", ce(Mean{}, {wt})},
      {"cross_entropy_ignore", ce(Mean{}, {{}, 1})},
      {"cross_entropy_smoothing", ce(Sum{}, {{}, -100, 0.2})},
      {"cross_entropy_all", ce(Mean{}, {wt, 3, 0.1})},
      {"cross_entropy_all_none", ce(None{}, {wt, 3, 0.1})},
      {"nll_loss", one_input<Check, S64>([t](const auto& x) { return F::nll_loss(F::log_softmax(x), t); })},
      {"nll_loss_weight_sum",
       one_input<Check, S64>([t, wt](const auto& x) { return F::nll_loss<Reduction::sum>(x * x, t, wt, 3); })},
      {"mse_loss", fixed_inputs<Check>([](const auto& a, const auto& b) { return F::mse_loss(a, b); },
                                       rnd<S64>(-1, 1, 1), rnd<S64>(-1, 1, 2))},
      {"mse_loss_sum",
       fixed_inputs<Check>([](const auto& a, const auto& b) { return F::mse_loss<Reduction::sum>(a, b); },
                           rnd<S64>(-1, 1, 1), rnd<S64>(-1, 1, 2))},
      {"conv2d", conv(CT_CONV(F::Conv2dOptions{}))},
      {"conv2d_padding", conv(CT_CONV(F::Conv2dOptions{.padding = 1}))},
      {"conv2d_stride2", conv(CT_CONV(F::Conv2dOptions{.stride = 2, .padding = 1}))},
      {"conv2d_dilation", conv(CT_CONV(F::Conv2dOptions{.padding = 2, .dilation = 2}))},
      {"conv2d_groups", fixed_inputs<Check>(CT_CONV(F::Conv2dOptions{.padding = 1, .groups = 2}), rnd<X>(-1, 1, 14),
                                            rnd<Shape<4, 1, 3, 3>>(-1, 1, 15), rnd<Shape<4>>(-1, 1, 16))},
      {"conv2d_no_bias",
       fixed_inputs<Check>([](const auto& x, const auto& w) { return F::conv2d<F::Conv2dOptions{.padding = 1}>(x, w); },
                           rnd<X>(-1, 1, 17), rnd<Shape<3, 2, 2, 2>>(-1, 1, 18))},
      {"conv2d_dyn_batch",
       fixed_inputs<Check>(CT_CONV(F::Conv2dOptions{}), Tensor<double, Shape<Dyn, 2, 6, 5>>(rnd<X>(-1, 1, 19)),
                           rnd<Shape<4, 2, 3, 3>>(-1, 1, 20), rnd<Shape<4>>(-1, 1, 21))},
      {"max_pool2d",
       one_input<Check, X>([](const auto& x) { return F::max_pool2d<F::Pool2dOptions{.kernel = 2}>(x); })},
      {"max_pool2d_overlap", one_input<Check, X>([](const auto& x) {
         return F::max_pool2d<F::Pool2dOptions{.kernel = 3, .stride = 2, .padding = 1}>(x * x);
       })},
      {"avg_pool2d",
       one_input<Check, X>([](const auto& x) { return F::avg_pool2d<F::Pool2dOptions{.kernel = 2}>(x); })},
      {"avg_pool2d_overlap", one_input<Check, X>([](const auto& x) {
         return F::avg_pool2d<F::Pool2dOptions{.kernel = 3, .stride = 2, .padding = 1, .count_include_pad = false}>(x *
                                                                                                                    x);
       })},
      // The layers call the functional forms; their parameters are fixed here (x is the checked input).
      {"Conv2d_MaxPool2d_AvgPool2d_layers", one_input<Check, X>([](const auto& x) {
         static const nn::Conv2d<2, 3, 3, F::Conv2dOptions{.padding = 1}, double> conv;
         static const nn::MaxPool2d<F::Pool2dOptions{.kernel = 2}> pool;
         static const nn::AvgPool2d<F::Pool2dOptions{.kernel = 2}> avg;
         return avg(pool(conv(x)));
       })},
  };
#undef CT_CONV
}

}  // namespace ctorch::test
