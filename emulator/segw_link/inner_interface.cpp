#include "emulator/segw_link/inner_interface.h"

#include "harness/net/ip_command.h"

namespace hnbsec::emulator {

Result<net::TunDevice> open_inner_interface(const std::string& name, int mtu,
                                            const std::string& inner_address,
                                            const std::vector<std::string>& remote_networks) {
    HNBSEC_TRY(net::TunDevice tun, net::TunDevice::open_here(name, mtu));
    HNBSEC_CHECK(net::run_ip({"addr", "add", inner_address + "/32", "dev", name}));
    for (const auto& network : remote_networks) {
        // `src`: the kernel's sockets pick the inner address for the tunnel (TS 33.320 §7.4).
        HNBSEC_CHECK(net::run_ip({"route", "replace", network, "dev", name, "src", inner_address}));
    }
    return tun;
}

}  // namespace hnbsec::emulator
