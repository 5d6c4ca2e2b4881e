#pragma once
// Result<T>: a value or an Error. A tiny std::expected stand-in, because the
// fuzz preset builds with clang 14, whose libstdc++ <expected> is unavailable.

#include <cassert>
#include <utility>
#include <variant>

#include "core/error.h"

namespace hnbsec {

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit by design
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(state_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(state_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(state_));
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const& {
        assert(!ok());
        return std::get<1>(state_);
    }
    Error&& error() && {
        assert(!ok());
        return std::get<1>(std::move(state_));
    }

private:
    std::variant<T, Error> state_;
};

// Result<void>: success carries nothing.
struct Ok {};
using Status = Result<Ok>;

}  // namespace hnbsec

// Propagates the error of a Result-returning expression, optionally adding context.
//   HNBSEC_TRY(auto key, token.find_key("device"));
#define HNBSEC_CONCAT_INNER(a, b) a##b
#define HNBSEC_CONCAT(a, b) HNBSEC_CONCAT_INNER(a, b)
#define HNBSEC_TRY(decl, expr) HNBSEC_TRY_IMPL(decl, expr, HNBSEC_CONCAT(hnbsec_try_, __LINE__))
// NOLINTBEGIN(bugprone-macro-parentheses): `decl` is a declaration, it cannot be parenthesised.
#define HNBSEC_TRY_IMPL(decl, expr, tmp)          \
    auto tmp = (expr);                            \
    if (!tmp.ok()) return std::move(tmp).error(); \
    decl = std::move(tmp).value()
#define HNBSEC_CHECK(expr)                                                            \
    do {                                                                              \
        auto hnbsec_check_status = (expr);                                            \
        if (!hnbsec_check_status.ok()) return std::move(hnbsec_check_status).error(); \
    } while (false)
// NOLINTEND(bugprone-macro-parentheses)
