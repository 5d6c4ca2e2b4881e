#include "proto/esp/lifetime.h"

namespace hnbsec::esp {

std::string_view lifetime_state_name(LifetimeState state) {
    switch (state) {
        case LifetimeState::kActive:
            return "active";
        case LifetimeState::kRekeyDue:
            return "rekey due";
        case LifetimeState::kExpired:
            return "expired";
    }
    return "unknown";
}

LifetimeState Lifetime::state(TimePoint now) const {
    const auto age = now - installed_;
    const auto passed_bytes = [&](const std::optional<std::uint64_t>& limit) {
        return limit.has_value() && bytes_ >= *limit;
    };
    const auto passed_time = [&](const std::optional<std::chrono::seconds>& limit) {
        return limit.has_value() && age >= *limit;
    };
    if (passed_bytes(limits_.hard_bytes) || passed_time(limits_.hard_time)) return LifetimeState::kExpired;
    if (passed_bytes(limits_.soft_bytes) || passed_time(limits_.soft_time)) return LifetimeState::kRekeyDue;
    return LifetimeState::kActive;
}

}  // namespace hnbsec::esp
