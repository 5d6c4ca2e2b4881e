// SegwTunnel against the Child SA a real in-process IKE exchange negotiated: the device's
// side is our initiator's Child SA turned into ESP SAs, so both ends use the keys IKE made.

#include "harness/roles/segw/segw_tunnel.h"

#include <deque>

#include <gtest/gtest.h>

#include "proto/ike/sa/initiator.h"
#include "proto/ike/sa/proposals.h"
#include "proto/ike/sa/responder.h"
#include "proto/ike/sa/test_pki.h"

namespace hnbsec::segw {
namespace {

using ike::testing::test_pki;

ike::IkeSaConfig config(const ike::testing::TestIdentity& me, const char* esp) {
    ike::IkeSaConfig c;
    c.local_id = me.id;
    c.credentials.chain = {me.cert_der};
    c.credentials.signer = std::make_shared<ike::EvpSigner>(me.key.get());
    c.validator = ike::testing::ca_validator();
    c.ike_proposals = {*ike::parse_proposal("aes128-sha256-ecp256", ike::ProposalProtocol::kIke)};
    c.esp_proposals = {*ike::parse_proposal(esp, ike::ProposalProtocol::kEsp)};
    return c;
}

// The 20-octet IPv4 header + 8-octet ICMP echo request, checksums left zero.
esp::Bytes icmp_echo(std::array<std::uint8_t, 4> src, std::array<std::uint8_t, 4> dst) {
    esp::Bytes p{0x45, 0, 0, 28, 0, 1, 0, 0, 64, 1, 0, 0};
    p.insert(p.end(), src.begin(), src.end());
    p.insert(p.end(), dst.begin(), dst.end());
    esp::Bytes icmp{8, 0, 0, 0, 0, 3, 0, 1};
    p.insert(p.end(), icmp.begin(), icmp.end());
    return p;
}

struct Established {
    ike::IkeResponder responder;
    std::unique_ptr<ike::IkeInitiator> initiator;
    ike::TimePoint now = ike::Clock::now();

    explicit Established(const char* esp) : responder(segw_config(esp)) {
        auto hnb = config(test_pki().hnb_ec, esp);
        hnb.trust_anchor_spkis = {test_pki().ca_spki_der};
        initiator = std::make_unique<ike::IkeInitiator>(hnb, ike::ipv4_endpoint(192, 168, 77, 2),
                                                        ike::ipv4_endpoint(192, 168, 77, 1));
        std::deque<std::pair<bool, ike::Datagram>> queue;
        auto take = [&](ike::Output out, bool to_responder) {
            for (auto& d : out.datagrams)
                queue.emplace_back(to_responder, ike::Datagram{d.remote, d.local, std::move(d.bytes)});
        };
        take(initiator->start(now), true);
        for (int i = 0; i < 16 && !queue.empty(); ++i) {
            auto [to_responder, d] = std::move(queue.front());
            queue.pop_front();
            if (to_responder)
                take(responder.handle_datagram(d, now), false);
            else
                take(initiator->handle_datagram(d, now), true);
        }
    }
    static ike::IkeSaConfig segw_config(const char* esp) {
        auto c = config(test_pki().segw_ec, esp);
        c.ts_local = {ike::ts_any_ip4()};
        c.address_pool = [](const ike::Id&) -> Result<ike::AddressAssignment> {
            return ike::AddressAssignment{ike::Bytes{10, 77, 0, 1}, {}};
        };
        return c;
    }
    // The device's ESP SAs, from the initiator's view of the Child SA.
    esp::EspSaPair device_sas() const {
        auto pair = esp::esp_sas_from_child(initiator->sa().child_sas().front(), now);
        EXPECT_TRUE(pair.ok()) << (pair.ok() ? "" : pair.error().message());
        return std::move(pair).value();
    }
};

class SegwTunnelTest : public ::testing::TestWithParam<const char*> {};

TEST_P(SegwTunnelTest, CarriesBothWaysAndNamesEveryRefusal) {
    Established ike(GetParam());
    ASSERT_TRUE(ike.initiator->established());
    SegwTunnel tunnel;
    EXPECT_TRUE(tunnel.reconcile(ike.responder.sas(), ike.now).empty());
    ASSERT_EQ(tunnel.size(), 1U);
    esp::EspSaPair device = ike.device_sas();
    const ike::Endpoint device_endpoint = ike::ipv4_endpoint(192, 168, 77, 2, 4500);

    // Device -> core: accepted, the inner packet comes out unchanged.
    const esp::Bytes ping = icmp_echo({10, 77, 0, 1}, {10, 78, 0, 1});
    auto sealed = device.outbound.seal(ping, ike.now);
    ASSERT_TRUE(sealed.ok());
    auto in = tunnel.from_device(*sealed, device_endpoint, ike.now);
    EXPECT_EQ(in.event.outcome, "accepted") << to_string(in.event);
    ASSERT_TRUE(in.inner.has_value());
    EXPECT_EQ(*in.inner, ping);
    EXPECT_NE(to_string(in.event).find("ICMP 10.77.0.1 > 10.78.0.1"), std::string::npos)
        << to_string(in.event);

    // The same packet again: replayed, nothing delivered.
    auto replay = tunnel.from_device(*sealed, device_endpoint, ike.now);
    EXPECT_EQ(replay.event.outcome, "replayed") << to_string(replay.event);
    EXPECT_FALSE(replay.inner.has_value());

    // A flipped ICV bit: bad ICV.
    auto next = device.outbound.seal(ping, ike.now);
    ASSERT_TRUE(next.ok());
    next->back() ^= 0x01;
    auto bad = tunnel.from_device(*next, device_endpoint, ike.now);
    EXPECT_EQ(bad.event.outcome, "bad ICV") << to_string(bad.event);
    EXPECT_FALSE(bad.inner.has_value());

    // An SPI nobody negotiated.
    esp::Bytes stranger = *sealed;
    stranger[0] ^= 0x80;
    EXPECT_EQ(tunnel.from_device(stranger, device_endpoint, ike.now).event.outcome, "unknown SPI");
    // A device spoofing an inner source outside its traffic selector.
    auto spoofed = device.outbound.seal(icmp_echo({10, 77, 0, 99}, {10, 78, 0, 1}), ike.now);
    ASSERT_TRUE(spoofed.ok());
    auto ts = tunnel.from_device(*spoofed, device_endpoint, ike.now);
    EXPECT_EQ(ts.event.outcome, "TS mismatch") << to_string(ts.event);
    EXPECT_FALSE(ts.inner.has_value());

    // Core -> device: routed by destination to the device's Child SA, opened by the device.
    const esp::Bytes reply = icmp_echo({10, 78, 0, 1}, {10, 77, 0, 1});
    auto out = tunnel.to_device(reply, ike.now);
    ASSERT_EQ(out.event.outcome, "sealed") << to_string(out.event);
    ASSERT_TRUE(out.esp_packet.has_value());
    EXPECT_EQ(out.event.peer, ike.responder.sas().front()->remote());
    auto opened = device.inbound.open(*out.esp_packet, ike.now);
    EXPECT_TRUE(opened.accepted()) << opened.reason;
    EXPECT_EQ(opened.inner, reply);
    // Nobody owns 10.77.0.50.
    auto lost = tunnel.to_device(icmp_echo({10, 78, 0, 1}, {10, 77, 0, 50}), ike.now);
    EXPECT_EQ(lost.event.outcome, "no route");
    EXPECT_FALSE(lost.esp_packet.has_value());
    // Not an IP packet at all.
    EXPECT_EQ(tunnel.to_device(esp::Bytes{1, 2, 3}, ike.now).event.outcome, "dropped");
}

INSTANTIATE_TEST_SUITE_P(Transforms, SegwTunnelTest, ::testing::Values("aes128gcm16", "aes256-sha256"));

TEST(SegwTunnel, DeletedChildSaIsRemovedAndItsSpiBecomesUnknown) {
    Established ike("aes128gcm16");
    ASSERT_TRUE(ike.initiator->established());
    SegwTunnel tunnel;
    (void)tunnel.reconcile(ike.responder.sas(), ike.now);
    esp::EspSaPair device = ike.device_sas();
    ASSERT_EQ(tunnel.size(), 1U);
    EXPECT_TRUE(tunnel.reconcile({}, ike.now).empty());  // the IKE SA is gone
    EXPECT_EQ(tunnel.size(), 0U);
    auto sealed = device.outbound.seal(icmp_echo({10, 77, 0, 1}, {10, 78, 0, 1}), ike.now);
    ASSERT_TRUE(sealed.ok());
    EXPECT_EQ(tunnel.from_device(*sealed, {}, ike.now).event.outcome, "unknown SPI");
}

TEST(SegwTunnel, SyncOfOneIkeSaInstallsAndRemovesOnlyItsChildSas) {
    Established ike("aes128gcm16");
    ASSERT_TRUE(ike.initiator->established());
    SegwTunnel tunnel;
    const ike::IkeSa* sa = ike.responder.sas().front();
    EXPECT_TRUE(tunnel.sync(sa->spi_local(), sa, ike.now).empty());
    ASSERT_EQ(tunnel.size(), 1U);
    EXPECT_TRUE(tunnel.sync(sa->spi_local() + 1, nullptr, ike.now).empty());  // another SA: untouched
    EXPECT_EQ(tunnel.size(), 1U);
    // Routed by the device's address once installed.
    EXPECT_EQ(tunnel.to_device(icmp_echo({10, 78, 0, 1}, {10, 77, 0, 1}), ike.now).event.outcome, "sealed");
    EXPECT_TRUE(tunnel.sync(sa->spi_local(), nullptr, ike.now).empty());  // its IKE SA is gone
    EXPECT_EQ(tunnel.size(), 0U);
    EXPECT_EQ(tunnel.to_device(icmp_echo({10, 78, 0, 1}, {10, 77, 0, 1}), ike.now).event.outcome, "no route");
}

TEST(SegwTunnel, SoftLifetimeAsksForOneRekey) {
    Established ike("aes128gcm16");
    ASSERT_TRUE(ike.initiator->established());
    esp::EspSaOptions options;
    options.lifetime.soft_time = std::chrono::seconds(10);
    SegwTunnel tunnel(options);
    (void)tunnel.reconcile(ike.responder.sas(), ike.now);
    EXPECT_TRUE(tunnel.rekeys_due(ike.now).empty());
    auto due = tunnel.rekeys_due(ike.now + std::chrono::seconds(11));
    ASSERT_EQ(due.size(), 1U);
    EXPECT_EQ(due.front().ike_spi, ike.responder.sas().front()->spi_local());
    EXPECT_EQ(due.front().spi_in, ike.responder.sas().front()->child_sas().front().spi_in);
    EXPECT_TRUE(tunnel.rekeys_due(ike.now + std::chrono::seconds(12)).empty());  // reported once
}

}  // namespace
}  // namespace hnbsec::segw
