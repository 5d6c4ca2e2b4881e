// strongSwan's charon as the DUT against our harness: the lab (network namespaces, our
// SeGW and the other roles) comes up from a profile and a fresh PKI whose device key is on
// a SoftHSM2 token; the strongswan adapter brings charon up as the H(e)NB in the DUT
// namespace; our SeGW reports the IKE SA and the CHILD SA; a power cycle reconnects; stop()
// leaves no charon, no mount and no process in the namespace; the lab's teardown removes it.
#include <condition_variable>
#include <mutex>
#include <regex>

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/dut/dut_test_support.h"
#include "harness/dut/strongswan_dut.h"
#include "harness/lab/lab_services.h"
#include "harness/lab/pki_setup.h"
#include "harness/net/net_namespace.h"

namespace hnbsec::dut {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::TempDir;

// Every event of the lab, as text, with a bounded wait for a pattern.
class EventLog {
public:
    void add(const lab::LabEvent& event) {
        const std::lock_guard lock(mutex_);
        lines_.push_back(event.role + ": " + lab::to_string(event));
        changed_.notify_all();
    }
    std::size_t count(const std::string& pattern) {
        const std::regex rx(pattern);
        const std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (const auto& line : lines_) n += std::regex_search(line, rx) ? 1 : 0;
        return n;
    }
    bool wait_for(const std::string& pattern, std::size_t at_least, std::chrono::milliseconds timeout) {
        const std::regex rx(pattern);
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] {
            std::size_t n = 0;
            for (const auto& line : lines_) n += std::regex_search(line, rx) ? 1 : 0;
            return n >= at_least;
        });
    }
    std::string text() {
        const std::lock_guard lock(mutex_);
        std::string all;
        for (const auto& line : lines_) all += line + "\n";
        return all;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> lines_;
};

ino_t namespace_inode(const fs::path& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

// PIDs of every process whose network namespace is `ns`.
std::vector<std::string> processes_in(const std::string& ns) {
    const ino_t inode = namespace_inode(fs::path("/run/netns") / ns);
    std::vector<std::string> pids;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        if (inode != 0 && namespace_inode(entry.path() / "ns" / "net") == inode) pids.push_back(name);
    }
    return pids;
}

TEST(StrongswanDutInterop, CharonComesUpAgainstOurSegwAndLeavesNothingBehind) {
    // A missing peer fails the test: CI must not pass by not running it.
    ASSERT_EQ(::access(std::string(kCharonBinary).c_str(), X_OK), 0) << "charon missing: run ci/install-deps";
    ASSERT_FALSE(find_executable("swanctl").empty()) << "swanctl missing: run ci/install-deps";
    ASSERT_EQ(::geteuid(), 0U) << "needs root (network namespaces, bind mounts)";

    TempDir tmp;
    ASSERT_FALSE(tmp.path().empty());
    const auto profile = testing::load_test_profile(tmp.path(), "strongswan");
    lab::PkiSetupRequest request;
    request.profile = &profile;
    auto pki = lab::set_up_pki(request);
    ASSERT_TRUE(pki.ok()) << pki.error().message();

    EventLog events;
    auto lab =
        lab::LabServices::start(profile, pki->manifest, {}, [&](const lab::LabEvent& e) { events.add(e); });
    ASSERT_TRUE(lab.ok()) << lab.error().message();
    const net::NetworkPlan plan = (*lab)->plan();

    StrongswanDutOptions options;
    options.run_dir = tmp.path() / "charon";
    auto created = StrongswanDut::create(profile, pki->manifest, plan, options);
    ASSERT_TRUE(created.ok()) << created.error().message();
    auto& dut = **created;
    EXPECT_EQ(dut.traffic().ns, plan.dut_ns);
    EXPECT_EQ(dut.traffic().interface, plan.public_link);
    EXPECT_EQ(dut.traffic().outer_address, "192.168.77.2");
    struct stat st {};
    ASSERT_EQ(::stat((dut.files().swanctl_dir / "swanctl.conf").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);

    auto started = dut.start();
    ASSERT_TRUE(started.ok()) << started.error().message();
    auto ready = dut.wait_ready(30s);
    ASSERT_TRUE(ready.ok()) << ready.error().message();
    EXPECT_EQ(ready->outcome, ActionOutcome::kDone) << ready->detail << "\n--- lab ---\n" << events.text();
    EXPECT_TRUE(events.wait_for("IKE SA .* established", 1, 10s)) << events.text();
    EXPECT_TRUE(events.wait_for("CHILD SA up", 1, 10s)) << events.text();

    auto sas = dut.swanctl({"--list-sas", "--raw"});
    ASSERT_TRUE(sas.ok());
    EXPECT_NE(sas->output.find("remote-id=segw.lab.test"), std::string::npos) << sas->output;
    EXPECT_NE(sas->output.find("local-vips=[10.77.0."), std::string::npos) << sas->output;

    // Evidence: charon's log, never the PIN-bearing swanctl.conf; no key dumps in the log.
    for (const auto& file : dut.evidence()) EXPECT_NE(file.path.filename(), "swanctl.conf");
    EXPECT_EQ(testing::read_file(dut.files().log).find("Sk_ei secret"), std::string::npos);

    // Unsupported actions say so.
    EXPECT_EQ(dut.hpm_remove()->outcome, ActionOutcome::kUnsupported);
    EXPECT_EQ(dut.factory_reset()->outcome, ActionOutcome::kUnsupported);
    EXPECT_EQ(dut.set_defect("weak-proposal")->outcome, ActionOutcome::kUnsupported);

    // A power cycle: charon restarts and connects again.
    const pid_t first = *dut.charon_pid();
    auto cycled = dut.power_cycle();
    ASSERT_TRUE(cycled.ok()) << cycled.error().message();
    EXPECT_NE(*dut.charon_pid(), first);
    EXPECT_FALSE(fs::exists("/proc/" + std::to_string(first)));
    auto again = dut.wait_ready(30s);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->outcome, ActionOutcome::kDone) << again->detail;
    EXPECT_TRUE(events.wait_for("CHILD SA up", 2, 10s)) << events.text();

    // stop(): no charon, no private /run mount, no process left in the DUT namespace.
    const pid_t charon = *dut.charon_pid();
    ASSERT_TRUE(dut.stop().ok());
    EXPECT_FALSE(dut.charon_pid().has_value());
    EXPECT_FALSE(fs::exists("/proc/" + std::to_string(charon))) << "charon " << charon << " still there";
    EXPECT_TRUE(processes_in(plan.dut_ns).empty()) << "processes left in " << plan.dut_ns;
    EXPECT_EQ(testing::read_file("/proc/self/mountinfo").find(dut.files().run_dir.string()),
              std::string::npos);
    EXPECT_TRUE(dut.stop().ok());  // twice is fine

    ASSERT_TRUE((*lab)->stop().ok());
    EXPECT_FALSE(net::namespace_exists(plan.dut_ns));
    EXPECT_FALSE(net::namespace_exists(plan.public_ns));
}

}  // namespace
}  // namespace hnbsec::dut
