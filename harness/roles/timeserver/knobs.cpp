#include "harness/roles/timeserver/knobs.h"

namespace hnbsec::timeserver {

const ntp::SymmetricKey* find_key(const KeyTable& keys, std::uint32_t id) {
    for (const auto& key : keys)
        if (key.id == id) return &key;
    return nullptr;
}

ServerKnobs Knobs::snapshot() const {
    std::lock_guard lock(mutex_);
    return value_;
}

void Knobs::set(ServerKnobs value) {
    std::lock_guard lock(mutex_);
    value_ = std::move(value);
}

void Knobs::update(const std::function<void(ServerKnobs&)>& change) {
    std::lock_guard lock(mutex_);
    change(value_);
}

std::string to_string(AuthMode mode) {
    switch (mode) {
        case AuthMode::kOff:
            return "off";
        case AuthMode::kOptional:
            return "optional";
        case AuthMode::kRequired:
            return "required";
    }
    return "?";
}

std::optional<AuthMode> auth_mode_from_name(std::string_view name) {
    for (AuthMode mode : {AuthMode::kOff, AuthMode::kOptional, AuthMode::kRequired})
        if (to_string(mode) == name) return mode;
    return std::nullopt;
}

}  // namespace hnbsec::timeserver
