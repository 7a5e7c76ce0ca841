// ctorch/optim/common.hpp: what SGD and Adam share: the parameters as a tuple of Var handles (static
// shapes, so every state tensor is sized at compile time), zero_grad, and state_dict plumbing.
#pragma once
#include <string>
#include <tuple>

#include "../autograd/var.hpp"
#include "../core/pack.hpp"
#include "../nn/module.hpp"
#include "../ops/pointwise.hpp"

namespace ctorch::optim {

namespace detail {
using ctorch::detail::flat;

template <class T>
void put_state(nn::StateDict& sd, const std::string& key, const maybe<T>& t) {
  if (!t) return;
  nn::StateTensor s;
  const auto sz = t->sizes();
  s.shape.assign(sz.begin(), sz.end());
  for (auto v : t->tolist()) s.values.push_back(double(v));
  sd.emplace(key, std::move(s));
}
template <class T>
void get_state(const nn::StateDict& sd, const std::string& key, maybe<T>& t, const T& like) {
  auto it = sd.find(key);
  if (it == sd.end()) {
    t.reset();
    return;
  }
  const auto sz = like.sizes();
  if (std::vector<index_t>(sz.begin(), sz.end()) != it->second.shape)
    throw shape_error("ctorch: optimizer load_state_dict: " + key + " has the wrong shape");
  t.emplace(like.dims());
  for (std::size_t i = 0; i < it->second.values.size(); ++i)
    t->data()[i] = static_cast<typename T::value_type>(it->second.values[i]);
}
}  // namespace detail

template <class... P>
class OptimizerBase {
 public:
  explicit OptimizerBase(std::tuple<P&...> params)
      : params_(std::apply([](P&... p) { return ctorch::detail::Pack<P...>(p...); }, params)) {}

  // ensures: every parameter's .grad is cleared (set_to_none, PyTorch's default) or zero-filled.
  void zero_grad(bool set_to_none = true) {
    for_each([&](auto, auto& p) { p.zero_grad(set_to_none); });
  }
  static constexpr std::size_t size() noexcept { return sizeof...(P); }

 protected:
  template <class F>
  void for_each(F&& f) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f(std::integral_constant<std::size_t, I>{}, ctorch::detail::get<I>(params_)), ...);
    }
    (std::index_sequence_for<P...>{});
  }
  ctorch::detail::Pack<P...> params_;  // handles: they share the model's parameters
};

}  // namespace ctorch::optim
