// ctorch/optim/sgd.hpp: optim::SGD (torch.optim.SGD) with momentum, dampening, nesterov, weight_decay
// and maximize, PyTorch 1.13's update rule exactly:
//   g = grad (+ wd p); b = g on the first step, else momentum b + (1 - dampening) g;
//   g = nesterov ? g + momentum b : b;  p -= lr g
// Each parameter's update is one or two fused elementwise passes; momentum buffers have the
// parameters' static shapes.
#pragma once
#include "common.hpp"

namespace ctorch::optim {

struct SGDOptions {
  double lr = 1e-3;
  double momentum = 0;
  double dampening = 0;
  double weight_decay = 0;
  bool nesterov = false;
  bool maximize = false;
};

template <class... P>
class SGD : public OptimizerBase<P...> {
 public:
  // requires: lr >= 0, momentum >= 0, weight_decay >= 0; nesterov needs momentum > 0 and dampening 0
  // (value_error otherwise, as PyTorch).
  SGD(std::tuple<P&...> params, SGDOptions opt) : OptimizerBase<P...>(params), opt_(opt) {
    if (opt.lr < 0) throw value_error("ctorch: SGD: Invalid learning rate: " + std::to_string(opt.lr));
    if (opt.momentum < 0) throw value_error("ctorch: SGD: Invalid momentum value: " + std::to_string(opt.momentum));
    if (opt.weight_decay < 0)
      throw value_error("ctorch: SGD: Invalid weight_decay value: " + std::to_string(opt.weight_decay));
    if (opt.nesterov && (opt.momentum <= 0 || opt.dampening != 0))
      throw value_error("ctorch: SGD: Nesterov momentum requires a momentum and zero dampening");
  }

  // ensures: every parameter with a .grad takes one step.
  void step() {
    no_grad ng;
    this->for_each([&](auto i, auto& p) {
      auto* gp = p.grad_ptr();
      if (!gp) return;
      auto& w = p.data_();
      auto& buf = ctorch::detail::get<decltype(i)::value>(bufs_);
      const bool first = opt_.momentum != 0 && !buf;
      if (first) buf.emplace(w.dims());
      update(opt_, detail::flat(w), detail::flat(*gp), buf ? detail::flat(*buf) : detail::flat(w), first);
    });
  }

  SGDOptions& options() noexcept { return opt_; }

  // One step of one parameter, on flat views (instantiated per dtype and device, not per shape).
  // requires: w, g, buf have the same numel (buf is only used with momentum; first: its first step).
  template <class T, class D>
  static void update(const SGDOptions& o, TensorView<T, Shape<Dyn>, D> w, TensorView<T, Shape<Dyn>, D> g,
                     TensorView<T, Shape<Dyn>, D> buf, bool first) {
    const T lr = T(o.lr), wd = T(o.weight_decay), mom = T(o.momentum), damp = T(1 - o.dampening);
    const T sgn = o.maximize ? T(-1) : T(1);
    if (o.momentum == 0) {
      w = w - lr * (sgn * g + wd * w);
      return;
    }
    if (first)
      buf = sgn * g + wd * w;
    else
      buf = mom * buf + damp * (sgn * g + wd * w);
    if (o.nesterov)
      w = w - lr * ((sgn * g + wd * w) + mom * buf);
    else
      w = w - lr * buf;
  }

  // The momentum buffers, by parameter index ("state.<i>.momentum_buffer").
  nn::StateDict state_dict() {
    nn::StateDict sd;
    this->for_each([&](auto i, auto&) {
      detail::put_state(sd, "state." + std::to_string(i()) + ".momentum_buffer",
                        ctorch::detail::get<decltype(i)::value>(bufs_));
    });
    return sd;
  }
  void load_state_dict(const nn::StateDict& sd) {
    this->for_each([&](auto i, auto& p) {
      detail::get_state(sd, "state." + std::to_string(i()) + ".momentum_buffer",
                        ctorch::detail::get<decltype(i)::value>(bufs_), p.value());
    });
  }

 private:
  SGDOptions opt_;
  ctorch::detail::Pack<maybe<typename P::tensor_type>...> bufs_;
};

template <class... P>
SGD(std::tuple<P&...>, SGDOptions) -> SGD<P...>;

}  // namespace ctorch::optim
