// Our time server against independent NTP clients (LABELS interop): chronyd 4.3 in
// query-only mode (-Q never touches the system clock) and ntpsec's ntpdig, which only
// speaks to port 123 and therefore runs in a network namespace this test creates.
// Missing peers fail the tests: ci/install-deps installs chrony and ntpsec-ntpdig.
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <thread>

#include <gtest/gtest.h>
#include <unistd.h>

#include "core/testing/temp_dir.h"
#include "harness/roles/timeserver/key_file.h"
#include "harness/roles/timeserver/peer_process.h"
#include "harness/roles/timeserver/time_server.h"

namespace hnbsec::timeserver {
namespace {

using namespace std::chrono_literals;
using testing::find_program;
using testing::NetworkNamespace;
using testing::ProcessResult;
using testing::run_process;

// A throw-away folder for a chronyd configuration, removed with the test; chronyd drops to
// user _chrony before it reads some files: let it in.
class ScratchDir : public test_support::TempDir {
public:
    ScratchDir() : TempDir("hnbsec-ntp-") {
        std::filesystem::permissions(path(),
                                     std::filesystem::perms::all & ~std::filesystem::perms::others_write);
    }
};

class Events {
public:
    void push(const RequestEvent& event) {
        std::lock_guard lock(mutex_);
        events_.push_back(event);
    }
    std::vector<RequestEvent> all() {
        std::lock_guard lock(mutex_);
        return {events_.begin(), events_.end()};
    }

private:
    std::mutex mutex_;
    std::deque<RequestEvent> events_;
};

// Our server on its own io_context thread for the length of a test.
class RunningServer {
public:
    explicit RunningServer(ServerKnobs knobs)
        : server_(io_, std::move(knobs), [this](const RequestEvent& e) { events_.push(e); }) {}
    ~RunningServer() {
        server_.stop();
        guard_.reset();
        if (thread_.joinable()) thread_.join();
    }
    RunningServer(const RunningServer&) = delete;
    RunningServer& operator=(const RunningServer&) = delete;

    TimeServer& server() { return server_; }
    void start() {
        server_.start();
        thread_ = std::thread([this] { io_.run(); });
    }
    std::uint16_t port() const { return server_.local_endpoints().front().port(); }
    std::vector<RequestEvent> events() { return events_.all(); }

private:
    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> guard_ = asio::make_work_guard(io_);
    Events events_;
    TimeServer server_;
    std::thread thread_;
};

// chronyd -Q with a configuration naming our server; returns its output and status.
ProcessResult query_with_chronyd(std::uint16_t port, const std::string& key_line,
                                 const std::string& keyfile_text) {
    ScratchDir dir;
    std::ofstream conf(dir.path() / "chrony.conf");
    conf << "server 127.0.0.1 port " << port << " iburst maxsamples 4 " << key_line << "\n"
         << "cmdport 0\n"
         << "pidfile " << (dir.path() / "chronyd.pid").string() << "\n";
    if (!keyfile_text.empty()) {
        std::ofstream keys(dir.path() / "chrony.keys");
        keys << keyfile_text;
        conf << "keyfile " << (dir.path() / "chrony.keys").string() << "\n";
        std::filesystem::permissions(dir.path() / "chrony.keys", std::filesystem::perms::owner_read |
                                                                     std::filesystem::perms::group_read |
                                                                     std::filesystem::perms::others_read);
    }
    conf.close();
    // -Q: query only, never set the clock; -t: give up after 10 s; -u root keeps the
    // scratch files readable without handing them to _chrony.
    return run_process(
        {"chronyd", "-Q", "-t", "10", "-u", "root", "-f", (dir.path() / "chrony.conf").string()}, 30s);
}

// "System clock wrong by 1000.000123 seconds" -> 1000.000123
std::optional<double> chrony_offset(const std::string& output) {
    const std::regex pattern("System clock wrong by (-?[0-9.]+) seconds");
    std::smatch match;
    if (!std::regex_search(output, match, pattern)) return std::nullopt;
    return std::strtod(match[1].str().c_str(), nullptr);
}

RunningServer& start_loopback(RunningServer& running) {
    EXPECT_TRUE(running.server().listen({"127.0.0.1", 0, Path::kPublic}).ok());
    running.start();
    return running;
}

TEST(TimeServerInterop, PeersAreInstalled) {
    EXPECT_FALSE(find_program("chronyd").empty()) << "install chrony";
    EXPECT_FALSE(find_program("ntpdig").empty()) << "install ntpsec-ntpdig";
    EXPECT_FALSE(find_program("ip").empty()) << "install iproute2";
    EXPECT_EQ(::geteuid(), 0U) << "network namespaces need root";
}

TEST(TimeServerInterop, ChronydSeesTheInjectedOffset) {
    ServerKnobs knobs;
    knobs.offset = 1000s;
    RunningServer running(knobs);
    start_loopback(running);
    const ProcessResult chronyd = query_with_chronyd(running.port(), "", "");
    EXPECT_EQ(chronyd.exit_code, 0) << chronyd.output;
    const auto offset = chrony_offset(chronyd.output);
    ASSERT_TRUE(offset.has_value()) << chronyd.output;
    EXPECT_NEAR(std::abs(*offset), 1000.0, 0.5) << chronyd.output;
    const auto events = running.events();
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front().mode, ntp::Mode::kClient);
    EXPECT_EQ(events.front().path, Path::kPublic);
    EXPECT_TRUE(events.front().answered);
}

TEST(TimeServerInterop, ChronydRejectsUnsynchronisedServer) {
    ServerKnobs knobs;
    knobs.offset = 1000s;
    knobs.stratum = 16;
    knobs.leap = ntp::Leap::kUnsynchronised;
    RunningServer running(knobs);
    start_loopback(running);
    const ProcessResult chronyd = query_with_chronyd(running.port(), "", "");
    EXPECT_NE(chronyd.exit_code, 0) << chronyd.output;
    EXPECT_FALSE(chrony_offset(chronyd.output).has_value()) << chronyd.output;
    EXPECT_NE(chronyd.output.find("No suitable source"), std::string::npos) << chronyd.output;
    EXPECT_FALSE(running.events().empty());  // it did ask
}

TEST(TimeServerInterop, ChronydRejectsKissOfDeath) {
    for (const char* code : {"RATE", "DENY"}) {
        ServerKnobs knobs;
        knobs.offset = 1000s;
        knobs.kiss_code = code;
        RunningServer running(knobs);
        start_loopback(running);
        const ProcessResult chronyd = query_with_chronyd(running.port(), "", "");
        EXPECT_NE(chronyd.exit_code, 0) << code << "\n" << chronyd.output;
        EXPECT_FALSE(chrony_offset(chronyd.output).has_value()) << code << "\n" << chronyd.output;
        const auto events = running.events();
        ASSERT_FALSE(events.empty()) << code;
        EXPECT_EQ(events.front().answer, std::string("KoD ") + code);
    }
}

constexpr const char* kServerKeys =
    "10 SHA1 HEX:6c61622d7365637265742d6b65792d6e756d6265722d3130\n"
    "11 MD5 ASCII:lab-md5-secret-11\n"
    "12 AES128 HEX:000102030405060708090a0b0c0d0e0f\n";

ServerKnobs authenticated_knobs() {
    ServerKnobs knobs;
    knobs.offset = 1000s;
    knobs.auth = AuthMode::kRequired;
    knobs.keys = std::make_shared<const KeyTable>(ntp::parse_chrony_keys(kServerKeys).value());
    return knobs;
}

TEST(TimeServerInterop, ChronydAuthenticatesWithTheRightKey) {
    for (const char* key : {"10", "11", "12"}) {
        RunningServer running(authenticated_knobs());
        start_loopback(running);
        const ProcessResult chronyd =
            query_with_chronyd(running.port(), std::string("key ") + key, kServerKeys);
        EXPECT_EQ(chronyd.exit_code, 0) << "key " << key << "\n" << chronyd.output;
        const auto offset = chrony_offset(chronyd.output);
        ASSERT_TRUE(offset.has_value()) << "key " << key << "\n" << chronyd.output;
        EXPECT_NEAR(std::abs(*offset), 1000.0, 0.5);
        const auto events = running.events();
        ASSERT_FALSE(events.empty());
        EXPECT_EQ(events.front().mac, MacStatus::kOk) << to_string(events.front());
        EXPECT_EQ(events.front().key_id, std::stoul(key));
    }
}

TEST(TimeServerInterop, ChronydFailsWithAWrongKey) {
    RunningServer running(authenticated_knobs());
    start_loopback(running);
    const ProcessResult chronyd = query_with_chronyd(
        running.port(), "key 10", "10 SHA1 HEX:00112233445566778899aabbccddeeff00112233\n");
    EXPECT_NE(chronyd.exit_code, 0) << chronyd.output;
    EXPECT_FALSE(chrony_offset(chronyd.output).has_value()) << chronyd.output;
    const auto events = running.events();
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front().mac, MacStatus::kBad);
    EXPECT_FALSE(events.front().answered);
}

TEST(TimeServerInterop, ChronydRejectsACorruptedAnswerMac) {
    ServerKnobs knobs = authenticated_knobs();
    knobs.corrupt_mac = true;
    RunningServer running(knobs);
    start_loopback(running);
    const ProcessResult chronyd = query_with_chronyd(running.port(), "key 11", kServerKeys);
    EXPECT_NE(chronyd.exit_code, 0) << chronyd.output;
    EXPECT_FALSE(chrony_offset(chronyd.output).has_value()) << chronyd.output;
}

TEST(TimeServerInterop, NtpdigOnPort123InANamespace) {
    NetworkNamespace ns;
    ASSERT_TRUE(ns.ok()) << ns.setup_output();
    std::string error;
    const int fd = ns.bound_udp_socket("127.0.0.1", ntp::kNtpPort, error);
    ASSERT_GE(fd, 0) << error;
    ServerKnobs knobs;
    knobs.offset = 1000s;
    RunningServer running(knobs);
    ASSERT_TRUE(running.server().adopt(fd, Path::kInsideTunnel).ok());
    running.start();
    const ProcessResult ntpdig =
        run_process({"ip", "netns", "exec", ns.name(), "ntpdig", "-j", "-t", "2", "127.0.0.1"}, 20s);
    EXPECT_EQ(ntpdig.exit_code, 0) << ntpdig.output;
    const std::regex pattern("\"offset\":\\s*(-?[0-9.]+)");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(ntpdig.output, match, pattern)) << ntpdig.output;
    EXPECT_NEAR(std::strtod(match[1].str().c_str(), nullptr), 1000.0, 0.5) << ntpdig.output;
    const auto events = running.events();
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front().path, Path::kInsideTunnel);
    EXPECT_NE(to_string(events.front()).find("inside ESP"), std::string::npos);
}

}  // namespace
}  // namespace hnbsec::timeserver
