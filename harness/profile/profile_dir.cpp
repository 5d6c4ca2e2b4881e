#include "harness/profile/profile_dir.h"

#include <algorithm>
#include <cctype>

namespace hnbsec::profile::detail {
namespace {

// POSIX sh single quoting; plain paths stay readable in logs.
std::string shell_quoted(const std::string& text) {
    const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '/' || c == '.' || c == '_' ||
               c == '-';
    });
    if (plain) return text;
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

}  // namespace

std::filesystem::path profile_dir_of(const std::filesystem::path& profile_path) {
    auto dir = profile_path.parent_path();
    return dir.empty() ? std::filesystem::path(".") : dir;
}

Result<std::filesystem::path> resolve_profile_path(std::string_view written,
                                                   const std::filesystem::path& profile_dir) {
    if (written.starts_with('~')) {
        return Error("'~' is not expanded; write the path out or start it with ${profile_dir}");
    }
    if (written.starts_with(kProfileDirVariable)) {
        const auto rest = written.substr(kProfileDirVariable.size());
        if (!rest.empty() && !rest.starts_with('/')) {
            return Error("${profile_dir} must be followed by '/' or end the path");
        }
        if (rest.find("${") != std::string_view::npos) {
            return Error("only a leading ${profile_dir} is expanded");
        }
        const auto tail = rest.find_first_not_of('/');
        if (tail == std::string_view::npos) return profile_dir;
        return profile_dir / std::filesystem::path(rest.substr(tail));
    }
    if (written.find("${") != std::string_view::npos) {
        return Error("only a leading ${profile_dir} is expanded");
    }
    return std::filesystem::path(written);
}

Result<std::string> expand_hook_command(std::string_view command, const std::filesystem::path& profile_dir) {
    if (!command.starts_with(kProfileDirVariable)) return std::string(command);
    const auto rest = command.substr(kProfileDirVariable.size());
    if (!rest.empty() && rest.front() != '/' && rest.front() != ' ') {
        return Error("${profile_dir} must be followed by '/' or a space");
    }
    return shell_quoted(profile_dir.string()) + std::string(rest);
}

}  // namespace hnbsec::profile::detail
