#pragma once
// Internal: "did you mean" suggestions for misspelt keys, values and PICS names.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace hnbsec::profile::detail {

// Case-insensitive optimal-string-alignment distance: Levenshtein plus
// adjacent transpositions, the commonest typing slip ("fqnd" for "fqdn").
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `wrong`, if close enough to be a plausible typo.
std::optional<std::string> closest(std::string_view wrong, std::span<const std::string> candidates);

// True for key names that would hold a PIN or password ("pin", "so_pin",
// "user_pin", "password", ...), but not pin_file / pin_env.
bool looks_like_secret(std::string_view key);

inline constexpr std::string_view kNoPinsMessage = "PINs never go in the profile; use pin_file or pin_env";

}  // namespace hnbsec::profile::detail
