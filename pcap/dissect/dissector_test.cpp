#include "pcap/dissect/dissector.h"

#include <gtest/gtest.h>

#include "pcap/dissect/app_decode.h"
#include "pcap/dissect/test_packets.h"

namespace hnbsec::pcap {
namespace {

using namespace hnbsec::pcap::testing;

constexpr std::uint8_t kIkeAuth = 35;
constexpr std::uint8_t kPtIdi = 35;
constexpr std::uint8_t kPtNotify = 41;
constexpr std::uint8_t kPtSk = 46;
constexpr std::uint8_t kPtSkf = 53;

std::vector<ike::Payload> auth_inner() {
    ike::Id id;
    id.type = ike::IdType::kFqdn;
    id.data = text("0001A2-SN0001.hnb.lab.test");
    ike::Notify contact;
    contact.type = ike::NotifyType::kInitialContact;
    ike::VendorId vid;
    vid.data = Bytes(300, 0x5a);  // makes fragments worth their name
    return {ike::make_payload(ike::PayloadType::kIdi, id),
            ike::make_payload(ike::PayloadType::kNotify, contact),
            ike::make_payload(ike::PayloadType::kVendorId, vid)};
}

Bytes with_marker(const Bytes& ike) {
    Bytes out = {0, 0, 0, 0};
    out.insert(out.end(), ike.begin(), ike.end());
    return out;
}

TEST(Dissector, IkeSkDecryptedWithKey) {
    const auto key = test_key(0x1111222233334444ULL, 0x5555666677778888ULL);
    const Bytes msg = protected_message(key, kIkeAuth, 1, true, false, auth_inner());
    Dissector dissector;
    dissector.add_ike_key(key);
    auto d = dissector.dissect(LinkType::kEthernet, ethernet(ipv4(17, udp(500, 500, msg))));
    ASSERT_TRUE(d.ike) << d.error;
    EXPECT_TRUE(d.error.empty()) << d.error;
    EXPECT_EQ(d.ike->spi_i, key.spi_i);
    EXPECT_EQ(d.ike->message_id, 1U);
    EXPECT_EQ(d.ike->exchange_type, kIkeAuth);
    EXPECT_EQ(d.ike->payloads, (std::vector<std::uint8_t>{kPtSk}));
    EXPECT_EQ(d.ike->decryption, IkeDecryption::kDecrypted) << d.ike->error;
    EXPECT_EQ(d.ike->inner_payloads, (std::vector<std::uint8_t>{kPtIdi, kPtNotify, 43}));
    EXPECT_EQ(d.ike->notify_types, (std::vector<std::uint16_t>{16384}));
    EXPECT_EQ(d.source.to_string(), "192.168.77.2");
    EXPECT_EQ(d.destination_port, 500);
    EXPECT_NE(d.summary.find("IKE_AUTH request MID=1 SK{IDi"), std::string::npos) << d.summary;
}

TEST(Dissector, IkeWithoutKeyOrWithWrongKey) {
    const auto key = test_key(1, 2);
    const Bytes msg = protected_message(key, kIkeAuth, 1, false, true, auth_inner());
    Dissector none;
    auto d = none.dissect(LinkType::kRaw, ipv4(17, udp(500, 500, msg)));
    ASSERT_TRUE(d.ike);
    EXPECT_EQ(d.ike->decryption, IkeDecryption::kNoKey);
    EXPECT_TRUE(d.ike->response);

    Dissector wrong;
    wrong.add_ike_key(test_key(1, 2, 0x77));
    d = wrong.dissect(LinkType::kRaw, ipv4(17, udp(500, 500, msg)));
    ASSERT_TRUE(d.ike);
    EXPECT_EQ(d.ike->decryption, IkeDecryption::kFailed);
    EXPECT_NE(d.ike->error.find("ICV"), std::string::npos) << d.ike->error;
}

TEST(Dissector, SkfFragmentsOnPort4500Reassembled) {
    const auto key = test_key(0xa, 0xb);
    const auto fragments = fragmented_message(key, kIkeAuth, 1, true, false, auth_inner(), 3);
    Dissector dissector;
    dissector.add_ike_key(key);
    for (std::size_t i = 0; i < fragments.size(); ++i) {
        auto d = dissector.dissect(LinkType::kRaw, ipv4(17, udp(4500, 4500, with_marker(fragments[i]))));
        ASSERT_TRUE(d.ike) << d.error;
        EXPECT_TRUE(d.ike->over_4500);
        EXPECT_EQ(d.ike->payloads, (std::vector<std::uint8_t>{kPtSkf}));
        EXPECT_EQ(d.ike->fragment_number, i + 1);
        EXPECT_EQ(d.ike->total_fragments, 3);
        if (i + 1 < fragments.size()) {
            EXPECT_EQ(d.ike->decryption, IkeDecryption::kFragmentPending) << d.ike->error;
        } else {
            EXPECT_EQ(d.ike->decryption, IkeDecryption::kDecrypted) << d.ike->error;
            EXPECT_EQ(d.ike->inner_payloads, (std::vector<std::uint8_t>{kPtIdi, kPtNotify, 43}));
            EXPECT_NE(d.summary.find("fragment 3/3"), std::string::npos) << d.summary;
        }
    }
}

Bytes ntp_request();

class FakeEsp : public EspDecryptor {
public:
    std::optional<Result<EspPlaintext>> decrypt(std::span<const std::uint8_t> esp, const Address&,
                                                const Address&, std::vector<std::uint8_t>& inner) override {
        if (esp[3] == 0x02) return Result<EspPlaintext>(Error("ICV mismatch"));
        if (esp[3] != 0x01) return std::nullopt;
        inner = ipv4(17, udp(40000, 123, Bytes(48, 0x23)), 0x0a000002, 0x0a4e0001);
        return Result<EspPlaintext>(EspPlaintext{4});
    }
};

TEST(Dissector, EspInUdpAndRawWithTheSeam) {
    const Bytes esp = {0xc0, 0xff, 0xee, 0x01, 0, 0, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8};
    Dissector dissector;
    auto d = dissector.dissect(LinkType::kRaw, ipv4(17, udp(4500, 4500, esp)));
    ASSERT_TRUE(d.esp) << d.error;
    EXPECT_TRUE(d.esp->udp_encapsulated);
    EXPECT_EQ(d.esp->spi, 0xc0ffee01U);
    EXPECT_EQ(d.esp->sequence, 7U);
    EXPECT_EQ(d.esp->decryption, EspDecryption::kNoDecryptor);
    EXPECT_EQ(d.summary, "ESP SPI=0xc0ffee01 seq=7");

    FakeEsp fake;
    dissector.set_esp_decryptor(&fake);
    d = dissector.dissect(LinkType::kRaw, ipv4(50, esp));
    ASSERT_TRUE(d.esp);
    EXPECT_FALSE(d.esp->udp_encapsulated);
    EXPECT_EQ(d.esp->decryption, EspDecryption::kDecrypted);
    auto inner = dissector.dissect_ip(d.inner_packet);
    ASSERT_TRUE(inner.ntp) << inner.error;
    EXPECT_EQ(inner.destination.to_string(), "10.78.0.1");

    Bytes bad = esp;
    bad[3] = 2;
    d = dissector.dissect(LinkType::kRaw, ipv4(50, bad));
    EXPECT_EQ(d.esp->decryption, EspDecryption::kFailed);
    EXPECT_EQ(d.esp->error, "ICV mismatch");
    bad[3] = 3;
    d = dissector.dissect(LinkType::kRaw, ipv4(50, bad));
    EXPECT_EQ(d.esp->decryption, EspDecryption::kNoKey);

    // One value reused, as the timeline does: the inner packet of a decrypted packet does
    // not linger into the next ones, decrypted or not.
    PacketDissection reused;
    dissector.dissect_into(LinkType::kRaw, ipv4(50, esp), reused);
    EXPECT_FALSE(reused.inner_packet.empty());
    for (std::uint8_t last : {2, 3}) {
        bad[3] = last;
        dissector.dissect_into(LinkType::kRaw, ipv4(50, bad), reused);
        EXPECT_TRUE(reused.inner_packet.empty()) << int{last};
    }
    dissector.dissect_into(LinkType::kRaw, ipv4(17, udp(4500, 4500, esp)), reused);
    EXPECT_EQ(reused.esp->decryption, EspDecryption::kDecrypted);
    dissector.dissect_into(LinkType::kRaw, ipv4(17, udp(40000, 123, ntp_request())), reused);
    EXPECT_FALSE(reused.esp);
    EXPECT_TRUE(reused.inner_packet.empty());
    EXPECT_EQ(reused.summary, "NTP v4 client stratum 0");
}

TEST(Dissector, NatKeepaliveAndMalformed4500) {
    Dissector dissector;
    auto d = dissector.dissect(LinkType::kRaw, ipv4(17, udp(4500, 4500, {0xff})));
    EXPECT_TRUE(d.has(Layer::kNatKeepalive));
    EXPECT_EQ(d.summary, "NAT-keepalive");
    d = dissector.dissect(LinkType::kRaw, ipv4(17, udp(4500, 4500, {1, 2})));
    EXPECT_FALSE(d.error.empty());
}

Bytes ntp_request() {
    Bytes ntp(48, 0);
    ntp[0] = 0x23;  // LI 0, VN 4, mode 3 (client)
    for (int i = 0; i < 8; ++i) ntp[40 + i] = static_cast<std::uint8_t>(0xe0 + i);
    return ntp;
}

TEST(Dissector, NtpAndIpv4Reassembly) {
    const Bytes datagram = udp(40000, 123, ntp_request());  // 56 octets
    const Bytes first(datagram.begin(), datagram.begin() + 24);
    const Bytes second(datagram.begin() + 24, datagram.end());
    Dissector dissector;
    auto d1 = dissector.dissect(LinkType::kRaw, ipv4(17, first, 1, 2, 99, 0x2000));
    EXPECT_TRUE(d1.has(Layer::kIpFragment));
    EXPECT_FALSE(d1.ntp);
    auto d2 = dissector.dissect(LinkType::kRaw, ipv4(17, second, 1, 2, 99, 3));  // offset 24 = 3 * 8
    ASSERT_TRUE(d2.ntp) << d2.error;
    EXPECT_EQ(d2.ntp->version, 4);
    EXPECT_EQ(d2.ntp->mode, 3);
    EXPECT_EQ(d2.ntp->transmit_timestamp, 0xe0e1e2e3e4e5e6e7ULL);
    EXPECT_EQ(d2.summary, "NTP v4 client stratum 0");
}

// An IPv6 packet (2001:db8::2 -> 2001:db8::1) carrying one fragment (RFC 8200 §4.5).
Bytes ipv6_fragment(const Bytes& data, std::size_t offset, bool more, std::uint32_t id, std::uint8_t next) {
    const std::size_t length = 8 + data.size();
    Bytes p = {0x60, 0, 0, 0, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length),
               44,   64};
    for (std::uint8_t last : {2, 1}) {
        p.insert(p.end(), {0x20, 0x01, 0x0d, 0xb8});
        p.insert(p.end(), 11, 0);
        p.push_back(last);
    }
    const auto off = static_cast<std::uint16_t>(offset | (more ? 1U : 0U));  // offset is a multiple of 8
    p.insert(p.end(), {next, 0, static_cast<std::uint8_t>(off >> 8), static_cast<std::uint8_t>(off),
                       static_cast<std::uint8_t>(id >> 24), static_cast<std::uint8_t>(id >> 16),
                       static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)});
    p.insert(p.end(), data.begin(), data.end());
    return p;
}

TEST(Dissector, Ipv6Reassembly) {
    const Bytes datagram = udp(40000, 123, ntp_request());  // 56 octets
    const Bytes first(datagram.begin(), datagram.begin() + 24);
    const Bytes second(datagram.begin() + 24, datagram.end());
    Dissector dissector;
    // Out of order, with a fragment of another packet (other Identification) in between.
    auto d1 = dissector.dissect(LinkType::kRaw, ipv6_fragment(second, 24, false, 7, 17));
    EXPECT_TRUE(d1.has(Layer::kIpFragment));
    EXPECT_EQ(d1.summary, "IPv6 fragment offset=24");
    EXPECT_FALSE(d1.ntp);
    auto other = dissector.dissect(LinkType::kRaw, ipv6_fragment(first, 0, true, 8, 17));
    EXPECT_FALSE(other.ntp);
    auto d2 = dissector.dissect(LinkType::kRaw, ipv6_fragment(first, 0, true, 7, 17));
    ASSERT_TRUE(d2.ntp) << d2.error;
    EXPECT_TRUE(d2.has(Layer::kIpFragment));
    EXPECT_TRUE(d2.has(Layer::kUdp));
    EXPECT_EQ(d2.ntp->mode, 3);
    EXPECT_EQ(d2.ntp->transmit_timestamp, 0xe0e1e2e3e4e5e6e7ULL);
    EXPECT_EQ(d2.source.to_string(), "2001:db8::2");
    EXPECT_EQ(d2.destination_port, 123);
    // An atomic fragment (offset 0, M=0; RFC 6946) is the packet itself.
    auto atomic = dissector.dissect(LinkType::kRaw, ipv6_fragment(datagram, 0, false, 9, 17));
    ASSERT_TRUE(atomic.ntp) << atomic.error;
    // A truncated fragment header is an error, not a crash.
    Bytes cut = ipv6_fragment(first, 0, true, 10, 17);
    cut.resize(44);
    cut[5] = 4;
    auto bad = dissector.dissect(LinkType::kRaw, cut);
    EXPECT_FALSE(bad.error.empty());
}

Bytes client_hello(std::string_view sni) {
    Bytes ext_sni = {0, 0};
    const auto name_len = static_cast<std::uint8_t>(sni.size());
    Bytes list = {0};
    list.push_back(0);
    list.push_back(name_len);
    list.insert(list.end(), sni.begin(), sni.end());
    Bytes sni_data = {0, static_cast<std::uint8_t>(list.size())};
    sni_data.insert(sni_data.end(), list.begin(), list.end());
    ext_sni.push_back(0);
    ext_sni.push_back(static_cast<std::uint8_t>(sni_data.size()));
    ext_sni.insert(ext_sni.end(), sni_data.begin(), sni_data.end());
    Bytes ext_versions = {0, 43, 0, 5, 4, 3, 4, 3, 3};
    Bytes exts = ext_sni;
    exts.insert(exts.end(), ext_versions.begin(), ext_versions.end());
    Bytes hello = {3, 3};
    hello.insert(hello.end(), 32, 0xaa);
    hello.push_back(0);                                         // session id
    hello.insert(hello.end(), {0, 4, 0x13, 0x01, 0x13, 0x02});  // suites
    hello.insert(hello.end(), {1, 0});                          // compression
    hello.push_back(0);
    hello.push_back(static_cast<std::uint8_t>(exts.size()));
    hello.insert(hello.end(), exts.begin(), exts.end());
    Bytes hs = {1, 0, 0, static_cast<std::uint8_t>(hello.size())};
    hs.insert(hs.end(), hello.begin(), hello.end());
    Bytes record = {22, 3, 1, 0, static_cast<std::uint8_t>(hs.size())};
    record.insert(record.end(), hs.begin(), hs.end());
    return record;
}

TEST(Dissector, TlsClientHelloAcrossSegments) {
    const Bytes record = client_hello("hems.lab.test");
    const Bytes a(record.begin(), record.begin() + 20);
    const Bytes b(record.begin() + 20, record.end());
    Dissector dissector;
    auto syn = dissector.dissect(LinkType::kRaw, ipv4(6, tcp(40001, 443, 1000, 0x02, {})));
    EXPECT_TRUE(syn.has(Layer::kTcp));
    auto d1 = dissector.dissect(LinkType::kRaw, ipv4(6, tcp(40001, 443, 1001, 0x18, a)));
    EXPECT_FALSE(d1.tls);
    auto d2 = dissector.dissect(LinkType::kRaw, ipv4(6, tcp(40001, 443, 1021, 0x18, b)));
    ASSERT_TRUE(d2.tls) << d2.error;
    EXPECT_EQ(d2.tls->server_name, "hems.lab.test");
    EXPECT_EQ(d2.tls->handshake_types, (std::vector<std::uint8_t>{1}));
    EXPECT_EQ(d2.tls->cipher_suites, (std::vector<std::uint16_t>{0x1301, 0x1302}));
    EXPECT_EQ(d2.tls->supported_versions, (std::vector<std::uint16_t>{0x0304, 0x0303}));
    EXPECT_NE(d2.summary.find("ClientHello SNI=hems.lab.test"), std::string::npos) << d2.summary;
    // A retransmission of the second segment adds nothing.
    auto again = dissector.dissect(LinkType::kRaw, ipv4(6, tcp(40001, 443, 1021, 0x18, b)));
    EXPECT_FALSE(again.tls);
}

// A handshake record: `messages` (type, body) back to back.
Bytes handshake_bytes(const std::vector<std::pair<std::uint8_t, Bytes>>& messages) {
    Bytes out;
    for (const auto& [type, body] : messages) {
        out.insert(out.end(), {type, 0, static_cast<std::uint8_t>(body.size() >> 8),
                               static_cast<std::uint8_t>(body.size())});
        out.insert(out.end(), body.begin(), body.end());
    }
    return out;
}

Bytes tls_record(std::uint8_t type, const Bytes& fragment) {
    Bytes r = {type, 3, 3, static_cast<std::uint8_t>(fragment.size() >> 8),
               static_cast<std::uint8_t>(fragment.size())};
    r.insert(r.end(), fragment.begin(), fragment.end());
    return r;
}

// TLS 1.2 server flight (RFC 5246 §7.3): ServerHello + Certificate + ServerHelloDone in one
// record, then the Certificate of a second connection split over two records, several
// records in one segment, and the encrypted Finished after ChangeCipherSpec left opaque.
TEST(Dissector, TlsHandshakeMessagesShareAndSpanRecords) {
    Bytes server_hello = {3, 3};
    server_hello.insert(server_hello.end(), 32, 0xbb);
    server_hello.insert(server_hello.end(), {0, 0xc0, 0x2f, 0});  // no session id, suite, compression
    const Bytes certificate(300, 0xcc);
    const Bytes flight = handshake_bytes({{2, server_hello}, {11, certificate}, {14, {}}});
    Dissector dissector;
    auto syn = dissector.dissect(LinkType::kRaw, ipv4(6, tcp(443, 40001, 5000, 0x12, {}), 2, 1));
    EXPECT_TRUE(syn.has(Layer::kTcp));
    auto d1 =
        dissector.dissect(LinkType::kRaw, ipv4(6, tcp(443, 40001, 5001, 0x18, tls_record(22, flight)), 2, 1));
    ASSERT_TRUE(d1.tls) << d1.error;
    EXPECT_EQ(d1.tls->handshake_types, (std::vector<std::uint8_t>{2, 11, 14}));
    EXPECT_EQ(d1.tls->cipher_suites, (std::vector<std::uint16_t>{0xc02f}));
    EXPECT_EQ(d1.summary, "TLS ServerHello Certificate ServerHelloDone");

    // One Certificate message over two records, both in one segment with a CCS and the
    // encrypted Finished (whose bytes must not be read as a handshake header).
    const Bytes cert_message = handshake_bytes({{11, certificate}});
    const Bytes part1(cert_message.begin(), cert_message.begin() + 100);
    const Bytes part2(cert_message.begin() + 100, cert_message.end());
    Bytes segment = tls_record(22, part1);
    const Bytes second = tls_record(22, part2);
    segment.insert(segment.end(), second.begin(), second.end());
    const Bytes ccs = tls_record(20, {1});
    segment.insert(segment.end(), ccs.begin(), ccs.end());
    const Bytes finished = tls_record(22, Bytes(40, 0x99));
    segment.insert(segment.end(), finished.begin(), finished.end());
    auto d2 = dissector.dissect(LinkType::kRaw, ipv4(6, tcp(443, 40002, 9000, 0x18, segment), 2, 1));
    ASSERT_TRUE(d2.tls) << d2.error;
    EXPECT_TRUE(d2.error.empty()) << d2.error;
    EXPECT_EQ(d2.tls->content_types, (std::vector<std::uint8_t>{22, 22, 20, 22}));
    EXPECT_EQ(d2.tls->handshake_types, (std::vector<std::uint8_t>{11}));
    EXPECT_EQ(d2.summary, "TLS Handshake Certificate ChangeCipherSpec Handshake");
}

TEST(Dissector, HttpCwmpAndOcsp) {
    const std::string body =
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Header/>"
        "<soap:Body><cwmp:Inform><DeviceId/></cwmp:Inform></soap:Body></soap:Envelope>";
    const std::string request =
        "POST /acs HTTP/1.1\r\nHost: hems\r\nContent-Type: text/xml; charset=utf-8\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    Dissector dissector;
    const Bytes all = text(request);
    const Bytes a(all.begin(), all.begin() + 50);
    const Bytes b(all.begin() + 50, all.end());
    auto d1 = dissector.dissect(LinkType::kRaw, ipv4(6, tcp(40002, 7547, 5, 0x18, a)));
    EXPECT_FALSE(d1.http);
    auto d2 = dissector.dissect(LinkType::kRaw, ipv4(6, tcp(40002, 7547, 55, 0x18, b)));
    ASSERT_TRUE(d2.http) << d2.error;
    EXPECT_TRUE(d2.http->request);
    EXPECT_EQ(d2.http->method, "POST");
    EXPECT_EQ(d2.http->target, "/acs");
    EXPECT_EQ(d2.http->soap_method, "cwmp:Inform");
    EXPECT_TRUE(d2.has(Layer::kCwmp));

    const std::string response =
        "HTTP/1.0 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: 3\r\n\r\nabc";
    auto d3 = dissector.dissect(LinkType::kRaw, ipv4(6, tcp(8888, 40003, 9, 0x18, text(response)), 2, 1));
    ASSERT_TRUE(d3.http) << d3.error;
    EXPECT_EQ(d3.http->status, 200);
    EXPECT_TRUE(d3.http->ocsp);
    EXPECT_TRUE(d3.has(Layer::kOcsp));
}

TEST(Dissector, LinuxCookedHeaders) {
    const Bytes packet = ipv4(17, udp(4500, 4500, {0xff}));
    Bytes sll = {0, 0, 3, 4, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00};
    sll.insert(sll.end(), packet.begin(), packet.end());
    Bytes sll2 = {0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0};
    sll2.insert(sll2.end(), packet.begin(), packet.end());
    Dissector dissector;
    EXPECT_TRUE(dissector.dissect(LinkType::kLinuxSll, sll).has(Layer::kNatKeepalive));
    EXPECT_TRUE(dissector.dissect(LinkType::kLinuxSll2, sll2).has(Layer::kNatKeepalive));
}

TEST(Dissector, EveryTruncationOfValidPacketsIsHandled) {
    const auto key = test_key(1, 2);
    std::vector<Bytes> packets = {
        ethernet(ipv4(17, udp(500, 500, protected_message(key, kIkeAuth, 1, true, false, auth_inner())))),
        ethernet(ipv4(17, udp(123, 123, ntp_request()))),
        ethernet(ipv4(6, tcp(1, 443, 1, 0x18, client_hello("x")))),
    };
    Dissector dissector;
    dissector.add_ike_key(key);
    for (const auto& p : packets) {
        for (std::size_t n = 0; n <= p.size(); ++n) {
            auto d = dissector.dissect(LinkType::kEthernet, std::span(p.data(), n));
            static_cast<void>(d);
        }
    }
    SUCCEED();
}

TEST(AppDecode, HttpErrors) {
    auto size = http_message_size(text("POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n"));
    EXPECT_FALSE(size.ok());
    auto info = decode_http_message(text("GARBAGE\r\n\r\n"));
    EXPECT_FALSE(info.ok());
}

}  // namespace
}  // namespace hnbsec::pcap
