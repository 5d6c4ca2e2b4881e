#pragma once
// Internal: collects problems and warnings while a profile is read, and
// remembers where each key was written so cross-section rules can point at it.

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "harness/profile/problem.h"

namespace hnbsec::profile::detail {

struct Position {
    int line = 1;
    int column = 1;
};

// toml++ positions are 1-based; 0 means "unknown", which we pin to 1:1.
Position position_of(const toml::source_region& region);

class Diagnostics {
public:
    explicit Diagnostics(std::string file) : file_(std::move(file)) {}

    void error(Position where, std::string message);
    void warning(Position where, std::string message);

    // Remembers that the dotted `path` ("pixit.hooks.timeout_s", "pics.P.HPM",
    // "dut") was written at `where`.
    void locate(const std::string& path, Position where);
    // Where `path` was written, else its nearest written parent, else 1:1.
    Position where(std::string_view path) const;
    bool written(std::string_view path) const;

    // A written value that is wrong (type, syntax, range): rules must not use it.
    void reject(const std::string& path);
    bool usable(std::string_view path) const {
        return written(path) && !rejected_.contains(std::string(path));
    }

    // Unknown keys are reported at the end, when every section has said which
    // keys it knows, so a misplaced key can be told where it belongs.
    void expect(const std::string& path) { expected_.insert(path); }
    void unknown(std::string section, std::string key, Position where, bool is_table);
    void report_unknown_keys();

    std::vector<ProfileProblem> take_errors();
    std::vector<ProfileProblem> take_warnings();

private:
    struct Unknown {
        std::string section;  // "" for the top level
        std::string key;
        Position where;
        bool is_table = false;
    };

    std::string file_;
    std::vector<ProfileProblem> errors_;
    std::vector<ProfileProblem> warnings_;
    std::map<std::string, Position, std::less<>> locations_;
    std::set<std::string> rejected_;
    std::set<std::string> expected_;
    std::vector<Unknown> unknown_;
};

}  // namespace hnbsec::profile::detail
