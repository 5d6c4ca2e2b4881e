// Path values of any section, resolved as profile_dir.h documents.
#include "harness/profile/profile_dir.h"
#include "harness/profile/sections.h"

namespace hnbsec::profile::detail {

std::optional<std::filesystem::path> read_path(TableReader& table, std::string_view key,
                                               const ReadContext& context) {
    return table.converted(key, Need::kOptional, [&](std::string_view written) {
        return resolve_profile_path(written, context.profile_dir);
    });
}

}  // namespace hnbsec::profile::detail
