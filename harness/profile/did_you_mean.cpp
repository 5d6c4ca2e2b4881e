#include "harness/profile/did_you_mean.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace hnbsec::profile::detail {
namespace {

char folded(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Lower case with '-' and '_' dropped, so "SO-PIN", "so_pin" and "sopin" compare equal.
std::string squashed(std::string_view key) {
    std::string out;
    for (char c : key) {
        if (c != '-' && c != '_') out += folded(c);
    }
    return out;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Three rolling rows of the optimal-string-alignment table.
    std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = folded(a[i - 1]) == folded(b[j - 1]) ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && folded(a[i - 1]) == folded(b[j - 2]) &&
                folded(a[i - 2]) == folded(b[j - 1])) {
                current[j] = std::min(current[j], before[j - 2] + 1);
            }
        }
        before.swap(previous);
        previous.swap(current);
    }
    return previous[b.size()];
}

std::optional<std::string> closest(std::string_view wrong, std::span<const std::string> candidates) {
    // Short names tolerate one slip, longer ones two or three.
    const std::size_t limit = wrong.size() <= 4 ? 1 : wrong.size() <= 10 ? 2 : 3;
    std::optional<std::string> best;
    std::size_t best_distance = limit + 1;
    for (const auto& candidate : candidates) {
        const auto distance = edit_distance(wrong, candidate);
        if (distance < best_distance) {
            best_distance = distance;
            best = candidate;
        }
    }
    return best;
}

bool looks_like_secret(std::string_view key) {
    const auto name = squashed(key);
    if (name.starts_with("pinfile") || name.starts_with("pinenv")) return false;
    if (name.starts_with("pin") || name.ends_with("pin")) return true;
    for (std::string_view word : {"password", "passwd", "passphrase", "secret"}) {
        if (name.find(word) != std::string::npos) return true;
    }
    return false;
}

}  // namespace hnbsec::profile::detail
