#include "emulator/device/device_state.h"

#include <array>

namespace hnbsec::emulator {
namespace {

constexpr std::array kStates{
    DeviceState::kOff,
    DeviceState::kIntegrityCheck,
    DeviceState::kIntegrityFailed,
    DeviceState::kTimeSync,
    DeviceState::kIke,
    DeviceState::kTunnelUp,
    DeviceState::kCwmp,
    DeviceState::kInService,
    DeviceState::kBackoff,
    DeviceState::kHpmRemoved,
};

}  // namespace

std::string_view to_string(DeviceState state) {
    switch (state) {
        case DeviceState::kOff:
            return "off";
        case DeviceState::kIntegrityCheck:
            return "integrity-check";
        case DeviceState::kIntegrityFailed:
            return "integrity-failed";
        case DeviceState::kTimeSync:
            return "time-sync";
        case DeviceState::kIke:
            return "ike";
        case DeviceState::kTunnelUp:
            return "tunnel-up";
        case DeviceState::kCwmp:
            return "cwmp";
        case DeviceState::kInService:
            return "in-service";
        case DeviceState::kBackoff:
            return "backoff";
        case DeviceState::kHpmRemoved:
            return "hpm-removed";
    }
    return "?";
}

std::optional<DeviceState> device_state_from_name(std::string_view name) {
    for (const DeviceState state : kStates) {
        if (to_string(state) == name) return state;
    }
    return std::nullopt;
}

std::span<const DeviceState> all_device_states() {
    return kStates;
}

}  // namespace hnbsec::emulator
