#pragma once
// Internal: typed, problem-reporting access to one TOML table of the profile.
// Every accessor records where the key was written, reports a missing required
// key or a wrong type, and returns nullopt instead of failing, so one pass
// finds every problem. finish() reports the keys nobody asked for.

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "core/result.h"
#include "harness/profile/diagnostics.h"

namespace hnbsec::profile::detail {

enum class Need { kOptional, kRequired };

class TableReader {
public:
    // `table` is null when the section is absent (then its required keys are
    // not reported one by one: the missing section is). `path` is the dotted
    // section name, "" for the document root.
    TableReader(const toml::table* table, std::string path, Diagnostics& diag);

    bool present() const { return table_ != nullptr; }
    const std::string& path() const { return path_; }
    // "section.key", or "key" at the root.
    std::string full(std::string_view key) const;

    // A nested table. A required one that is absent is reported at line 1.
    const toml::table* section(std::string_view key, Need need = Need::kOptional);

    std::optional<std::string> text(std::string_view key, Need need = Need::kOptional);
    std::optional<bool> boolean(std::string_view key, Need need = Need::kOptional);
    std::optional<std::int64_t> integer(std::string_view key, Need need = Need::kOptional);
    // An integer in 1..max (timers, validity).
    std::optional<int> positive(std::string_view key, Need need, std::int64_t max);
    std::optional<std::chrono::seconds> seconds(std::string_view key, Need need = Need::kOptional);
    // A non-empty array of non-empty strings.
    std::optional<std::vector<std::string>> text_list(std::string_view key, Need need = Need::kOptional);

    // A string checked by `check` (Status(std::string_view)).
    template <typename Check>
    std::optional<std::string> checked(std::string_view key, Need need, Check check) {
        auto raw = text(key, need);
        if (!raw) return std::nullopt;
        if (auto status = check(*raw); !status.ok()) {
            fail(key, status.error().what());
            return std::nullopt;
        }
        return raw;
    }

    // A string converted by `convert` (Result<T>(std::string_view)).
    template <typename Convert>
    auto converted(std::string_view key, Need need, Convert convert)
        -> std::optional<std::decay_t<decltype(convert(std::string_view{}).value())>> {
        auto raw = text(key, need);
        if (!raw) return std::nullopt;
        auto result = convert(*raw);
        if (!result.ok()) {
            fail(key, result.error().what());
            return std::nullopt;
        }
        return std::move(result).value();
    }

    // One of a fixed set of string values.
    template <typename Enum>
    std::optional<Enum> choice(std::string_view key, Need need,
                               std::initializer_list<std::pair<std::string_view, Enum>> allowed) {
        auto raw = text(key, need);
        if (!raw) return std::nullopt;
        std::vector<std::string> names;
        for (const auto& [name, value] : allowed) {
            if (name == *raw) return value;
            names.emplace_back(name);
        }
        fail(key, bad_choice(*raw, names));
        return std::nullopt;
    }

    // Reports a problem with the value of `key` at its position and marks it unusable.
    void fail(std::string_view key, std::string_view message);

    // Hands every key nobody asked for to Diagnostics as unknown.
    void finish();

private:
    // The node for `key`, or null (missing: reported if required and the section exists).
    const toml::node* find(std::string_view key, Need need);
    void wrong_type(std::string_view key, std::string_view expected, const toml::node& found);
    static std::string bad_choice(std::string_view value, const std::vector<std::string>& allowed);

    const toml::table* table_;
    std::string path_;
    Diagnostics& diag_;
    std::vector<std::string> asked_;
};

// "string", "integer", "floating-point", ... as a lab engineer would say it.
std::string_view type_name(const toml::node& node);

}  // namespace hnbsec::profile::detail
