// Root integration tests: a real lab network in namespaces, checked with iproute2
// and ping (independent of our code), and the TUN path the SeGW relies on proven in
// both directions. Every test builds its own run (own ID) and tears it down, also
// on failure (LabNetwork's destructor).

#include <array>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "harness/net/ip_command.h"
#include "harness/net/lab_network.h"
#include "harness/net/net_namespace.h"
#include "harness/net/sockets.h"
#include "harness/net/sweep.h"
#include "harness/profile/load.h"

namespace hnbsec::net {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr auto kWait = std::chrono::milliseconds(3000);

constexpr std::string_view kProfile = R"([dut]
kind = "emulated"
eui = "00A0C9000001"
realm = "hnb.lab.test"
outer_address = "192.168.77.2"

[pics]
P.HENB = true
P.HEMS_PUBLIC = true
P.HEMS_INNER = true
P.TIME_INNER = true

[pixit]
segw_fqdn = "segw.lab.test"
segw_address = "192.168.77.1"
inner_pool = "10.77.0.0/24"
core_network = "10.78.0.0/24"
hems_initial_url = "https://192.168.77.7:7547/cwmp"
hems_serving_url = "https://10.78.0.10:7547/cwmp"
time_server_inner = "10.78.0.123"
ocsp_url = "http://192.168.77.1:8080/ocsp"
)";

NetworkPlan make_plan() {
    auto loaded = profile::parse_profile(kProfile, "net/interop.toml");
    EXPECT_TRUE(loaded.ok());
    auto plan = plan_network(*loaded.profile, RunId::generate());
    EXPECT_TRUE(plan.ok()) << plan.error().message();
    return std::move(*plan);
}

std::string ip_out(const std::vector<std::string>& args) {
    auto out = run_ip(args);
    EXPECT_TRUE(out.ok()) << out.error().message();
    return out.ok() ? *out : std::string();
}

// --- a minimal IPv4/UDP packet for the TUN (RFC 791, RFC 768) ---

std::uint16_t ones_complement_sum(const std::uint8_t* data, std::size_t size) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < size; i += 2)
        sum += static_cast<std::uint32_t>(data[i] << 8U | data[i + 1]);
    while (sum > 0xFFFFU) sum = (sum & 0xFFFFU) + (sum >> 16U);
    return static_cast<std::uint16_t>(~sum);
}

std::array<std::uint8_t, 4> v4(const char* text) {
    std::array<std::uint8_t, 4> bytes{};
    EXPECT_EQ(::inet_pton(AF_INET, text, bytes.data()), 1);
    return bytes;
}

std::vector<std::uint8_t> udp_packet(const char* source, std::uint16_t source_port, const char* destination,
                                     std::uint16_t destination_port, std::string_view payload) {
    const std::size_t total = 20 + 8 + payload.size();
    std::vector<std::uint8_t> p(total, 0);
    p[0] = 0x45;  // version 4, IHL 5
    p[2] = static_cast<std::uint8_t>(total >> 8U);
    p[3] = static_cast<std::uint8_t>(total);
    p[8] = 64;  // TTL
    p[9] = 17;  // UDP
    const auto s = v4(source);
    const auto d = v4(destination);
    std::copy(s.begin(), s.end(), p.begin() + 12);
    std::copy(d.begin(), d.end(), p.begin() + 16);
    const auto checksum = ones_complement_sum(p.data(), 20);
    p[10] = static_cast<std::uint8_t>(checksum >> 8U);
    p[11] = static_cast<std::uint8_t>(checksum);
    p[20] = static_cast<std::uint8_t>(source_port >> 8U);
    p[21] = static_cast<std::uint8_t>(source_port);
    p[22] = static_cast<std::uint8_t>(destination_port >> 8U);
    p[23] = static_cast<std::uint8_t>(destination_port);
    const std::size_t udp_length = 8 + payload.size();
    p[24] = static_cast<std::uint8_t>(udp_length >> 8U);
    p[25] = static_cast<std::uint8_t>(udp_length);
    // UDP checksum 0: "no checksum" is legal over IPv4 (RFC 768).
    std::memcpy(p.data() + 28, payload.data(), payload.size());
    return p;
}

// --- sockets ---

std::string receive(int fd, std::chrono::milliseconds timeout) {
    pollfd waiting{fd, POLLIN, 0};
    if (::poll(&waiting, 1, static_cast<int>(timeout.count())) != 1) return "(nothing within the timeout)";
    std::array<char, 2048> buffer{};
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    return n < 0 ? std::string("(recv failed)") : std::string(buffer.data(), static_cast<std::size_t>(n));
}

Status send_to(int fd, const char* address, std::uint16_t port, std::string_view payload) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    ::inet_pton(AF_INET, address, &to.sin_addr);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    if (::sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to) <
        0) {
        return Error(std::string("sendto: ") + std::strerror(errno));
    }
    return Ok{};
}

class LabNetworkTest : public ::testing::Test {
protected:
    void SetUp() override {
        plan_.emplace(make_plan());
        auto built = LabNetwork::build(*plan_);
        ASSERT_TRUE(built.ok()) << built.error().message();
        network_.emplace(std::move(*built));
    }
    std::optional<NetworkPlan> plan_;
    std::optional<LabNetwork> network_;
};

TEST_F(LabNetworkTest, IpSeesNamespacesAddressesAndRoutes) {
    const auto namespaces = ip_out({"netns", "list"});
    for (const auto& ns : plan_->namespaces()) EXPECT_THAT(namespaces, HasSubstr(ns));
    EXPECT_THAT(ip_out({"-n", plan_->dut_ns, "addr", "show", "dev", plan_->dut_link}),
                HasSubstr("192.168.77.2/24"));
    EXPECT_THAT(ip_out({"-n", plan_->public_ns, "addr", "show", "dev", plan_->public_link}),
                HasSubstr("192.168.77.1/24"));
    EXPECT_THAT(ip_out({"-n", plan_->public_ns, "addr", "show", "dev", "lo"}), HasSubstr("192.168.77.7/32"));
    const auto core_lo = ip_out({"-n", plan_->core_ns, "addr", "show", "dev", "lo"});
    for (const char* a : {"10.78.0.1/32", "10.78.0.10/32", "10.78.0.123/32"})
        EXPECT_THAT(core_lo, HasSubstr(a));
    const auto tun = ip_out({"-n", plan_->core_ns, "link", "show", "dev", plan_->tun_name});
    EXPECT_THAT(tun, HasSubstr("mtu 1400"));
    EXPECT_THAT(tun, HasSubstr("UP"));
    EXPECT_THAT(ip_out({"-n", plan_->core_ns, "route", "show"}),
                HasSubstr("10.77.0.0/24 dev " + plan_->tun_name + " scope link src 10.78.0.1"));
    EXPECT_THAT(ip_out({"-n", plan_->dut_ns, "route", "show"}), HasSubstr("default via 192.168.77.1"));
    // Nothing of ours in the host namespace.
    EXPECT_THAT(ip_out({"-o", "link", "show"}), Not(HasSubstr("hx" + plan_->run_id.text())));
}

TEST_F(LabNetworkTest, DutPingsTheSegwOverTheVeth) {
    // ping (iputils) in the DUT namespace, as a lab engineer would check it.
    auto pinged = run_ip({"netns", "exec", plan_->dut_ns, "ping", "-c", "1", "-W", "3", plan_->segw_address});
    ASSERT_TRUE(pinged.ok()) << pinged.error().message();
    EXPECT_THAT(*pinged, HasSubstr("1 received"));
    auto public_service =
        run_ip({"netns", "exec", plan_->dut_ns, "ping", "-c", "1", "-W", "3", "192.168.77.7"});
    ASSERT_TRUE(public_service.ok()) << public_service.error().message();
}

TEST_F(LabNetworkTest, UdpSocketInTheCoreReceivesFromTheCore) {
    auto server = open_udp_socket(plan_->core_ns, "10.78.0.123", 0);
    ASSERT_TRUE(server.ok()) << server.error().message();
    auto port = local_port(server->get());
    ASSERT_TRUE(port.ok());
    auto sent = in_namespace(plan_->core_ns, [&]() -> Status {
        UniqueFd client(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        return send_to(client.get(), "10.78.0.123", *port, "hello core");
    });
    ASSERT_TRUE(sent.ok()) << sent.error().message();
    EXPECT_EQ(receive(server->get(), kWait), "hello core");
}

TEST_F(LabNetworkTest, SocketInAnotherNamespaceCannotBindCoreAddress) {
    // The address exists only in the core namespace: proof the socket lands where asked.
    auto wrong = open_udp_socket(plan_->public_ns, "10.78.0.123", 0);
    ASSERT_FALSE(wrong.ok());
    EXPECT_THAT(wrong.error().message(), HasSubstr("bind"));
}

TEST_F(LabNetworkTest, TcpListenerInPublicAcceptsFromDut) {
    auto listener = open_tcp_listener(plan_->public_ns, "192.168.77.7", 0);
    ASSERT_TRUE(listener.ok()) << listener.error().message();
    auto port = local_port(listener->get());
    ASSERT_TRUE(port.ok());
    auto connected = in_namespace(plan_->dut_ns, [&]() -> Status {
        UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(*port);
        ::inet_pton(AF_INET, "192.168.77.7", &to.sin_addr);
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
        if (::connect(client.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
            return Error(std::string("connect: ") + std::strerror(errno));
        }
        return Ok{};
    });
    ASSERT_TRUE(connected.ok()) << connected.error().message();
    pollfd waiting{listener->get(), POLLIN, 0};
    EXPECT_EQ(::poll(&waiting, 1, static_cast<int>(kWait.count())), 1);
}

TEST_F(LabNetworkTest, PacketWrittenToTheTunArrivesAtACoreSocket) {
    // What the SeGW does with a decrypted inner packet from the DUT.
    auto server = open_udp_socket(plan_->core_ns, "10.78.0.123", 0);
    ASSERT_TRUE(server.ok()) << server.error().message();
    auto port = local_port(server->get());
    ASSERT_TRUE(port.ok());
    ASSERT_NE(network_->tun(), nullptr);
    const auto packet = udp_packet("10.77.0.5", 40000, "10.78.0.123", *port, "inner to core");
    auto written = network_->tun()->write_packet(packet);
    ASSERT_TRUE(written.ok()) << written.error().message();
    EXPECT_EQ(receive(server->get(), kWait), "inner to core");
}

TEST_F(LabNetworkTest, CoreTrafficToTheInnerPoolIsReadFromTheTun) {
    // What the SeGW encrypts towards the DUT: a core service answering an inner address.
    auto server = open_udp_socket(plan_->core_ns, "10.78.0.123", 0);
    ASSERT_TRUE(server.ok()) << server.error().message();
    auto sent = send_to(server->get(), "10.77.0.5", 5000, "core to inner");
    ASSERT_TRUE(sent.ok()) << sent.error().message();
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        ASSERT_GT(left.count(), 0) << "no IPv4 packet for 10.77.0.5 on the TUN";
        auto packet = network_->tun()->read_packet(left);
        ASSERT_TRUE(packet.ok()) << packet.error().message();
        // Other traffic (IPv6 router solicitations) may come first; look for ours.
        if (packet->size() < 28 || ((*packet)[0] >> 4U) != 4 || (*packet)[9] != 17) continue;
        EXPECT_TRUE(std::equal(packet->begin() + 12, packet->begin() + 16, v4("10.78.0.123").begin()));
        EXPECT_TRUE(std::equal(packet->begin() + 16, packet->begin() + 20, v4("10.77.0.5").begin()));
        const std::string payload(packet->begin() + 28, packet->end());
        EXPECT_EQ(payload, "core to inner");
        break;
    }
}

TEST_F(LabNetworkTest, SweepLeavesALiveRunAlone) {
    const auto report = sweep();
    EXPECT_THAT(report.kept_alive, ::testing::Contains(plan_->run_id.text()));
    for (const auto& ns : plan_->namespaces()) EXPECT_TRUE(namespace_exists(ns)) << ns;
}

TEST_F(LabNetworkTest, TeardownLeavesNothing) {
    ASSERT_TRUE(network_->teardown().ok());
    const auto tag = "hx" + plan_->run_id.text() + "-";
    EXPECT_THAT(ip_out({"netns", "list"}), Not(HasSubstr(tag)));
    EXPECT_THAT(ip_out({"-o", "link", "show"}), Not(HasSubstr(tag)));
    EXPECT_FALSE(run_is_alive(plan_->run_id));
}

TEST(LabNetwork, FailedBuildRemovesWhatItMade) {
    auto plan = make_plan();
    plan.routes.push_back(
        PlannedRoute{Side::kCore, "10.99.0.0/24", "no-such-dev", "", "", "broken on purpose"});
    auto built = LabNetwork::build(plan);
    ASSERT_FALSE(built.ok());
    EXPECT_THAT(built.error().message(), HasSubstr("no-such-dev"));
    for (const auto& ns : plan.namespaces()) EXPECT_FALSE(namespace_exists(ns)) << ns;
    EXPECT_FALSE(run_is_alive(plan.run_id));
}

TEST(LabNetwork, SweepNeverTouchesForeignNamespaces) {
    const std::string foreign = "hnbsec-foreign-" + RunId::generate().text();
    ASSERT_TRUE(create_namespace(foreign).ok());
    const auto report = sweep();
    EXPECT_TRUE(namespace_exists(foreign));
    for (const auto& r : report.removed) EXPECT_THAT(r, Not(HasSubstr(foreign)));
    ASSERT_TRUE(delete_namespace(foreign).ok());
}

TEST(LabNetwork, SecondRunWithTheSameIdIsRefused) {
    auto plan = make_plan();
    auto first = LabNetwork::build(plan);
    ASSERT_TRUE(first.ok()) << first.error().message();
    auto second = LabNetwork::build(plan);
    ASSERT_FALSE(second.ok());
    EXPECT_THAT(second.error().message(), HasSubstr("in use"));
    for (const auto& ns : plan.namespaces()) EXPECT_TRUE(namespace_exists(ns)) << ns;
}

TEST(IpCommand, FailureQuotesTheCommandAndStderr) {
    auto failed = run_ip({"link", "show", "dev", "hnbsec-no-such-link"});
    ASSERT_FALSE(failed.ok());
    EXPECT_THAT(failed.error().message(), HasSubstr("ip link show dev hnbsec-no-such-link"));
    EXPECT_THAT(failed.error().message(), HasSubstr("does not exist"));
}

TEST(InNamespace, MissingNamespaceIsAnErrorAndTheBodyDoesNotRun) {
    bool ran = false;
    auto entered = in_namespace("hnbsec-no-such-ns", [&]() -> Status {
        ran = true;
        return Ok{};
    });
    ASSERT_FALSE(entered.ok());
    EXPECT_THAT(entered.error().message(), HasSubstr("hnbsec-no-such-ns"));
    EXPECT_FALSE(ran);
}

}  // namespace
}  // namespace hnbsec::net
