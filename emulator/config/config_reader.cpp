#include "emulator/config/config_reader.h"

#include <fmt/format.h>

namespace hnbsec::emulator::detail {

ConfigReader::ConfigReader(const toml::table* table, std::string section, std::filesystem::path base,
                           std::vector<std::string>& problems)
    : table_(table), section_(std::move(section)), base_(std::move(base)), problems_(problems) {}

std::string ConfigReader::full(std::string_view key) const {
    return fmt::format("{}.{}", section_, key);
}

void ConfigReader::problem(std::string_view key, std::string_view what) {
    problems_.push_back(fmt::format("{}: {}", full(key), what));
}

const toml::node* ConfigReader::get(std::string_view key, Need need) {
    known_.emplace(key);
    const toml::node* node = table_ != nullptr ? table_->get(key) : nullptr;
    if (node == nullptr && need == Need::kRequired) {
        if (table_ == nullptr) {
            const auto missing = fmt::format("[{}]: section required", section_);
            if (problems_.empty() || problems_.back() != missing) problems_.push_back(missing);
        } else {
            problem(key, "required");
        }
    }
    return node;
}

std::optional<std::string> ConfigReader::text(std::string_view key, Need need) {
    const auto* node = get(key, need);
    if (node == nullptr) return std::nullopt;
    const auto* value = node->as_string();
    if (value == nullptr) {
        problem(key, "must be a string");
        return std::nullopt;
    }
    if (value->get().empty()) {
        problem(key, "must not be empty");
        return std::nullopt;
    }
    return value->get();
}

std::optional<bool> ConfigReader::boolean(std::string_view key) {
    const auto* node = get(key, Need::kOptional);
    if (node == nullptr) return std::nullopt;
    if (const auto* value = node->as_boolean()) return value->get();
    problem(key, "must be true or false");
    return std::nullopt;
}

std::optional<std::int64_t> ConfigReader::integer(std::string_view key, std::int64_t min, std::int64_t max) {
    const auto* node = get(key, Need::kOptional);
    if (node == nullptr) return std::nullopt;
    const auto* value = node->as_integer();
    if (value == nullptr || value->get() < min || value->get() > max) {
        problem(key, fmt::format("must be an integer in {}..{}", min, max));
        return std::nullopt;
    }
    return value->get();
}

std::optional<std::chrono::milliseconds> ConfigReader::millis(std::string_view key) {
    constexpr std::int64_t kOneDayMs = 86'400'000;
    if (auto ms = integer(key, 1, kOneDayMs)) return std::chrono::milliseconds(*ms);
    return std::nullopt;
}

std::optional<std::vector<std::string>> ConfigReader::text_list(std::string_view key) {
    const auto* node = get(key, Need::kOptional);
    if (node == nullptr) return std::nullopt;
    const auto* array = node->as_array();
    if (array == nullptr) {
        problem(key, "must be an array of strings");
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (const auto& item : *array) {
        const auto* value = item.as_string();
        if (value == nullptr || value->get().empty()) {
            problem(key, "must be an array of non-empty strings");
            return std::nullopt;
        }
        out.push_back(value->get());
    }
    return out;
}

std::optional<std::filesystem::path> ConfigReader::path(std::string_view key, Need need) {
    auto raw = text(key, need);
    if (!raw) return std::nullopt;
    std::filesystem::path p(*raw);
    return p.is_absolute() ? p : base_ / p;
}

std::optional<std::vector<std::filesystem::path>> ConfigReader::path_list(std::string_view key) {
    auto raw = text_list(key);
    if (!raw) return std::nullopt;
    std::vector<std::filesystem::path> out;
    for (const auto& r : *raw) {
        std::filesystem::path p(r);
        out.push_back(p.is_absolute() ? p : base_ / p);
    }
    return out;
}

void ConfigReader::unknown_keys() {
    if (table_ == nullptr) return;
    for (const auto& [key, node] : *table_) {
        if (!known_.contains(key.str())) problem(key.str(), "unknown key");
    }
}

}  // namespace hnbsec::emulator::detail
