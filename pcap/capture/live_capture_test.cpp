// Root test: capture on the loopback of a network namespace this test creates (and
// removes, also on failure), send UDP there, and find the packets in our pcapng file.

#include "pcap/capture/live_capture.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "pcap/capture/namespace_fixture.h"
#include "pcap/dissect/dissector.h"
#include "pcap/pcapng/reader.h"

namespace hnbsec::pcap {
namespace {

using testing::NamespaceCapture;

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
