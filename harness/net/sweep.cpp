#include "harness/net/sweep.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <system_error>

#include "harness/net/ip_command.h"
#include "harness/net/net_namespace.h"

namespace hnbsec::net {
namespace {

// Interface names from `ip -o link show`: "7: hx1-v0@if6: <BROADCAST,...> ...".
std::vector<std::string> host_link_names() {
    std::vector<std::string> names;
    auto listed = run_ip({"-o", "link", "show"});
    if (!listed.ok()) return names;
    std::istringstream lines(*listed);
    std::string line;
    while (std::getline(lines, line)) {
        const auto start = line.find(": ");
        if (start == std::string::npos) continue;
        const auto end = line.find_first_of(":@", start + 2);
        if (end == std::string::npos) continue;
        names.push_back(line.substr(start + 2, end - start - 2));
    }
    return names;
}

}  // namespace

std::vector<RunState> list_runs(const std::filesystem::path& lock_dir) {
    std::map<std::string, RunState> runs;
    const auto entry_for = [&](const RunId& id) -> RunState& {
        return runs.try_emplace(id.text(), RunState{id, false, {}, {}}).first->second;
    };
    for (const auto& name : list_namespaces()) {
        if (auto owned = parse_owned_name(name)) entry_for(owned->run_id).namespaces.push_back(name);
    }
    for (const auto& name : host_link_names()) {
        if (auto owned = parse_owned_name(name)) entry_for(owned->run_id).host_links.push_back(name);
    }
    std::vector<RunState> out;
    for (auto& [id, state] : runs) {
        state.alive = run_is_alive(state.run_id, lock_dir);
        out.push_back(std::move(state));
    }
    return out;
}

SweepReport sweep(const std::filesystem::path& lock_dir) {
    SweepReport report;
    for (const auto& run : list_runs(lock_dir)) {
        // Holding the run's lock while removing means a live run cannot start under
        // this ID halfway through, and a live run's lock makes this fail: left alone.
        auto lock = RunLock::acquire(run.run_id, lock_dir);
        if (!lock.ok()) {
            report.kept_alive.push_back(run.run_id.text());
            continue;
        }
        for (const auto& name : run.namespaces) {
            if (auto deleted = delete_namespace(name); deleted.ok()) {
                report.removed.push_back("namespace " + name);
            } else {
                report.failures.push_back("namespace " + name + ": " + deleted.error().message());
            }
        }
        for (const auto& name : run.host_links) {
            if (auto deleted = run_ip({"link", "del", "dev", name}); deleted.ok()) {
                report.removed.push_back("link " + name);
            } else {
                report.failures.push_back("link " + name + ": " + deleted.error().message());
            }
        }
        report.removed.push_back("lock " + lock->path().filename().string());
    }  // each lock (and its file) goes here

    // Lock files of dead runs that left no namespace behind.
    std::vector<std::string> files;  // listed first: removing while iterating is unspecified
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(lock_dir, ec)) {
        files.push_back(entry.path().filename().string());
    }
    for (const auto& file : files) {
        if (!file.ends_with(".lock")) continue;
        auto id = RunId::parse(file.substr(0, file.size() - 5));
        if (!id.ok() || run_is_alive(*id, lock_dir)) continue;
        auto lock = RunLock::acquire(*id, lock_dir);
        if (lock.ok()) report.removed.push_back("lock " + file);
    }
    std::sort(report.removed.begin(), report.removed.end());
    return report;
}

}  // namespace hnbsec::net
