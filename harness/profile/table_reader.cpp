#include "harness/profile/table_reader.h"

#include <algorithm>
#include <set>

#include "harness/profile/did_you_mean.h"

namespace hnbsec::profile::detail {
namespace {

bool blank(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; });
}

}  // namespace

std::string_view type_name(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::table:
            return "table";
        case toml::node_type::array:
            return "array";
        case toml::node_type::string:
            return "string";
        case toml::node_type::integer:
            return "integer";
        case toml::node_type::floating_point:
            return "floating-point number";
        case toml::node_type::boolean:
            return "boolean";
        case toml::node_type::date:
            return "date";
        case toml::node_type::time:
            return "time";
        case toml::node_type::date_time:
            return "date-time";
        case toml::node_type::none:
            return "nothing";
    }
    return "value";
}

TableReader::TableReader(const toml::table* table, std::string path, Diagnostics& diag)
    : table_(table), path_(std::move(path)), diag_(diag) {
    if (table_ != nullptr && !path_.empty()) diag_.locate(path_, position_of(table_->source()));
}

std::string TableReader::full(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const toml::node* TableReader::find(std::string_view key, Need need) {
    asked_.emplace_back(key);
    const auto path = full(key);
    diag_.expect(path);
    if (table_ == nullptr) return nullptr;
    const auto found = table_->find(key);
    if (found == table_->end()) {
        if (need == Need::kRequired) diag_.error(diag_.where(path_), path + ": required key is missing");
        return nullptr;
    }
    // A section is located at its "[header]", any other key at its name.
    const auto& node = found->second;
    diag_.locate(path, position_of(node.is_table() ? node.source() : found->first.source()));
    return &node;
}

void TableReader::fail(std::string_view key, std::string_view message) {
    const auto path = full(key);
    diag_.reject(path);
    diag_.error(diag_.where(path), path + ": " + std::string(message));
}

void TableReader::wrong_type(std::string_view key, std::string_view expected, const toml::node& found) {
    fail(key, "expected " + std::string(expected) + ", found " + std::string(type_name(found)));
}

std::string TableReader::bad_choice(std::string_view value, const std::vector<std::string>& allowed) {
    std::string message = "'" + std::string(value) + "' is not allowed; use one of ";
    for (std::size_t i = 0; i < allowed.size(); ++i) {
        message += (i == 0 ? "\"" : ", \"") + allowed[i] + "\"";
    }
    if (auto suggestion = closest(value, allowed)) message += " (did you mean \"" + *suggestion + "\"?)";
    return message;
}

const toml::table* TableReader::section(std::string_view key, Need need) {
    const auto* node = find(key, Need::kOptional);
    if (node == nullptr) {
        if (need == Need::kRequired && table_ != nullptr) {
            diag_.error(Position{}, "missing section [" + full(key) + "]");
        }
        return nullptr;
    }
    if (!node->is_table()) {
        wrong_type(key, "a table ([" + full(key) + "] section)", *node);
        return nullptr;
    }
    return node->as_table();
}

std::optional<std::string> TableReader::text(std::string_view key, Need need) {
    const auto* node = find(key, need);
    if (node == nullptr) return std::nullopt;
    const auto* value = node->as_string();
    if (value == nullptr) {
        wrong_type(key, "a string", *node);
        return std::nullopt;
    }
    if (blank(value->get())) {
        fail(key, "must not be empty");
        return std::nullopt;
    }
    if (value->get().find('\0') != std::string::npos) {
        fail(key, "must not contain a NUL character");
        return std::nullopt;
    }
    return value->get();
}

std::optional<bool> TableReader::boolean(std::string_view key, Need need) {
    const auto* node = find(key, need);
    if (node == nullptr) return std::nullopt;
    if (!node->is_boolean()) {
        wrong_type(key, "a boolean (true or false)", *node);
        return std::nullopt;
    }
    return node->as_boolean()->get();
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, Need need) {
    const auto* node = find(key, need);
    if (node == nullptr) return std::nullopt;
    if (!node->is_integer()) {
        wrong_type(key, "an integer", *node);
        return std::nullopt;
    }
    return node->as_integer()->get();
}

std::optional<int> TableReader::positive(std::string_view key, Need need, std::int64_t max) {
    const auto value = integer(key, need);
    if (!value) return std::nullopt;
    if (*value <= 0 || *value > max) {
        fail(key, "must be between 1 and " + std::to_string(max) + ", found " + std::to_string(*value));
        return std::nullopt;
    }
    return static_cast<int>(*value);
}

std::optional<std::chrono::seconds> TableReader::seconds(std::string_view key, Need need) {
    // A day is far beyond any boot or reaction time; larger values are typos.
    const auto value = positive(key, need, 86400);
    if (!value) return std::nullopt;
    return std::chrono::seconds(*value);
}

std::optional<std::vector<std::string>> TableReader::text_list(std::string_view key, Need need) {
    const auto* node = find(key, need);
    if (node == nullptr) return std::nullopt;
    const auto* array = node->as_array();
    if (array == nullptr) {
        wrong_type(key, "an array of strings", *node);
        return std::nullopt;
    }
    if (array->empty()) {
        fail(key, "must list at least one entry");
        return std::nullopt;
    }
    std::vector<std::string> items;
    bool all_ok = true;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const auto& element = *array->get(i);
        const auto element_path = full(key) + "[" + std::to_string(i) + "]";
        const auto* value = element.as_string();
        if (value == nullptr || blank(value->get())) {
            diag_.error(position_of(element.source()),
                        element_path + ": " +
                            (value == nullptr ? "expected a string, found " + std::string(type_name(element))
                                              : std::string("must not be empty")));
            all_ok = false;
            continue;
        }
        items.push_back(value->get());
    }
    if (!all_ok) {
        diag_.reject(full(key));
        return std::nullopt;
    }
    return items;
}

void TableReader::finish() {
    if (table_ == nullptr) return;
    const std::set<std::string, std::less<>> asked(asked_.begin(), asked_.end());
    for (auto&& [key, node] : *table_) {
        if (asked.contains(key.str())) continue;
        diag_.unknown(path_, std::string(key.str()), position_of(key.source()), node.is_table());
    }
}

}  // namespace hnbsec::profile::detail
