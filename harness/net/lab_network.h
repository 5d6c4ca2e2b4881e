#pragma once
// Builds a NetworkPlan into the kernel and takes it down again. Owns the run's
// lock (so sweep() leaves it alone while it lives) and the core TUN device.
// Teardown happens in teardown() or the destructor, also after a partial build;
// a SIGKILLed run leaves its namespaces behind for sweep() to remove.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "harness/net/network_plan.h"
#include "harness/net/run_lock.h"
#include "harness/net/tun_device.h"

namespace hnbsec::net {

struct BuildOptions {
    std::filesystem::path lock_dir{kDefaultLockDir};
};

class LabNetwork {
public:
    // Takes the run lock, then creates namespaces, links, addresses, the TUN and
    // routes. On failure everything already created is removed again.
    static Result<LabNetwork> build(const NetworkPlan& plan, const BuildOptions& options = {});

    LabNetwork(LabNetwork&&) noexcept;
    LabNetwork& operator=(LabNetwork&&) noexcept;
    ~LabNetwork();

    const NetworkPlan& plan() const { return plan_; }
    // The core TUN device; empty after release_tun().
    TunDevice* tun() { return tun_ ? &*tun_ : nullptr; }
    // Hands the TUN device to its user (the SeGW); it lives as long as they hold it.
    std::optional<TunDevice> release_tun() { return std::exchange(tun_, std::nullopt); }
    // Each `ip` command that ran, in order, for logs.
    const std::vector<std::string>& commands() const { return commands_; }

    // Deletes the namespaces (their links and addresses go with them), closes the
    // TUN and releases the lock. Idempotent; collects every failure.
    Status teardown();

private:
    LabNetwork(NetworkPlan plan, RunLock lock);
    Status build_steps();

    NetworkPlan plan_;
    std::optional<RunLock> lock_;
    std::optional<TunDevice> tun_;
    std::vector<std::string> commands_;
    std::vector<std::string> created_namespaces_;
};

}  // namespace hnbsec::net
