// ctorch/autograd/grad.hpp: autograd::grad (gradients returned, not accumulated) and autograd::backward.
#pragma once
#include <tuple>

#include "var.hpp"

namespace ctorch::autograd {

// requires: grad_output has output's shape. ensures: the vector-Jacobian products grad_output^T dOut/dIn.
template <class O, class... In>
  requires(is_var_v<O> && (is_var_v<std::remove_cvref_t<In>> && ...))
auto grad(const O& output, const std::tuple<In...>& inputs, typename O::tensor_type grad_output,
          bool retain_graph = false) {
  std::apply([](const In&... in) { ((in.node()->captures = true), ...); }, inputs);
  struct Unmark {
    const std::tuple<In...>& inputs;
    ~Unmark() {
      std::apply(
          [](const In&... in) {
            ((in.node()->captures = false, in.node()->captured.reset()), ...);
          },
          inputs);
    }
  } unmark{inputs};
  std::apply(
      [](const In&... in) {
        (
            [&] {
              if (!in.requires_grad())
                throw autograd_error("ctorch: grad: One of the differentiated Tensors does not require grad");
            }(),
            ...);
      },
      inputs);
  output.start(std::move(grad_output));
  run_backward(output.node(), BackwardMode{retain_graph, false});
  return std::apply(
      [](const In&... in) {
        return std::tuple<typename std::remove_cvref_t<In>::tensor_type...>([&]() -> typename std::remove_cvref_t<In>::tensor_type {
          auto& c = in.node()->captured;
          if (!c)
            throw autograd_error(
                "ctorch: grad: One of the differentiated Tensors appears to not have been used in the graph");
          return std::move(*c);
        }()...);
      },
      inputs);
}

// requires: output has one element; every input is used by the graph (autograd_error otherwise, as
// PyTorch without allow_unused). ensures: the gradients of output with respect to each input, as new
// tensors, in order; no .grad is touched.
template <class O, class... In>
  requires(is_var_v<O> && (is_var_v<std::remove_cvref_t<In>> && ...))
auto grad(const O& output, const std::tuple<In...>& inputs, bool retain_graph = false) {
  typename O::tensor_type g(output.dims());
  g.fill_(typename O::value_type(1));
  if (output.numel() != 1)
    throw autograd_error("ctorch: grad: grad can be implicitly created only for scalar outputs (pass grad_output)");
  return grad(output, inputs, std::move(g), retain_graph);
}

// torch.autograd.backward(tensor, grad_tensor, retain_graph): the free-function spelling of v.backward().
template <class O>
  requires is_var_v<O>
void backward(const O& output, bool retain_graph = false) {
  output.backward(retain_graph);
}
template <class O>
  requires is_var_v<O>
void backward(const O& output, typename O::tensor_type grad_output, bool retain_graph = false) {
  output.backward(std::move(grad_output), retain_graph);
}

}  // namespace ctorch::autograd
