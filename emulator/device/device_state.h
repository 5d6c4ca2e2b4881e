#pragma once
// The states of the emulated H(e)NB (emulator/README.md, "Control channel"). Their names are
// the protocol: `status` reports them, `wait STATE` takes them, the log says `state <name>`.

#include <optional>
#include <span>
#include <string_view>

namespace hnbsec::emulator {

enum class DeviceState {
    kOff,
    kIntegrityCheck,
    kIntegrityFailed,
    kTimeSync,
    kIke,
    kTunnelUp,
    kCwmp,
    kInService,
    kBackoff,
    kHpmRemoved,
};

std::string_view to_string(DeviceState state);
std::optional<DeviceState> device_state_from_name(std::string_view name);
std::span<const DeviceState> all_device_states();

}  // namespace hnbsec::emulator
