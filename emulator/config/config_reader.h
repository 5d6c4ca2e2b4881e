#pragma once
// Internal: typed access to one table of the emulator's TOML configuration. Every
// accessor records the key as known, and a missing required key or a wrong type as a
// problem ("segw.address: required"); unknown_keys() reports what nobody asked for.
// One pass finds every problem, so a broken file is fixed in one edit.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace hnbsec::emulator::detail {

enum class Need { kOptional, kRequired };

class ConfigReader {
public:
    // `table` null: the section is absent (required keys then report the section once).
    ConfigReader(const toml::table* table, std::string section, std::filesystem::path base,
                 std::vector<std::string>& problems);

    bool present() const { return table_ != nullptr; }

    std::optional<std::string> text(std::string_view key, Need need = Need::kOptional);
    std::optional<bool> boolean(std::string_view key);
    // An integer in [min, max].
    std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
    std::optional<std::chrono::milliseconds> millis(std::string_view key);
    std::optional<std::vector<std::string>> text_list(std::string_view key);
    // A path, made absolute against the configuration file's folder.
    std::optional<std::filesystem::path> path(std::string_view key, Need need = Need::kOptional);
    std::optional<std::vector<std::filesystem::path>> path_list(std::string_view key);

    void problem(std::string_view key, std::string_view what);
    // Reports keys of the table that no accessor read.
    void unknown_keys();

private:
    const toml::node* get(std::string_view key, Need need);
    std::string full(std::string_view key) const;

    const toml::table* table_;
    std::string section_;
    std::filesystem::path base_;
    std::vector<std::string>& problems_;
    std::set<std::string, std::less<>> known_;
};

}  // namespace hnbsec::emulator::detail
