// Root test: capture on the loopback of a network namespace this test creates (and
// removes, also on failure), send UDP there, and find the packets in our pcapng file.

#include "pcap/capture/live_capture.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pcap/dissect/dissector.h"
#include "pcap/pcapng/reader.h"

namespace hnbsec::pcap {
namespace {

int shell(const std::string& command) {
    return std::system((command + " >/dev/null 2>&1").c_str());  // NOLINT(cert-env33-c): test set-up
}

class NamespaceCapture : public ::testing::Test {
protected:
    void SetUp() override {
        ns_ = "hnbsec-cap-" + std::to_string(::getpid());
        ASSERT_EQ(shell("ip netns add " + ns_), 0) << "needs root and iproute2";
        created_ = true;
        ASSERT_EQ(shell("ip -n " + ns_ + " link set lo up"), 0);
        path_ = std::filesystem::temp_directory_path() / (ns_ + ".pcapng");
    }
    void TearDown() override {
        if (created_) {
            EXPECT_EQ(shell("ip netns del " + ns_), 0);
        }
        std::filesystem::remove(path_);
    }

    // Sends `count` UDP datagrams to 127.0.0.1:port from a thread inside the namespace.
    void send_udp(std::uint16_t port, int count) {
        std::thread sender([&] {
            ASSERT_TRUE(enter_netns(ns_).ok());
            const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
            ASSERT_GE(fd, 0);
            sockaddr_in to{};
            to.sin_family = AF_INET;
            to.sin_port = htons(port);
            to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            for (int i = 0; i < count; ++i) {
                const char payload[] = "hnbsec capture test";
                EXPECT_EQ(::sendto(fd, payload, sizeof payload, 0, reinterpret_cast<const sockaddr*>(&to),
                                   sizeof to),
                          static_cast<ssize_t>(sizeof payload));
            }
            ::close(fd);
        });
        sender.join();
    }

    std::string ns_;
    bool created_ = false;
    std::filesystem::path path_;
};

TEST_F(NamespaceCapture, UdpOnLoopbackIsCapturedWithDropsReported) {
    LiveCaptureOptions options;
    options.interface = "lo";
    options.netns = ns_;
    options.filter = "udp port 39999";
    options.output = path_;
    options.section.comment = "hnbsec capture test";
    auto capture = LiveCapture::start(options);
    ASSERT_TRUE(capture.ok()) << capture.error().message();

    send_udp(39998, 2);  // filtered out
    send_udp(39999, 5);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while ((*capture)->packets_written() < 5 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling with a deadline
    auto stats = (*capture)->stop();
    ASSERT_TRUE(stats.ok()) << stats.error().message();
    EXPECT_EQ(stats->packets_written, 5U);
    EXPECT_GE(stats->received, 5U);
    EXPECT_EQ(stats->dropped, 0U);

    auto contents = read_capture(path_);
    ASSERT_TRUE(contents.ok()) << contents.error().message();
    ASSERT_EQ(contents->section_comments.size(), 1U);
    EXPECT_EQ(contents->section_comments[0], "hnbsec capture test");
    ASSERT_EQ(contents->interfaces.size(), 1U);
    EXPECT_EQ(contents->interfaces[0].name, "lo");
    ASSERT_EQ(contents->packets.size(), 5U);
    Dissector dissector;
    for (const auto& p : contents->packets) {
        auto d = dissector.dissect(contents->interfaces[0].link_type, p.data);
        EXPECT_TRUE(d.has(Layer::kUdp)) << d.error;
        EXPECT_EQ(d.destination_port, 39999);
        EXPECT_EQ(d.destination.to_string(), "127.0.0.1");
    }
}

TEST_F(NamespaceCapture, BadInterfaceFilterOrNamespaceAreErrors) {
    LiveCaptureOptions options;
    options.interface = "no-such-if0";
    options.netns = ns_;
    options.output = path_;
    EXPECT_FALSE(LiveCapture::start(options).ok());
    options.interface = "lo";
    options.filter = "udp port";
    auto bad_filter = LiveCapture::start(options);
    ASSERT_FALSE(bad_filter.ok());
    EXPECT_NE(bad_filter.error().message().find("BPF filter"), std::string::npos);
    options.filter.clear();
    options.netns = "hnbsec-no-such-ns";
    auto bad_ns = LiveCapture::start(options);
    ASSERT_FALSE(bad_ns.ok());
    EXPECT_NE(bad_ns.error().message().find("/run/netns/hnbsec-no-such-ns"), std::string::npos);
}

}  // namespace
}  // namespace hnbsec::pcap
