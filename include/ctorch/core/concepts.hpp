// ctorch/core/concepts.hpp: what counts as an expression.
#pragma once
#include <type_traits>

namespace ctorch {

// Base of every lazy expression node, tensor and view: a tag, nothing else.
struct expr_base {};

template <class E>
concept Expression = std::is_base_of_v<expr_base, std::remove_cvref_t<E>>;

}  // namespace ctorch
