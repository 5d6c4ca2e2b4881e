// Feeds arbitrary bytes to the control line parser: it must return a command or an error,
// never crash or read out of bounds, and a parsed `wait` never exceeds its timeout bound.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "emulator/control/control_command.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace hnbsec::emulator::control;
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    const auto parsed = parse_control_command(line);
    if (parsed && parsed->kind == CommandKind::kWait && parsed->timeout > kMaxWaitTimeout) std::abort();
    if (!parsed && parsed.error().message().empty()) std::abort();
    return 0;
}
