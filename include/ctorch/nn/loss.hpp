// ctorch/nn/loss.hpp: loss modules (torch.nn.CrossEntropyLoss, NLLLoss, MSELoss) over nn::functional.
#pragma once
#include <string>

#include "functional/loss.hpp"

namespace ctorch::nn {

using functional::CrossEntropyOptions;
using functional::Reduction;

// requires: logits [N, C], int64 targets [N]. ensures: the mean loss (a 0-d Var).
class CrossEntropyLoss {
 public:
  explicit CrossEntropyLoss(CrossEntropyOptions opt = {}) : opt_(std::move(opt)) {}
  template <class X, class T>
  auto operator()(const X& logits, const T& target) const {
    return functional::cross_entropy<Reduction::mean>(logits, target, opt_);
  }
  std::string repr() const { return "CrossEntropyLoss()"; }

 private:
  CrossEntropyOptions opt_;
};

class NLLLoss {
 public:
  explicit NLLLoss(std::optional<std::vector<double>> weight = {}, index_t ignore_index = -100)
      : weight_(std::move(weight)), ignore_(ignore_index) {}
  template <class X, class T>
  auto operator()(const X& logp, const T& target) const {
    return functional::nll_loss(logp, target, weight_, ignore_);
  }
  std::string repr() const { return "NLLLoss()"; }

 private:
  std::optional<std::vector<double>> weight_;
  index_t ignore_;
};

struct MSELoss {
  template <class X, class Y>
  auto operator()(const X& x, const Y& y) const {
    return functional::mse_loss(x, y);
  }
  std::string repr() const { return "MSELoss()"; }
};

}  // namespace ctorch::nn
