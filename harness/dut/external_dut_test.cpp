// The external DUT with real hooks (/bin/sh scripts writing marker files), a hook that
// outlives its timeout, a failing hook, and the operator prompt on a pseudo-terminal and
// in a non-interactive run.
#include "harness/dut/external_dut.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness/dut/dut_test_support.h"
#include "harness/dut/hook_runner.h"
#include "harness/dut/operator_prompt.h"

namespace hnbsec::dut {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

using testing::TempDir;
std::string read(const fs::path& file) {
    return testing::read_file(file);
}

profile::Profile external_profile(const fs::path& dir) {
    profile::Profile p;
    p.dut.kind = profile::DutKind::kExternal;
    p.dut.interface = "enp3s0";
    p.dut.outer_address = profile::IpAddress{};
    p.dut.outer_address->text = "192.0.2.10";
    p.pixit.hooks.power_cycle = "echo power >> '" + (dir / "markers").string() + "'; echo cycled";
    p.pixit.hooks.hpm_remove = "echo hpm-out >> '" + (dir / "markers").string() + "'";
    p.pixit.hooks.factory_reset = "echo resetting; exit 3";
    p.pixit.hooks.timeout = std::chrono::seconds(5);
    return p;
}

ExternalDutOptions non_interactive(const fs::path& dir) {
    ExternalDutOptions o;
    o.evidence_dir = dir / "evidence";
    o.console.non_interactive = true;
    return o;
}

TEST(ExternalDut, HooksRunAndKeepTheirOutputAsEvidence) {
    TempDir tmp;
    ExternalDut dut(external_profile(tmp.path()), non_interactive(tmp.path()));
    EXPECT_EQ(dut.kind(), "external");

    auto cycled = dut.power_cycle();
    ASSERT_TRUE(cycled.ok()) << cycled.error().message();
    EXPECT_EQ(cycled->outcome, ActionOutcome::kDone) << cycled->detail;
    auto removed = dut.hpm_remove();
    ASSERT_TRUE(removed.ok()) << removed.error().message();
    EXPECT_EQ(removed->outcome, ActionOutcome::kDone);
    EXPECT_EQ(read(tmp.path() / "markers"), "power\nhpm-out\n");

    const auto evidence = dut.evidence();
    ASSERT_EQ(evidence.size(), 2U);
    EXPECT_EQ(evidence[0].label, "hook power_cycle");
    const std::string log = read(evidence[0].path);
    EXPECT_NE(log.find("# hook power_cycle: /bin/sh -c echo power"), std::string::npos) << log;
    EXPECT_NE(log.find("cycled\n"), std::string::npos) << log;
}

TEST(ExternalDut, AFailingHookIsAnErrorNamingTheHook) {
    TempDir tmp;
    ExternalDut dut(external_profile(tmp.path()), non_interactive(tmp.path()));
    auto reset = dut.factory_reset();
    ASSERT_FALSE(reset.ok());
    EXPECT_NE(reset.error().message().find("hook 'factory_reset' failed with exit status 3"),
              std::string::npos)
        << reset.error().message();
    EXPECT_NE(read(dut.evidence().at(0).path).find("resetting"), std::string::npos);
}

TEST(ExternalDut, AHookPastItsTimeoutIsInconclusiveAndItsGroupIsKilled) {
    TempDir tmp;
    const fs::path pid_file = tmp.path() / "sleeper.pid";
    // The hook's child (a background sleep) must die with the hook's group.
    HookRun run{"hpm_insert", "sleep 30 & echo $! > '" + pid_file.string() + "'; wait",
                std::chrono::seconds(1), tmp.path() / "hook.log"};
    const auto started = std::chrono::steady_clock::now();
    auto result = run_hook(run);
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_TRUE(result.ok()) << result.error().message();
    EXPECT_EQ(result->outcome, ActionOutcome::kInconclusive);
    EXPECT_NE(result->detail.find("did not finish within 1 s"), std::string::npos) << result->detail;
    EXPECT_LT(took, 5s);
    const pid_t sleeper = std::stoi(read(pid_file));
    // SIGKILL is delivered asynchronously: wait (bounded) on a pidfd until it has exited.
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, sleeper, 0));
    if (pidfd >= 0) {  // else it is already gone (ESRCH)
        pollfd fd{pidfd, POLLIN, 0};
        EXPECT_EQ(::poll(&fd, 1, 5000), 1) << "the hook's background child " << sleeper << " survived";
        ::close(pidfd);
    }
}

TEST(ExternalDut, NoHookInANonInteractiveRunIsInconclusiveAtOnce) {
    TempDir tmp;
    ExternalDut dut(external_profile(tmp.path()), non_interactive(tmp.path()));
    auto inserted = dut.hpm_insert();  // no hpm_insert hook
    ASSERT_TRUE(inserted.ok());
    EXPECT_EQ(inserted->outcome, ActionOutcome::kInconclusive);
    EXPECT_NE(inserted->detail.find("Insert the HPM"), std::string::npos) << inserted->detail;
    EXPECT_NE(inserted->detail.find("not interactive"), std::string::npos) << inserted->detail;
}

TEST(ExternalDut, StdinThatIsNotATerminalCannotBePrompted) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    OperatorConsole console;
    console.input_fd = fds[0];
    console.output_fd = fds[1];
    EXPECT_FALSE(console.can_prompt());
    auto answer = prompt_operator(console, "Remove the HPM from the DUT");
    EXPECT_EQ(answer.outcome, ActionOutcome::kInconclusive);
    ::close(fds[0]);
    ::close(fds[1]);
}

TEST(ExternalDut, DefectsAreUnsupportedAndTrafficIsTheLabInterface) {
    TempDir tmp;
    ExternalDut dut(external_profile(tmp.path()), non_interactive(tmp.path()));
    auto set = dut.set_defect("segw-cert-untrusted-accepted");
    ASSERT_TRUE(set.ok());
    EXPECT_EQ(set->outcome, ActionOutcome::kUnsupported);
    EXPECT_EQ(dut.clear_defect("x")->outcome, ActionOutcome::kUnsupported);
    EXPECT_EQ(dut.wait_ready(1s)->outcome, ActionOutcome::kUnsupported);
    const DutTraffic traffic = dut.traffic();
    EXPECT_FALSE(traffic.ns.has_value());
    EXPECT_EQ(traffic.interface, "enp3s0");
    EXPECT_EQ(traffic.outer_address, "192.0.2.10");
    EXPECT_TRUE(dut.start().ok());
    EXPECT_TRUE(dut.stop().ok());
}

// The operator at a pseudo-terminal: Enter confirms, "skip" is inconclusive, silence times out.
class Terminal {
public:
    Terminal() { ok_ = ::openpty(&master_, &slave_, nullptr, nullptr, nullptr) == 0; }
    ~Terminal() {
        if (ok_) {
            ::close(master_);
            ::close(slave_);
        }
    }
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;
    bool ok() const { return ok_; }
    void type(const std::string& text) const {
        ASSERT_EQ(::write(master_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    }
    OperatorConsole console(std::chrono::seconds timeout) const {
        OperatorConsole c;
        c.input_fd = slave_;
        c.output_fd = slave_;
        c.timeout = timeout;
        return c;
    }

private:
    int master_ = -1;
    int slave_ = -1;
    bool ok_ = false;
};

TEST(OperatorPrompt, EnterConfirmsSkipIsInconclusiveSilenceTimesOut) {
    Terminal terminal;
    ASSERT_TRUE(terminal.ok());
    ASSERT_TRUE(terminal.console(1s).can_prompt());

    terminal.type("\n");
    auto confirmed = prompt_operator(terminal.console(5s), "Remove the HPM from the DUT");
    EXPECT_EQ(confirmed.outcome, ActionOutcome::kDone) << confirmed.detail;

    terminal.type("maybe\nskip\n");
    auto skipped = prompt_operator(terminal.console(5s), "Insert the HPM into the DUT");
    EXPECT_EQ(skipped.outcome, ActionOutcome::kInconclusive);
    EXPECT_NE(skipped.detail.find("skipped"), std::string::npos) << skipped.detail;

    auto silent = prompt_operator(terminal.console(1s), "Power the DUT off and on again");
    EXPECT_EQ(silent.outcome, ActionOutcome::kInconclusive);
    EXPECT_NE(silent.detail.find("did not answer"), std::string::npos) << silent.detail;
}

}  // namespace
}  // namespace hnbsec::dut
