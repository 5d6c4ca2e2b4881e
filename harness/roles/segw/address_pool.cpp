#include "harness/roles/segw/address_pool.h"

#include <arpa/inet.h>

namespace hnbsec::segw {
namespace {

Result<std::uint32_t> parse_ipv4(const std::string& text) {
    in_addr address{};
    if (inet_pton(AF_INET, text.c_str(), &address) != 1)
        return Error("'" + text + "' is not an IPv4 address");
    return ntohl(address.s_addr);
}

ike::Bytes to_bytes(std::uint32_t address) {
    return {static_cast<std::uint8_t>(address >> 24), static_cast<std::uint8_t>(address >> 16),
            static_cast<std::uint8_t>(address >> 8), static_cast<std::uint8_t>(address)};
}

}  // namespace

Result<Ipv4AddressPool> Ipv4AddressPool::create(const std::string& prefix, std::optional<std::string> dns) {
    const auto slash = prefix.find('/');
    if (slash == std::string::npos) return Error("inner pool '" + prefix + "' is not address/length");
    HNBSEC_TRY(std::uint32_t network, parse_ipv4(prefix.substr(0, slash)));
    int length = -1;
    try {
        length = std::stoi(prefix.substr(slash + 1));
    } catch (...) {
        length = -1;
    }
    if (length < 8 || length > 30)
        return Error("inner pool '" + prefix + "': prefix length must be 8..30 to leave room for devices");
    const std::uint32_t mask = ~std::uint32_t{0} << (32 - length);
    if ((network & ~mask) != 0) return Error("inner pool '" + prefix + "' has host bits set");
    std::optional<std::uint32_t> dns_address;
    if (dns) {
        HNBSEC_TRY(std::uint32_t d, parse_ipv4(*dns));
        dns_address = d;
    }
    return Ipv4AddressPool(network + 1, (network | ~mask) - 1, dns_address, prefix);
}

Ipv4AddressPool::Ipv4AddressPool(std::uint32_t first, std::uint32_t last, std::optional<std::uint32_t> dns,
                                 std::string text)
    : first_(first), last_(last), dns_(dns), text_(std::move(text)), next_(first) {}

Ipv4AddressPool::Ipv4AddressPool(const Ipv4AddressPool& other)
    : first_(other.first_), last_(other.last_), dns_(other.dns_), text_(other.text_) {
    std::lock_guard lock(other.mutex_);
    next_ = other.next_;
    assigned_ = other.assigned_;
}

Result<ike::AddressAssignment> Ipv4AddressPool::assign(const ike::Id& peer) {
    std::lock_guard lock(mutex_);
    auto it = assigned_.find(peer.data);
    if (it == assigned_.end()) {
        if (next_ > last_)
            return Error("inner pool " + text_ + " is exhausted (" + std::to_string(size()) + " addresses)");
        it = assigned_.emplace(peer.data, next_++).first;
    }
    ike::AddressAssignment assignment;
    assignment.ip4 = to_bytes(it->second);
    if (dns_) assignment.dns4.push_back(to_bytes(*dns_));
    return assignment;
}

}  // namespace hnbsec::segw
