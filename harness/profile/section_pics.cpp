// [pics]: what the DUT declares it supports. Both spellings are accepted:
//   P.HPM = true      (a dotted key: TOML makes it the table pics.P)
//   "P.HPM" = true    (a quoted key)
// Names left out are not supported.
#include <map>

#include "harness/profile/did_you_mean.h"
#include "harness/profile/sections.h"

namespace hnbsec::profile::detail {
namespace {

std::vector<std::string> catalogue_names() {
    std::vector<std::string> names;
    for (const auto& item : pics_catalogue()) names.emplace_back(item.name);
    return names;
}

// "HPM", "p.hpm" and "P.HMP" all point at "P.HPM".
std::optional<std::string> suggest_pics(std::string_view wrong) {
    const auto names = catalogue_names();
    if (auto direct = closest(wrong, names)) return direct;
    return closest("P." + std::string(wrong), names);
}

class PicsDeclarations {
public:
    PicsDeclarations(Diagnostics& diag, Pics& out) : diag_(diag), out_(out) {}

    void declare(const std::string& name, const toml::node& value, Position where) {
        const auto path = "pics." + name;
        if (looks_like_secret(name)) {
            diag_.error(where, path + ": " + std::string(kNoPinsMessage));
            return;
        }
        if (!is_pics_name(name)) {
            std::string message = path + ": unknown PICS name";
            if (auto suggestion = suggest_pics(name)) message += "; did you mean " + *suggestion + "?";
            diag_.error(where, std::move(message));
            return;
        }
        if (auto first = seen_.find(name); first != seen_.end()) {
            // TOML hands over keys sorted, not in file order: name the later line.
            const bool earlier = where.line < first->second.line;
            const auto& [one, other] =
                earlier ? std::pair{first->second, where} : std::pair{where, first->second};
            diag_.error(one, path + ": declared twice (first on line " + std::to_string(other.line) + ")");
            return;
        }
        seen_.emplace(name, where);
        diag_.locate(path, where);
        if (!value.is_boolean()) {
            diag_.reject(path);
            diag_.error(
                where, path + ": expected a boolean (true or false), found " + std::string(type_name(value)));
            return;
        }
        out_.set(name, value.as_boolean()->get());
    }

private:
    Diagnostics& diag_;
    Pics& out_;
    std::map<std::string, Position> seen_;
};

}  // namespace

void read_pics(TableReader& root, ReadContext& context, Pics& out) {
    const auto* pics = root.section("pics", Need::kRequired);
    if (pics == nullptr) return;
    PicsDeclarations declarations(context.diag, out);
    for (auto&& [key, value] : *pics) {
        const std::string name(key.str());
        if (name == "P" && value.is_table()) {
            for (auto&& [inner_key, inner_value] : *value.as_table()) {
                declarations.declare("P." + std::string(inner_key.str()), inner_value,
                                     position_of(inner_key.source()));
            }
        } else {
            declarations.declare(name, value, position_of(key.source()));
        }
    }
}

}  // namespace hnbsec::profile::detail
