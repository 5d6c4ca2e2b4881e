#pragma once
// Run IDs: every namespace and link a harness run creates carries one, so runs
// can live side by side and a crashed run's leftovers can be found and removed
// without touching anything else. Names look like "hx3f9a1c-dut": the prefix
// "hx", the ID, a dash and a role suffix. Linux interface names hold at most 15
// characters (IFNAMSIZ - 1), so an ID has at most 8 characters; the longest
// link name is "hx" + 8 + "-tun" = 14.

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hnbsec::net {

inline constexpr std::string_view kNamePrefix = "hx";
inline constexpr std::size_t kMaxRunIdLength = 8;
inline constexpr std::size_t kMaxInterfaceNameLength = 15;  // IFNAMSIZ - 1

// What a named object is for; the suffix of its name.
enum class NameRole {
    kDutNamespace,     // "-dut"
    kPublicNamespace,  // "-pub"
    kCoreNamespace,    // "-core"
    kDutVeth,          // "-v0": the veth end in the DUT namespace
    kPublicVeth,       // "-v1": the veth end in the public namespace
    kTun,              // "-tun": the TUN device in the core namespace
};

std::string_view suffix(NameRole role);

class RunId {
public:
    // 6 random lowercase hex digits (getrandom).
    static RunId generate();
    // 1..8 characters of [0-9a-z]; anything else is rejected with the reason.
    static Result<RunId> parse(std::string_view text);

    const std::string& text() const { return text_; }
    // "hx<id>-<suffix>".
    std::string name(NameRole role) const;

    friend bool operator==(const RunId&, const RunId&) = default;

private:
    explicit RunId(std::string text) : text_(std::move(text)) {}
    std::string text_;
};

// A name that is ours: prefix, a valid run ID, one of our suffixes. Anything
// else (another tool's namespace, "hxfoo" without a known suffix) is nullopt and
// must never be touched.
struct OwnedName {
    RunId run_id;
    NameRole role;
};
std::optional<OwnedName> parse_owned_name(std::string_view name);

}  // namespace hnbsec::net
