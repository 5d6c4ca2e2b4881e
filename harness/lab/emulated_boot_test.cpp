// The emulated H(e)NB, started by the emulated DUT adapter, boots against the whole lab
// (issue 6, first "Must show"): IKE and CHILD SA up with the SeGW's certificate checked
// through the stapled OCSP response, NTP through the tunnel, CWMP Inform answered by the
// serving H(e)MS; every step is a harness event. HPM removal -> IKE DELETE and silence;
// insertion -> a new IKE SA. Its device key sits on the token: pkcs11-tool shows it
// sensitive and never extractable, and nothing in its run folder holds key material.
//
// One process (ONE_PROCESS): the PKI and token are made once.

#include <array>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "harness/lab/emulated_lab_suite.h"

namespace hnbsec::lab::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kBootTimeout = 60s;
constexpr auto kStepTimeout = 20s;
// How long the device must stay silent after HPM removal to call it silent: longer than
// its NAT keepalive and retransmission intervals would leave a conformant gap.
constexpr auto kSilenceWindow = 5s;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Runs pkcs11-tool on a pseudo-terminal and types the PIN at its prompt: pkcs11-tool reads
// a PIN only from argv (which every user can read in /proc) or from a terminal.
std::string pkcs11_tool_private_objects(const fs::path& module, const std::string& token_label,
                                        const fs::path& softhsm_conf, const std::string& pin) {
    int master = -1;
    const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
    if (pid < 0) return "forkpty failed";
    if (pid == 0) {
        setenv("SOFTHSM2_CONF", softhsm_conf.c_str(), 1);
        execlp("pkcs11-tool", "pkcs11-tool", "--module", module.c_str(), "--token-label", token_label.c_str(),
               "--login", "--list-objects", "--type", "privkey", static_cast<char*>(nullptr));
        _exit(127);
    }
    // Bounded: pkcs11-tool that never prompts, or never exits, fails the test instead of
    // hanging it. The PIN is typed once the prompt is shown and the terminal stopped echoing:
    // pkcs11-tool turns echo off with TCSAFLUSH, which discards anything typed before.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::string output;
    bool pin_sent = false;
    std::array<char, 4096> buffer{};
    while (std::chrono::steady_clock::now() < deadline) {
        if (!pin_sent && output.find("PIN:") != std::string::npos) {
            termios mode{};
            if (tcgetattr(master, &mode) == 0 && (mode.c_lflag & ECHO) == 0) {
                const std::string line = pin + "\n";
                if (write(master, line.data(), line.size()) != static_cast<ssize_t>(line.size())) break;
                pin_sent = true;
            }
        }
        pollfd readable{master, POLLIN, 0};
        const int ready = poll(&readable, 1, 20);  // short: the echo state is polled too
        if (ready < 0) break;
        if (ready == 0) continue;
        const ssize_t n = read(master, buffer.data(), buffer.size());
        if (n <= 0) break;  // EIO once the child has exited
        output.append(buffer.data(), static_cast<std::size_t>(n));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
        kill(pid, SIGKILL);
        output += "\n[pkcs11-tool did not finish within 30 s]";
    }
    close(master);
    int status = 0;
    waitpid(pid, &status, 0);
    return output;
}

using EmulatedBootTest = EmulatedLabSuite;

TEST_F(EmulatedBootTest, FullBootHpmRemovalAndReinsertionAreHarnessEvents) {
    ASSERT_NE(material_, nullptr);
    auto started = EmulatedLab::start(*material_, EmulatedLabOptions{}, run_dir());
    ASSERT_TRUE(started.ok()) << started.error().message();
    auto& lab = **started;
    auto& timeline = lab.timeline();

    // Boot: every step is an event of the role that saw it.
    ASSERT_TRUE(timeline.wait_for(0, is_ocsp_staple_sent, kBootTimeout)) << lab.console_log();
    ASSERT_TRUE(timeline.wait_for(0, is_ike_established, kStepTimeout)) << lab.console_log();
    ASSERT_TRUE(timeline.wait_for(0, is_child_sa_up, kStepTimeout)) << lab.console_log();
    ASSERT_TRUE(timeline.wait_for(0, is_ntp_answered_inside_tunnel, kStepTimeout)) << lab.console_log();
    ASSERT_TRUE(timeline.wait_for(0, is_inform_received, kStepTimeout)) << lab.console_log();
    ASSERT_TRUE(timeline.wait_for(0, is_cwmp_session_end, kStepTimeout)) << lab.console_log();
    auto ready = lab.dut().wait_ready(kStepTimeout);
    ASSERT_TRUE(ready.ok()) << ready.error().message();
    EXPECT_EQ(ready->outcome, dut::ActionOutcome::kDone) << ready->detail;

    // HPM removed: the device deletes its IKE SA, then says nothing at all.
    const auto before_removal = timeline.mark();
    auto removed = lab.dut().hpm_remove();
    ASSERT_TRUE(removed.ok()) << removed.error().message();
    std::size_t delete_position = 0;
    ASSERT_TRUE(timeline.wait_for(before_removal, is_ike_delete_from_device, kStepTimeout, &delete_position))
        << lab.console_log();
    // The DELETE exchange itself ends with the device's answer or our answer to it; from
    // then on nothing may come from the device for the whole window.
    const auto after_delete = timeline.mark();
    const auto spoke = timeline.wait_for(after_delete, is_from_device, kSilenceWindow);
    EXPECT_FALSE(spoke.has_value()) << "the device sent " << (spoke ? to_string(spoke->event) : "")
                                    << " after HPM removal";

    // HPM inserted: a new IKE SA.
    const auto before_insertion = timeline.mark();
    auto inserted = lab.dut().hpm_insert();
    ASSERT_TRUE(inserted.ok()) << inserted.error().message();
    EXPECT_TRUE(timeline.wait_for(before_insertion, is_ike_established, kBootTimeout)) << lab.console_log();
    EXPECT_TRUE(timeline.wait_for(before_insertion, is_child_sa_up, kStepTimeout)) << lab.console_log();

    // The device key is on the token, sensitive and never extractable.
    const auto& profile = material_->profile;
    const auto softhsm_dir = *profile.hsm.softhsm_dir;
    const auto pin = read_file(softhsm_dir / "user.pin");
    ASSERT_FALSE(pin.empty());
    const auto listing = pkcs11_tool_private_objects(profile.hsm.module, profile.hsm.token_label,
                                                     softhsm_dir / "softhsm2.conf",
                                                     pin.substr(0, pin.find_last_not_of("\r\n") + 1));
    EXPECT_NE(listing.find("label:      device"), std::string::npos) << listing;
    EXPECT_NE(listing.find("sensitive"), std::string::npos) << listing;
    EXPECT_NE(listing.find("never extractable"), std::string::npos) << listing;

    // Nothing in the emulator's folder holds key material.
    for (const auto& entry : fs::recursive_directory_iterator(lab.dut().files().run_dir)) {
        if (!entry.is_regular_file()) continue;
        const auto text = read_file(entry.path());
        EXPECT_EQ(text.find("PRIVATE KEY"), std::string::npos) << entry.path();
        EXPECT_EQ(text.find(pin.substr(0, pin.find_last_not_of("\r\n") + 1)), std::string::npos)
            << "the token PIN appears in " << entry.path();
    }

    auto stopped = lab.stop();
    EXPECT_TRUE(stopped.ok()) << stopped.error().message();
}

TEST_F(EmulatedBootTest, SegwDeleteIsFollowedByANewIkeSaAfterBackoff) {
    ASSERT_NE(material_, nullptr);
    auto started = EmulatedLab::start(*material_, EmulatedLabOptions{}, run_dir());
    ASSERT_TRUE(started.ok()) << started.error().message();
    auto& lab = **started;
    auto ready = lab.dut().wait_ready(kBootTimeout);
    ASSERT_TRUE(ready.ok() && ready->outcome == dut::ActionOutcome::kDone) << lab.console_log();

    const auto mark = lab.timeline().mark();
    lab.services().delete_ike_sas();
    // The SeGW's DELETE is answered, then the device comes back on its own.
    auto deleted = lab.timeline().wait_for(
        mark,
        [](const LabEvent& e) {
            const auto* segw = std::get_if<segw::SegwEvent>(&e.detail);
            const auto* ike_event = segw != nullptr ? std::get_if<ike::Event>(segw) : nullptr;
            const auto* d = ike_event != nullptr ? std::get_if<ike::Deleted>(ike_event) : nullptr;
            return d != nullptr && !d->by_peer && d->which == ike::Deleted::Which::kIkeSa;
        },
        kStepTimeout);
    ASSERT_TRUE(deleted) << lab.console_log();
    std::size_t at = 0;
    EXPECT_TRUE(lab.timeline().wait_for(mark, is_ike_established, kBootTimeout, &at)) << lab.console_log();
    EXPECT_TRUE(lab.timeline().wait_for(at, is_ntp_answered_inside_tunnel, kStepTimeout))
        << lab.console_log();
    EXPECT_NE(lab.console_log().find("state backoff"), std::string::npos) << lab.console_log();
}

}  // namespace
}  // namespace hnbsec::lab::testing
