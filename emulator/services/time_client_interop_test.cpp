// query_time against chronyd (an independent NTP server) on loopback, and against a fake
// responder for the replies a sane client must refuse (wrong origin, kiss-o'-death).
// chronyd missing is a failure, not a skip: ci/install-deps installs it.

#include <fstream>

#include <gtest/gtest.h>

#include "emulator/services/interop_support.h"
#include "emulator/services/time_client.h"
#include "hsm/test_support.h"
#include "proto/ntp/kiss_of_death.h"

namespace hnbsec::emulator {
namespace {

using std::chrono::milliseconds;
using testing::ChildProcess;
using testing::FakeNtpServer;

constexpr const char* kChronyd = "/usr/sbin/chronyd";

// chronyd serving its local clock (stratum 10) on 127.0.0.1:<free port>, never touching
// the machine's clock (-x), in the foreground (-d), as root so its pidfile in our temp
// directory goes with it.
class ChronydTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(std::filesystem::exists(kChronyd)) << kChronyd << " is missing (Debian package chrony)";
        port_ = testing::free_udp_port();
        ASSERT_NE(port_, 0);
        const auto conf = dir_.path() / "chrony.conf";
        std::ofstream(conf) << "port " << port_ << "\nbindaddress 127.0.0.1\nallow all\nlocal stratum 10\n"
                            << "cmdport 0\npidfile " << (dir_.path() / "chronyd.pid").string() << "\n"
                            << "driftfile " << (dir_.path() / "chronyd.drift").string() << "\n";
        chronyd_.emplace(std::vector<std::string>{kChronyd, "-x", "-d", "-u", "root", "-f", conf.string()},
                         dir_.path() / "chronyd.log");
        ASSERT_TRUE(chronyd_->started());
        // Ready once it answers: short queries until a deadline, never a sleep.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        Result<TimeSample> sample = Error("not asked");
        while (std::chrono::steady_clock::now() < deadline) {
            sample = query_time(query(milliseconds(200)));
            if (sample.ok()) break;
        }
        ASSERT_TRUE(sample.ok())
            << "chronyd never answered: " << sample.error().message() << "\n"
            << testing::run_command("cat " + (dir_.path() / "chronyd.log").string()).output;
    }

    TimeQuery query(milliseconds timeout = milliseconds(2000)) const {
        TimeQuery q;
        q.server = "127.0.0.1";
        q.port = port_;
        q.timeout = timeout;
        return q;
    }

    hsm::testing::TempDir dir_;
    std::uint16_t port_ = 0;
    std::optional<ChildProcess> chronyd_;
};

TEST_F(ChronydTest, AnswersWithItsLocalStratumAndOurClock) {
    auto sample = query_time(query());
    ASSERT_TRUE(sample.ok()) << sample.error().message();
    EXPECT_EQ(sample->stratum, 10);
    // Same machine, same clock: the offset is the measuring error only.
    EXPECT_LT(std::abs(sample->offset.count()), 100);
    const auto drift = std::chrono::system_clock::now() - sample->server_time;
    EXPECT_LT(std::chrono::abs(drift), std::chrono::seconds(1));
}

TEST_F(ChronydTest, BindDeviceAndBindAddressPlaceTheSocket) {
    TimeQuery q = query();
    q.bind_device = "lo";
    q.bind_address = "127.0.0.1";
    auto sample = query_time(q);
    ASSERT_TRUE(sample.ok()) << sample.error().message();
    EXPECT_EQ(sample->stratum, 10);
}

TEST_F(ChronydTest, UnknownDeviceIsAnError) {
    TimeQuery q = query();
    q.bind_device = "hnbsec-none0";
    auto sample = query_time(q);
    ASSERT_FALSE(sample.ok());
    ::testing::Test::RecordProperty("error", sample.error().message());
    EXPECT_NE(sample.error().message().find("SO_BINDTODEVICE hnbsec-none0"), std::string::npos)
        << sample.error().message();
}

TEST(TimeClientTest, NoServerIsAnErrorWithinTheTimeout) {
    TimeQuery q;
    q.server = "127.0.0.1";
    q.port = testing::free_udp_port();
    q.timeout = milliseconds(300);
    const auto start = std::chrono::steady_clock::now();
    auto sample = query_time(q);
    ASSERT_FALSE(sample.ok());
    ::testing::Test::RecordProperty("error", sample.error().message());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    EXPECT_NE(sample.error().message().find("127.0.0.1 port"), std::string::npos) << sample.error().message();
}

ntp::Packet good_answer(const ntp::Packet& request) {
    ntp::Packet answer;
    answer.mode = ntp::Mode::kServer;
    answer.stratum = 3;
    answer.reference_id = ntp::reference_id_from_text("TEST");
    answer.origin = request.transmit;
    const auto now =
        ntp::to_ntp(std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now()));
    answer.receive = now;
    answer.transmit = now;
    return answer;
}

TimeQuery fake_query(const FakeNtpServer& server) {
    TimeQuery q;
    q.server = "127.0.0.1";
    q.port = server.port();
    q.timeout = milliseconds(2000);
    return q;
}

TEST(TimeClientTest, SourceAddressIsTheBindAddress) {
    FakeNtpServer server(good_answer);
    TimeQuery q = fake_query(server);
    q.bind_address = "127.0.0.2";
    auto sample = query_time(q);
    ASSERT_TRUE(sample.ok()) << sample.error().message();
    EXPECT_EQ(sample->stratum, 3);
    EXPECT_EQ(server.peer_address(), "127.0.0.2");
}

ntp::Packet wrong_origin(const ntp::Packet& request) {
    ntp::Packet answer = good_answer(request);
    answer.origin.seconds += 1;
    return answer;
}

TEST(TimeClientTest, WrongOriginIsRefusedWhenChecked) {
    FakeNtpServer server(wrong_origin);
    auto sample = query_time(fake_query(server));
    ASSERT_FALSE(sample.ok());
    ::testing::Test::RecordProperty("error", sample.error().message());
    EXPECT_NE(sample.error().what().find("origin timestamp"), std::string::npos) << sample.error().message();
}

TEST(TimeClientTest, WrongOriginIsAcceptedWithoutTheCheck) {
    FakeNtpServer server(wrong_origin);
    TimeQuery q = fake_query(server);
    q.check_origin = false;
    auto sample = query_time(q);
    ASSERT_TRUE(sample.ok()) << sample.error().message();
    EXPECT_EQ(sample->stratum, 3);
}

TEST(TimeClientTest, KissOfDeathIsAnError) {
    FakeNtpServer server([](const ntp::Packet& request) {
        const ntp::Timestamp now = good_answer(request).transmit;
        return ntp::make_kiss_of_death(request, "DENY", now, now);
    });
    auto sample = query_time(fake_query(server));
    ASSERT_FALSE(sample.ok());
    ::testing::Test::RecordProperty("error", sample.error().message());
    EXPECT_NE(sample.error().what().find("kiss-o'-death DENY"), std::string::npos)
        << sample.error().message();
}

}  // namespace
}  // namespace hnbsec::emulator
