#pragma once
// Finding and removing the leftovers of dead runs: namespaces (and, should one
// ever be left in the host namespace, links) whose names are ours
// (parse_owned_name) and whose run holds no lock. Names that are not ours and
// runs that are alive are never touched.

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"
#include "harness/net/run_id.h"
#include "harness/net/run_lock.h"

namespace hnbsec::net {

struct RunState {
    RunId run_id;
    bool alive = false;
    std::vector<std::string> namespaces;  // ours, of this run
    std::vector<std::string> host_links;  // ours, of this run, in the host namespace
};

// Every run that has namespaces or host links, sorted by run ID.
std::vector<RunState> list_runs(
    const std::filesystem::path& lock_dir = std::filesystem::path(kDefaultLockDir));

struct SweepReport {
    std::vector<std::string> removed;     // "namespace hx1-dut", "link hx1-v0", "lock hx1.lock"
    std::vector<std::string> kept_alive;  // run IDs left alone because they are alive
    std::vector<std::string> failures;    // what could not be removed, and why
};

// Removes the namespaces, host links and lock files of dead runs.
SweepReport sweep(const std::filesystem::path& lock_dir = std::filesystem::path(kDefaultLockDir));

}  // namespace hnbsec::net
