#pragma once
// The SeGW's pool of inner addresses (the profile's pixit.inner_pool), handed out to
// devices through the configuration payload (CFG_REPLY INTERNAL_IP4_ADDRESS, RFC 7296
// §3.15). A device keeps its address across reconnections (same IDi, same address), so
// a test case can predict where the device's inner traffic comes from.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/result.h"
#include "proto/ike/sa/config.h"

namespace hnbsec::segw {

class Ipv4AddressPool {
public:
    // `prefix` like "10.77.0.0/24"; the network and broadcast addresses are never handed out.
    static Result<Ipv4AddressPool> create(const std::string& prefix,
                                          std::optional<std::string> dns = std::nullopt);

    Ipv4AddressPool(const Ipv4AddressPool& other);
    Ipv4AddressPool& operator=(const Ipv4AddressPool&) = delete;

    // The address of `peer` (its IDi bytes), allocating the next free one on first use.
    Result<ike::AddressAssignment> assign(const ike::Id& peer);

    std::size_t size() const { return last_ - first_ + 1; }

private:
    Ipv4AddressPool(std::uint32_t first, std::uint32_t last, std::optional<std::uint32_t> dns,
                    std::string text);

    std::uint32_t first_;
    std::uint32_t last_;
    std::optional<std::uint32_t> dns_;
    std::string text_;
    mutable std::mutex mutex_;
    std::uint32_t next_;
    std::map<ike::Bytes, std::uint32_t> assigned_;  // IDi data -> address
};

}  // namespace hnbsec::segw
