#include "harness/profile/diagnostics.h"

#include <algorithm>

#include "harness/profile/did_you_mean.h"

namespace hnbsec::profile::detail {
namespace {

std::string parent_of(std::string_view path) {
    const auto dot = path.rfind('.');
    return dot == std::string_view::npos ? std::string() : std::string(path.substr(0, dot));
}

std::string last_segment(std::string_view path) {
    const auto dot = path.rfind('.');
    return std::string(dot == std::string_view::npos ? path : path.substr(dot + 1));
}

std::vector<ProfileProblem> sorted(std::vector<ProfileProblem> problems) {
    std::stable_sort(problems.begin(), problems.end(), [](const ProfileProblem& a, const ProfileProblem& b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    return problems;
}

std::string joined(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
    return text;
}

}  // namespace

Position position_of(const toml::source_region& region) {
    Position where;
    if (region.begin.line > 0) where.line = static_cast<int>(region.begin.line);
    if (region.begin.column > 0) where.column = static_cast<int>(region.begin.column);
    return where;
}

void Diagnostics::error(Position where, std::string message) {
    errors_.push_back({file_, where.line, where.column, std::move(message)});
}

void Diagnostics::warning(Position where, std::string message) {
    warnings_.push_back({file_, where.line, where.column, std::move(message)});
}

void Diagnostics::locate(const std::string& path, Position where) {
    locations_.emplace(path, where);
}

Position Diagnostics::where(std::string_view path) const {
    std::string probe(path);
    while (!probe.empty()) {
        if (auto found = locations_.find(probe); found != locations_.end()) return found->second;
        probe = parent_of(probe);
    }
    return Position{};
}

bool Diagnostics::written(std::string_view path) const {
    return locations_.find(path) != locations_.end();
}

void Diagnostics::reject(const std::string& path) {
    rejected_.insert(path);
}

void Diagnostics::unknown(std::string section, std::string key, Position where, bool is_table) {
    unknown_.push_back({std::move(section), std::move(key), where, is_table});
}

void Diagnostics::report_unknown_keys() {
    for (const auto& item : unknown_) {
        const std::string path = item.section.empty() ? item.key : item.section + "." + item.key;
        if (looks_like_secret(item.key)) {
            error(item.where, path + ": " + std::string(kNoPinsMessage));
            continue;
        }
        // The keys this section knows, and where else a key of this name lives.
        std::vector<std::string> siblings;
        std::string home;
        for (const auto& known : expected_) {
            if (parent_of(known) == item.section) siblings.push_back(last_segment(known));
            if (last_segment(known) == item.key && parent_of(known) != item.section) home = parent_of(known);
        }
        const auto suggestion = closest(item.key, siblings);
        std::string message;
        if (item.section.empty() && item.is_table) {
            message = "[" + item.key + "]: unknown section";
            message +=
                suggestion ? "; did you mean [" + *suggestion + "]?" : "; sections are " + joined(siblings);
        } else if (item.section.empty()) {
            message = item.key + ": unknown top-level key; keys belong in a section";
            if (!home.empty()) message += ", this one in [" + home + "]";
        } else {
            message = path + ": unknown key";
            if (suggestion) {
                message += "; did you mean '" + item.section + "." + *suggestion + "'?";
            } else if (!home.empty()) {
                message += "; '" + item.key + "' belongs in [" + home + "]";
            } else {
                message += "; known keys: " + joined(siblings);
            }
        }
        error(item.where, std::move(message));
    }
    unknown_.clear();
}

std::vector<ProfileProblem> Diagnostics::take_errors() {
    return sorted(std::exchange(errors_, {}));
}

std::vector<ProfileProblem> Diagnostics::take_warnings() {
    return sorted(std::exchange(warnings_, {}));
}

}  // namespace hnbsec::profile::detail
