#pragma once
// Test support for the capture tests (root): a network namespace of the test's own with
// its loopback up, removed in TearDown also when the test failed, and a UDP sender in it.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pcap/capture/live_capture.h"

namespace hnbsec::pcap::testing {

inline int shell(const std::string& command) {
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

}  // namespace hnbsec::pcap::testing
