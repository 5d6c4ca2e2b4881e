#pragma once
// The device's inner interface: a TUN device in the current namespace carrying the inner
// address (/32, from CP) with routes to the SeGW's remote networks through it, so the
// kernel's own UDP and TCP (NTP, TLS) enter the tunnel. The device, its address and its
// routes disappear when the descriptor is closed.

#include <string>
#include <vector>

#include "core/result.h"
#include "harness/net/tun_device.h"

namespace hnbsec::emulator {

Result<net::TunDevice> open_inner_interface(const std::string& name, int mtu,
                                            const std::string& inner_address,
                                            const std::vector<std::string>& remote_networks);

}  // namespace hnbsec::emulator
