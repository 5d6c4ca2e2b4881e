#pragma once
// Internal: one reader per profile section. Each reads every key of its
// section (so unknown keys can be told apart), checks values on their own,
// fills `out` and applies the documented defaults. Cross-section rules live in
// rules.h.

#include <filesystem>
#include <string>

#include "harness/profile/diagnostics.h"
#include "harness/profile/profile.h"
#include "harness/profile/table_reader.h"

namespace hnbsec::profile::detail {

struct ReadContext {
    Diagnostics& diag;
    std::filesystem::path profile_dir;  // what ${profile_dir} expands to
    std::string default_name;           // campaign.name when absent
};

// Order matters only for [pki] (its default flavours follow P.ECDSA), so read [pics] first.
void read_campaign(TableReader& root, ReadContext& context, Campaign& out);
void read_dut(TableReader& root, ReadContext& context, Dut& out);
void read_pics(TableReader& root, ReadContext& context, Pics& out);
void read_pixit(TableReader& root, ReadContext& context, Pixit& out);
void read_pki(TableReader& root, ReadContext& context, const Pics& pics, Pki& out);
void read_hsm(TableReader& root, ReadContext& context, Hsm& out);
void read_capture(TableReader& root, ReadContext& context, Capture& out);

// A path value resolved per profile_dir.h; problems are reported on `key`.
std::optional<std::filesystem::path> read_path(TableReader& table, std::string_view key,
                                               const ReadContext& context);

}  // namespace hnbsec::profile::detail
