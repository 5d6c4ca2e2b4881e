#pragma once
// A TUN device (IFF_TUN | IFF_NO_PI: each read or write is exactly one bare IP
// packet, no packet-information header) created inside a named namespace, given
// an MTU and brought up. The descriptor is non-blocking, ready for asio's
// posix::stream_descriptor, where one async_read_some returns one packet.
//
// The device lives in its namespace, but the descriptor works from anywhere: the
// SeGW, running in the public namespace, owns it and writes the inner packets
// of its child SAs into it; the core namespace sees them arrive on the device,
// and whatever it routes to the device (the inner pool) the SeGW reads.
// The device is not persistent: it disappears when the descriptor is closed.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "harness/net/unique_fd.h"

namespace hnbsec::net {

inline constexpr int kDefaultTunMtu = 1400;  // leaves room for ESP-in-UDP on a 1500-byte backhaul

class TunDevice {
public:
    // Creates device `name` (<= 15 characters) in namespace `ns`, sets `mtu`, brings it up.
    static Result<TunDevice> open(const std::string& ns, const std::string& name, int mtu = kDefaultTunMtu);
    // The same in the caller's current namespace (ns() is empty): for a process that was
    // started inside its namespace, such as the emulated H(e)NB.
    static Result<TunDevice> open_here(const std::string& name, int mtu = kDefaultTunMtu);

    const std::string& name() const { return name_; }
    const std::string& ns() const { return ns_; }
    int mtu() const { return mtu_; }
    int fd() const { return fd_.get(); }
    // Hands the descriptor over (to asio); the device lives as long as it does.
    UniqueFd release() { return std::move(fd_); }

    // One packet, or nullopt when none is waiting (the descriptor is non-blocking).
    Result<std::optional<std::vector<std::uint8_t>>> read_packet();
    // Waits up to `timeout` for a packet; an error on timeout.
    Result<std::vector<std::uint8_t>> read_packet(std::chrono::milliseconds timeout);
    // Writes one IPv4 or IPv6 packet (whole, or an error).
    Status write_packet(std::span<const std::uint8_t> packet);

private:
    TunDevice(std::string ns, std::string name, int mtu, UniqueFd fd)
        : ns_(std::move(ns)), name_(std::move(name)), mtu_(mtu), fd_(std::move(fd)) {}
    std::string ns_;
    std::string name_;
    int mtu_;
    UniqueFd fd_;
};

}  // namespace hnbsec::net
