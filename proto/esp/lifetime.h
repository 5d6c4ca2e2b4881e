#pragma once
// SA lifetimes (RFC 4301 §4.4.2.1 "SA Lifetime"): a soft limit after which the SA should
// be replaced (the IKE layer starts CREATE_CHILD_SA, RFC 7296 §1.3.3) and a hard limit
// after which it must not carry traffic, each in bytes and in seconds. The ESP layer only
// counts and reports; the IKE layer decides what to do about it.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "proto/esp/types.h"

namespace hnbsec::esp {

struct LifetimeLimits {
    std::optional<std::uint64_t> soft_bytes;  // of inner packets, as RFC 4301 counts them
    std::optional<std::uint64_t> hard_bytes;
    std::optional<std::chrono::seconds> soft_time;  // since the SA was installed
    std::optional<std::chrono::seconds> hard_time;
};

enum class LifetimeState : std::uint8_t {
    kActive,
    kRekeyDue,  // a soft limit passed (or the sequence space nears its end): start rekeying
    kExpired,   // a hard limit passed: the SA refuses traffic
};

std::string_view lifetime_state_name(LifetimeState state);  // "active", "rekey due", "expired"

class Lifetime {
public:
    Lifetime() = default;
    Lifetime(const LifetimeLimits& limits, TimePoint installed) : limits_(limits), installed_(installed) {}

    const LifetimeLimits& limits() const { return limits_; }
    std::uint64_t bytes() const { return bytes_; }
    std::uint64_t packets() const { return packets_; }

    void count(std::size_t inner_bytes) {
        bytes_ += inner_bytes;
        ++packets_;
    }
    LifetimeState state(TimePoint now) const;

private:
    LifetimeLimits limits_;
    TimePoint installed_{};
    std::uint64_t bytes_ = 0;
    std::uint64_t packets_ = 0;
};

}  // namespace hnbsec::esp
