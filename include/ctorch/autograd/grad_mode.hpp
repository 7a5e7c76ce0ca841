// ctorch/autograd/grad_mode.hpp: whether operations on Vars are recorded (torch.no_grad & co).
#pragma once

namespace ctorch::autograd {

namespace detail {
inline bool& grad_enabled_ref() noexcept {
  thread_local bool enabled = true;
  return enabled;
}
}  // namespace detail

// ensures: true unless a no_grad guard (or set_grad_enabled(false)) is alive on this thread.
inline bool is_grad_enabled() noexcept { return detail::grad_enabled_ref(); }

// A scope guard that sets grad mode and restores the previous mode on exit (torch.set_grad_enabled).
class set_grad_enabled {
 public:
  explicit set_grad_enabled(bool mode) noexcept : prev_(detail::grad_enabled_ref()) { detail::grad_enabled_ref() = mode; }
  ~set_grad_enabled() { detail::grad_enabled_ref() = prev_; }
  set_grad_enabled(const set_grad_enabled&) = delete;
  set_grad_enabled& operator=(const set_grad_enabled&) = delete;

 private:
  bool prev_;
};

// Inside its scope, results of Var operations are untracked leaves (torch.no_grad()).
class no_grad : public set_grad_enabled {
 public:
  no_grad() noexcept : set_grad_enabled(false) {}
};

// Re-enables recording inside a no_grad scope (torch.enable_grad()).
class enable_grad : public set_grad_enabled {
 public:
  enable_grad() noexcept : set_grad_enabled(true) {}
};

}  // namespace ctorch::autograd

namespace ctorch {
using autograd::enable_grad;
using autograd::is_grad_enabled;
using autograd::no_grad;
}  // namespace ctorch
