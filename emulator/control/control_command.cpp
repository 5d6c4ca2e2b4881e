#include "emulator/control/control_command.h"

#include <charconv>
#include <cstdint>
#include <vector>

#include <fmt/format.h>

namespace hnbsec::emulator::control {
namespace {

std::vector<std::string_view> split_words(std::string_view line) {
    std::vector<std::string_view> words;
    std::size_t pos = 0;
    while (pos < line.size()) {
        const std::size_t start = line.find_first_not_of(" \t", pos);
        if (start == std::string_view::npos) break;
        const std::size_t end = std::min(line.find_first_of(" \t", start), line.size());
        words.push_back(line.substr(start, end - start));
        pos = end;
    }
    return words;
}

Result<std::chrono::milliseconds> parse_timeout(std::string_view text) {
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty() || text.front() == '+') {
        return Error(fmt::format("TIMEOUT_MS must be a decimal number of milliseconds, got '{}'", text));
    }
    if (value > static_cast<std::uint64_t>(kMaxWaitTimeout.count())) {
        return Error(fmt::format("TIMEOUT_MS {} exceeds the maximum {}", value, kMaxWaitTimeout.count()));
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(value));
}

Result<ControlCommand> with_words(const std::vector<std::string_view>& w) {
    const auto n = w.size();
    const std::string_view verb = w[0];
    const auto usage = [](std::string_view text) { return Error(fmt::format("usage: {}", text)); };
    if (verb == "status" && n == 1) return ControlCommand{CommandKind::kStatus, {}, {}};
    if (verb == "defects" && n == 1) return ControlCommand{CommandKind::kDefects, {}, {}};
    if (verb == "reboot" && n == 1) return ControlCommand{CommandKind::kReboot, {}, {}};
    if (verb == "factory-reset" && n == 1) return ControlCommand{CommandKind::kFactoryReset, {}, {}};
    if (verb == "quit" && n == 1) return ControlCommand{CommandKind::kQuit, {}, {}};
    if (verb == "power") {
        if (n == 2 && w[1] == "on") return ControlCommand{CommandKind::kPowerOn, {}, {}};
        if (n == 2 && w[1] == "off") return ControlCommand{CommandKind::kPowerOff, {}, {}};
        return usage("power on|off");
    }
    if (verb == "hpm") {
        if (n == 2 && w[1] == "remove") return ControlCommand{CommandKind::kHpmRemove, {}, {}};
        if (n == 2 && w[1] == "insert") return ControlCommand{CommandKind::kHpmInsert, {}, {}};
        return usage("hpm remove|insert");
    }
    if (verb == "defect") {
        if (n == 3 && w[1] == "set") return ControlCommand{CommandKind::kDefectSet, std::string(w[2]), {}};
        if (n == 3 && w[1] == "clear" && w[2] == "all")
            return ControlCommand{CommandKind::kDefectClearAll, {}, {}};
        if (n == 3 && w[1] == "clear")
            return ControlCommand{CommandKind::kDefectClear, std::string(w[2]), {}};
        return usage("defect set NAME | defect clear NAME | defect clear all");
    }
    if (verb == "wait") {
        if (n != 3) return usage("wait STATE TIMEOUT_MS");
        HNBSEC_TRY(const auto timeout, parse_timeout(w[2]));
        return ControlCommand{CommandKind::kWait, std::string(w[1]), timeout};
    }
    for (const std::string_view plain : {"status", "defects", "reboot", "factory-reset", "quit"}) {
        if (verb == plain) return Error(fmt::format("'{}' takes no argument", plain));
    }
    return Error(
        fmt::format("unknown command '{}' (status, power on|off, reboot, factory-reset, hpm remove|insert, "
                    "defect set|clear, "
                    "defects, wait, quit)",
                    verb.substr(0, 32)));
}

}  // namespace

Result<ControlCommand> parse_control_command(std::string_view line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxLineLength) {
        return Error(fmt::format("line longer than {} bytes", kMaxLineLength));
    }
    for (std::size_t i = 0; i < line.size(); ++i) {
        const auto c = static_cast<unsigned char>(line[i]);
        if ((c < 0x20 && c != '\t') || c >= 0x7F) {
            return Error(fmt::format("byte 0x{:02x} at offset {} is not printable ASCII", c, i));
        }
    }
    const auto words = split_words(line);
    if (words.empty()) return Error("empty command");
    return with_words(words);
}

std::string ok_reply(std::string_view text) {
    return text.empty() ? std::string("ok") : fmt::format("ok {}", text);
}

std::string err_reply(std::string_view reason) {
    return fmt::format("err {}", reason);
}

}  // namespace hnbsec::emulator::control
