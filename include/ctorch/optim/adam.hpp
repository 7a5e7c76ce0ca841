// ctorch/optim/adam.hpp: optim::Adam (torch.optim.Adam), PyTorch 1.13's update rule:
//   g = grad (+ wd p); m = lerp(m, g, 1 - b1); v = b2 v + (1 - b2) g g; (amsgrad: vmax = max(vmax, v))
//   p += -(lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)
// The last line is computed as p += (-(lr / (1 - b1^t)) sqrt(1 - b2^t)) m / (sqrt(v) + eps sqrt(1 - b2^t)),
// the same value up to rounding with one division instead of two (the MLP's 110,000 parameters, the pass
// alone on one Zen 5 core: 19.8 -> 17.2 us; with no division at all it would still take 16 us, memory).
// On the CPU one pass per parameter over its elements flattened (detail::adam_pass), elsewhere fused
// expression passes (one instantiation per dtype either way); the state m, v (and vmax) has the
// parameters' static shapes.
#pragma once
#include <cmath>

#include "common.hpp"

namespace ctorch::optim {

namespace detail {
// Adam's per-element constants (see the rule at the top of this file), in the parameters' dtype.
template <class T>
struct AdamConsts {
  T sgn, wd, b1, b2;
  T num, eps;  // -(lr / (1 - b1^t)) sqrt(1 - b2^t) and eps sqrt(1 - b2^t)
};

// One element of the rule, on a scalar or an xsimd batch V (the same operations in the same order).
template <class T, class V>
CTORCH_ALWAYS_INLINE void adam_element(const AdamConsts<T>& c, bool decay, V& w, V g, V& m, V& v, V* vmax) {
  g = V(c.sgn) * g;
  if (decay) g = g + V(c.wd) * w;
  v = v * V(c.b2) + V(T(1) - c.b2) * g * g;
  V vd = v;
  if constexpr (std::is_same_v<V, T>) {
    m = ctorch::op::Lerp::f(m, g, T(1) - c.b1);
    if (vmax) vd = *vmax = std::max(*vmax, v);
    vd = std::sqrt(vd);
  } else {
    m = ctorch::op::Lerp::packet(m, g, V(T(1) - c.b1));
    if (vmax) vd = *vmax = xsimd::max(*vmax, v);
    vd = xsimd::sqrt(vd);
  }
  w = w + V(c.num) * m / (vd + V(c.eps));
}

// The whole update of one parameter in one pass over w, g, m, v (and vmax when not null): each element
// is read and written once, where three expression passes would stream g, m and v through the cache two
// or three times (the MLP's 110,000 parameters: 1.75 MB of state, past L2).
template <class T>
void adam_pass(index_t n, T* w, const T* g, T* m, T* v, T* vmax, const AdamConsts<T> c) {
  using B = xsimd::batch<T>;
  constexpr index_t W = index_t(B::size);
  const bool decay = c.wd != T(0);
  parallel_for(
      n, cpu::grain,
      [=](index_t b, index_t e) {  // by value: the pointers stay in registers across the stores
        index_t i = b;
        for (; i + W <= e; i += W) {
          B wi = B::load_unaligned(w + i), mi = B::load_unaligned(m + i), vi = B::load_unaligned(v + i);
          B xi = vmax ? B::load_unaligned(vmax + i) : B(T(0));
          adam_element<T>(c, decay, wi, B::load_unaligned(g + i), mi, vi, vmax ? &xi : nullptr);
          wi.store_unaligned(w + i);
          mi.store_unaligned(m + i);
          vi.store_unaligned(v + i);
          if (vmax) xi.store_unaligned(vmax + i);
        }
        for (; i < e; ++i) adam_element<T>(c, decay, w[i], g[i], m[i], v[i], vmax ? vmax + i : nullptr);
      },
      W);
}
}  // namespace detail

struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0;
  bool amsgrad = false;
  bool maximize = false;
};

template <class... P>
class Adam : public OptimizerBase<P...> {
 public:
  // requires: lr >= 0, eps >= 0, betas in [0, 1), weight_decay >= 0 (value_error otherwise, as PyTorch).
  Adam(std::tuple<P&...> params, AdamOptions opt) : OptimizerBase<P...>(params), opt_(opt) {
    if (opt.lr < 0) throw value_error("ctorch: Adam: Invalid learning rate: " + std::to_string(opt.lr));
    if (opt.eps < 0) throw value_error("ctorch: Adam: Invalid epsilon value: " + std::to_string(opt.eps));
    if (!(opt.beta1 >= 0 && opt.beta1 < 1))
      throw value_error("ctorch: Adam: Invalid beta parameter at index 0: " + std::to_string(opt.beta1));
    if (!(opt.beta2 >= 0 && opt.beta2 < 1))
      throw value_error("ctorch: Adam: Invalid beta parameter at index 1: " + std::to_string(opt.beta2));
    if (opt.weight_decay < 0)
      throw value_error("ctorch: Adam: Invalid weight_decay value: " + std::to_string(opt.weight_decay));
  }

  void step() {
    no_grad ng;
    this->for_each([&](auto i, auto& p) {
      constexpr std::size_t k = decltype(i)::value;
      auto* gp = p.grad_ptr();
      if (!gp) return;
      auto& w = p.data_();
      auto& m = ctorch::detail::get<k>(m_);
      auto& v = ctorch::detail::get<k>(v_);
      auto& vmax = ctorch::detail::get<k>(vmax_);
      const double t = double(++steps_[k]);
      if (!m) {
        m.emplace(w.dims());
        v.emplace(w.dims());
      }
      if (opt_.amsgrad && !vmax) vmax.emplace(w.dims());  // zeros, also when amsgrad is turned on later
      update(opt_, t, detail::flat(w), detail::flat(*gp), detail::flat(*m), detail::flat(*v),
             opt_.amsgrad ? detail::flat(*vmax) : detail::flat(*v));
    });
  }

  AdamOptions& options() noexcept { return opt_; }

  // One step of one parameter, on flat views (instantiated per dtype and device, not per shape).
  // requires: w, g, m, v, vmax have the same numel (vmax is only read with amsgrad). t: the step, from 1.
  template <class T, class D>
  static void update(const AdamOptions& o, double t, TensorView<T, Shape<Dyn>, D> w, TensorView<T, Shape<Dyn>, D> g,
                     TensorView<T, Shape<Dyn>, D> m, TensorView<T, Shape<Dyn>, D> v,
                     TensorView<T, Shape<Dyn>, D> vmax) {
    const T sgn = o.maximize ? T(-1) : T(1), wd = T(o.weight_decay);
    const T b1 = T(o.beta1), b2 = T(o.beta2);
    const double bc1 = 1 - std::pow(o.beta1, t), bc2s = std::sqrt(1 - std::pow(o.beta2, t));
    const T num = T(-o.lr / bc1 * bc2s), eps = T(o.eps * bc2s);
    if constexpr (std::is_same_v<D, Cpu>) {
      detail::adam_pass<T>(w.numel(), w.data(), g.data(), m.data(), v.data(), o.amsgrad ? vmax.data() : nullptr,
                           {sgn, wd, b1, b2, num, eps});
      return;
    }
    if (o.weight_decay != 0) {
      m = lerp(m, sgn * g + wd * w, T(1) - b1);
      v = v * b2 + (T(1) - b2) * (sgn * g + wd * w) * (sgn * g + wd * w);
    } else {
      m = lerp(m, sgn * g, T(1) - b1);
      v = v * b2 + (T(1) - b2) * g * g;
    }
    if (o.amsgrad) {
      vmax = maximum(vmax, v);
      w = w + num * m / (sqrt(vmax) + eps);
    } else {
      w = w + num * m / (sqrt(v) + eps);
    }
  }

  nn::StateDict state_dict() {
    nn::StateDict sd;
    this->for_each([&](auto i, auto&) {
      constexpr std::size_t k = decltype(i)::value;
      const std::string pre = "state." + std::to_string(k) + ".";
      detail::put_state(sd, pre + "exp_avg", ctorch::detail::get<k>(m_));
      detail::put_state(sd, pre + "exp_avg_sq", ctorch::detail::get<k>(v_));
      detail::put_state(sd, pre + "max_exp_avg_sq", ctorch::detail::get<k>(vmax_));
      sd[pre + "step"] = nn::StateTensor{{}, {double(steps_[k])}};
    });
    return sd;
  }
  void load_state_dict(const nn::StateDict& sd) {
    this->for_each([&](auto i, auto& p) {
      constexpr std::size_t k = decltype(i)::value;
      const std::string pre = "state." + std::to_string(k) + ".";
      detail::get_state(sd, pre + "exp_avg", ctorch::detail::get<k>(m_), p.value());
      detail::get_state(sd, pre + "exp_avg_sq", ctorch::detail::get<k>(v_), p.value());
      detail::get_state(sd, pre + "max_exp_avg_sq", ctorch::detail::get<k>(vmax_), p.value());
      auto it = sd.find(pre + "step");
      steps_[k] = it == sd.end() ? 0 : std::uint64_t(it->second.values.at(0));
    });
  }

 private:
  AdamOptions opt_;
  ctorch::detail::Pack<maybe<typename P::tensor_type>...> m_, v_, vmax_;
  std::array<std::uint64_t, sizeof...(P)> steps_{};
};

template <class... P>
Adam(std::tuple<P&...>, AdamOptions) -> Adam<P...>;

}  // namespace ctorch::optim
