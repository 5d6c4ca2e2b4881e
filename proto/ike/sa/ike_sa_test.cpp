// In-process tests: an IkeInitiator and an IkeResponder exchanging datagrams through a
// tiny fake network (optionally behind a NAT), with certificates made in memory.

#include <algorithm>
#include <deque>
#include <functional>

#include <gtest/gtest.h>

#include "proto/ike/sa/initiator.h"
#include "proto/ike/sa/proposals.h"
#include "proto/ike/sa/responder.h"
#include "proto/ike/sa/test_pki.h"
#include "proto/ike/sa/wire.h"

namespace hnbsec::ike {
namespace {

using testing::ca_validator;
using testing::test_pki;
using testing::TestIdentity;

Endpoint hnb_endpoint() {
    return ipv4_endpoint(10, 0, 0, 2);
}
Endpoint segw_endpoint() {
    return ipv4_endpoint(192, 0, 2, 1);
}

ProposalSpec spec(const char* text, ProposalProtocol protocol) {
    auto r = parse_proposal(text, protocol);
    EXPECT_TRUE(r.ok()) << text;
    return r.ok() ? *r : ProposalSpec{};
}

IkeSaConfig config(const TestIdentity& me, const char* ike, const char* esp) {
    IkeSaConfig c;
    c.local_id = me.id;
    c.credentials.chain = {me.cert_der};
    c.credentials.signer = std::make_shared<EvpSigner>(me.key.get());
    c.validator = ca_validator();
    c.ike_proposals = {spec(ike, ProposalProtocol::kIke)};
    c.esp_proposals = {spec(esp, ProposalProtocol::kEsp)};
    c.retransmit.base = std::chrono::milliseconds(500);
    c.retransmit.max_tries = 3;
    c.address_pool = [](const Id&) -> Result<AddressAssignment> {
        return AddressAssignment{Bytes{10, 99, 0, 7}, {Bytes{10, 99, 0, 1}}};
    };
    return c;
}

IkeSaConfig hnb_config(const char* ike = "aes128-sha256-modp2048", const char* esp = "aes128-sha256") {
    IkeSaConfig c = config(test_pki().hnb_rsa, ike, esp);
    c.trust_anchor_spkis = {test_pki().ca_spki_der};
    return c;
}

IkeSaConfig segw_config(const char* ike = "aes128-sha256-modp2048", const char* esp = "aes128-sha256") {
    IkeSaConfig c = config(test_pki().segw_rsa, ike, esp);
    c.ts_local = {ts_any_ip4()};
    return c;
}

template <typename T>
std::vector<T> of(const std::vector<Event>& events) {
    std::vector<T> out;
    for (const auto& e : events) {
        if (const auto* t = std::get_if<T>(&e)) out.push_back(*t);
    }
    return out;
}

template <typename T>
bool has(const std::vector<Event>& events) {
    return !of<T>(events).empty();
}

std::string dump(const std::vector<Event>& events) {
    std::string s;
    for (const auto& e : events) s += "  " + to_string(e) + "\n";
    return s;
}

// Delivers datagrams between the two; `nat` maps the H(e)NB's private address to a public one.
struct Net {
    IkeInitiator ini;
    IkeResponder resp;
    TimePoint now{};
    bool nat = false;
    std::vector<Event> ini_events;
    std::vector<Event> resp_events;
    std::vector<Datagram> to_resp_log;  // as the responder saw them
    std::vector<Datagram> to_ini_log;   // as the initiator saw them
    // Return false to drop; may modify.
    std::function<bool(Datagram&)> to_resp_filter;
    std::function<bool(Datagram&)> to_ini_filter;
    std::deque<std::pair<bool, Datagram>> queue;  // true: towards the responder

    Net(IkeSaConfig ini_config, IkeSaConfig resp_config, Endpoint local = hnb_endpoint())
        : ini(std::move(ini_config), local, segw_endpoint()), resp(std::move(resp_config)) {}

    static Endpoint public_of(const Endpoint& e) {
        return Endpoint{Bytes{198, 51, 100, 7}, static_cast<std::uint16_t>(e.port + 40000)};
    }
    static Endpoint private_of(const Endpoint& e) {
        return Endpoint{hnb_endpoint().ip, static_cast<std::uint16_t>(e.port - 40000)};
    }

    void from_ini(Output o) {
        for (auto& e : o.events) ini_events.push_back(std::move(e));
        for (auto& d : o.datagrams) {
            Datagram seen{d.remote, nat ? public_of(d.local) : d.local, d.bytes};
            queue.emplace_back(true, std::move(seen));
        }
    }
    void from_resp(Output o) {
        for (auto& e : o.events) resp_events.push_back(std::move(e));
        for (auto& d : o.datagrams) {
            Datagram seen{nat ? private_of(d.remote) : d.remote, d.local, d.bytes};
            queue.emplace_back(false, std::move(seen));
        }
    }
    void run() {
        for (int steps = 0; !queue.empty() && steps < 200; ++steps) {
            auto [to_resp, d] = std::move(queue.front());
            queue.pop_front();
            if (to_resp) {
                if (to_resp_filter && !to_resp_filter(d)) continue;
                to_resp_log.push_back(d);
                from_resp(resp.handle_datagram(d, now));
            } else {
                if (to_ini_filter && !to_ini_filter(d)) continue;
                to_ini_log.push_back(d);
                from_ini(ini.handle_datagram(d, now));
            }
        }
    }
    void start() {
        from_ini(ini.start(now));
        run();
    }
    // Advances the clock to the next deadline (at most `limit` times) and delivers.
    void tick(int limit = 10) {
        for (int i = 0; i < limit; ++i) {
            std::optional<TimePoint> d = ini.next_deadline();
            auto r = resp.next_deadline();
            if (r && (!d || *r < *d)) d = r;
            if (!d) return;
            now = std::max(now, *d);
            from_ini(ini.on_timer(now));
            from_resp(resp.on_timer(now));
            run();
            if (ini.established() && !ini.next_deadline()) return;
        }
    }
    IkeSa* resp_sa() {
        auto sas = resp.sas();
        return sas.empty() ? nullptr : resp.find(sas.front()->spi_local());
    }
    std::string events() const {
        return "initiator:\n" + dump(ini_events) + "responder:\n" + dump(resp_events);
    }
};

void expect_established(Net& net) {
    ASSERT_TRUE(net.ini.established()) << net.events();
    IkeSa* r = net.resp_sa();
    ASSERT_NE(r, nullptr) << net.events();
    EXPECT_EQ(r->state(), SaState::kEstablished) << net.events();
    ASSERT_EQ(net.ini.sa().child_sas().size(), 1U) << net.events();
    ASSERT_EQ(r->child_sas().size(), 1U) << net.events();
    const ChildSa& ci = net.ini.sa().child_sas().front();
    const ChildSa& cr = r->child_sas().front();
    EXPECT_EQ(ci.spi_out, cr.spi_in);
    EXPECT_EQ(ci.spi_in, cr.spi_out);
    EXPECT_EQ(ci.encr_out(), cr.encr_in());
    EXPECT_EQ(ci.integ_out(), cr.integ_in());
    EXPECT_EQ(ci.encr_in(), cr.encr_out());
    EXPECT_FALSE(ci.encr_out().empty());
    auto ki = net.ini.sa().key_export();
    auto kr = r->key_export();
    ASSERT_TRUE(ki && kr);
    EXPECT_EQ(ki->keys.sk_ei, kr->keys.sk_ei);
    EXPECT_EQ(ki->keys.sk_ar, kr->keys.sk_ar);
    EXPECT_EQ(ki->spi_r, kr->spi_r);
    auto auth = of<AuthResult>(net.resp_events);
    ASSERT_FALSE(auth.empty());
    EXPECT_TRUE(auth.back().ok) << net.events();
    EXPECT_TRUE(has<IkeSaEstablished>(net.ini_events));
    EXPECT_TRUE(has<ChildSaUp>(net.resp_events));
}

TEST(IkeSa, EstablishesWithRsaMethod14AesCbcModp2048AndAssignsAddress) {
    Net net(hnb_config(), segw_config());
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    const ChildSa& ci = net.ini.sa().child_sas().front();
    ASSERT_TRUE(ci.inner_address.has_value());
    EXPECT_EQ(*ci.inner_address, (Bytes{10, 99, 0, 7}));
    ASSERT_EQ(ci.inner_dns.size(), 1U);
    EXPECT_EQ(ci.inner_dns.front(), (Bytes{10, 99, 0, 1}));
    ASSERT_EQ(ci.ts_local.size(), 1U);
    EXPECT_EQ(ci.ts_local.front().start_address, (Bytes{10, 99, 0, 7}));
    EXPECT_EQ(of<AuthResult>(net.resp_events).back().method, AuthMethod::kDigitalSignature);
    EXPECT_TRUE(of<AuthResult>(net.resp_events).back().initial_contact);
    auto certreq = of<CertificateRequested>(net.resp_events);
    ASSERT_EQ(certreq.size(), 1U);
    EXPECT_EQ(certreq.front().ca_hashes.front(), *spki_sha1(test_pki().ca_spki_der));
    EXPECT_EQ(net.ini.sa().key_export()->suite.dh, DhGroup::kModp2048);
    EXPECT_FALSE(net.ini.sa().udp_encapsulated());
    for (const auto& e : net.ini_events) EXPECT_FALSE(to_string(e).empty());
}

// RFC 4806: CERT(OCSP Content) payloads of the IKE_AUTH response the initiator received.
std::vector<Bytes> ocsp_certs_in_auth_response(const std::vector<Event>& ini_events) {
    std::vector<Bytes> out;
    for (const auto& r : of<MessageReceived>(ini_events)) {
        if (r.exchange != ExchangeType::kIkeAuth || r.is_request) continue;
        for (const auto& p : r.message.payloads) {
            const auto* c = p.as<Cert>();
            if (c != nullptr && c->encoding == CertEncoding::kOcspContent) out.push_back(c->data);
        }
    }
    return out;
}

Bytes responder_hash() {
    return Bytes(20, 0xab);
}
Bytes staple_der() {
    return {0x30, 0x03, 0x0a, 0x01, 0x00};  // an OCSPResponse stand-in
}

IkeSaConfig stapling_segw(std::vector<std::vector<Bytes>>* asked) {
    IkeSaConfig c = segw_config();
    c.credentials.ocsp_staple = [asked](const std::vector<Bytes>& hashes) -> Result<Bytes> {
        asked->push_back(hashes);
        return staple_der();
    };
    return c;
}

TEST(IkeSa, OcspStapleRequestedAndDelivered) {
    IkeSaConfig hnb = hnb_config();
    hnb.ocsp_responder_hashes = std::vector<Bytes>{responder_hash()};
    std::vector<std::vector<Bytes>> asked;
    Net net(std::move(hnb), stapling_segw(&asked));
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    ASSERT_EQ(asked.size(), 1U);
    EXPECT_EQ(asked.front(), std::vector<Bytes>{responder_hash()});
    auto requested = of<OcspStapleRequested>(net.resp_events);
    ASSERT_EQ(requested.size(), 1U) << net.events();
    EXPECT_EQ(requested.front().responder_hashes, std::vector<Bytes>{responder_hash()});
    // CERTREQ(14) hashes are not CA hashes (RFC 7296 §3.7 vs RFC 4806 §3.1).
    for (const auto& cr : of<CertificateRequested>(net.resp_events)) {
        for (const auto& h : cr.ca_hashes) EXPECT_NE(h, responder_hash());
    }
    ASSERT_EQ(of<OcspStapleSent>(net.resp_events).size(), 1U) << net.events();
    EXPECT_EQ(of<OcspStapleSent>(net.resp_events).front().octets, staple_der().size());
    EXPECT_EQ(ocsp_certs_in_auth_response(net.ini_events), std::vector<Bytes>{staple_der()});
    auto received = of<OcspStapleReceived>(net.ini_events);
    ASSERT_EQ(received.size(), 1U) << net.events();
    EXPECT_EQ(received.front().response, staple_der());
    ASSERT_TRUE(net.ini.sa().peer_ocsp_staple().has_value());
    EXPECT_EQ(*net.ini.sa().peer_ocsp_staple(), staple_der());
}

TEST(IkeSa, OcspStapleRequestedWithoutStaplerSendsNone) {
    IkeSaConfig hnb = hnb_config();
    hnb.ocsp_responder_hashes = std::vector<Bytes>{};
    Net net(std::move(hnb), segw_config());
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    ASSERT_EQ(of<OcspStapleRequested>(net.resp_events).size(), 1U) << net.events();
    EXPECT_TRUE(of<OcspStapleRequested>(net.resp_events).front().responder_hashes.empty());
    auto omitted = of<OcspStapleOmitted>(net.resp_events);
    ASSERT_EQ(omitted.size(), 1U) << net.events();
    EXPECT_NE(omitted.front().reason.find("no OCSP stapler"), std::string::npos);
    EXPECT_FALSE(has<OcspStapleSent>(net.resp_events));
    EXPECT_TRUE(ocsp_certs_in_auth_response(net.ini_events).empty());
    EXPECT_FALSE(has<OcspStapleReceived>(net.ini_events));
    EXPECT_FALSE(net.ini.sa().peer_ocsp_staple().has_value());
}

TEST(IkeSa, OcspStaplerFailureSendsNoneAndSaysWhy) {
    IkeSaConfig hnb = hnb_config();
    hnb.ocsp_responder_hashes = std::vector<Bytes>{responder_hash()};
    IkeSaConfig segw = segw_config();
    segw.credentials.ocsp_staple = [](const std::vector<Bytes>&) -> Result<Bytes> {
        return Error("responder down");
    };
    Net net(std::move(hnb), std::move(segw));
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    auto omitted = of<OcspStapleOmitted>(net.resp_events);
    ASSERT_EQ(omitted.size(), 1U) << net.events();
    EXPECT_NE(omitted.front().reason.find("responder down"), std::string::npos);
    EXPECT_TRUE(ocsp_certs_in_auth_response(net.ini_events).empty());
}

TEST(IkeSa, OcspStapleNotRequestedIsNotSentEvenWithStapler) {
    std::vector<std::vector<Bytes>> asked;
    Net net(hnb_config(), stapling_segw(&asked));
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    EXPECT_TRUE(asked.empty());
    EXPECT_FALSE(has<OcspStapleRequested>(net.resp_events));
    EXPECT_FALSE(has<OcspStapleSent>(net.resp_events));
    EXPECT_FALSE(has<OcspStapleOmitted>(net.resp_events));
    EXPECT_TRUE(ocsp_certs_in_auth_response(net.ini_events).empty());
    EXPECT_FALSE(net.ini.sa().peer_ocsp_staple().has_value());
}

TEST(IkeSa, OcspResponderHashOfWrongSizeFailsTheAuthRequest) {
    IkeSaConfig hnb = hnb_config();
    hnb.ocsp_responder_hashes = std::vector<Bytes>{Bytes(19, 1)};
    Net net(std::move(hnb), segw_config());
    net.start();
    EXPECT_FALSE(net.ini.established());
    auto failed = of<ExchangeFailed>(net.ini_events);
    ASSERT_FALSE(failed.empty()) << net.events();
    EXPECT_NE(failed.front().reason.find("SHA-1 needs 20"), std::string::npos);
}

TEST(IkeSa, EstablishesWithEcdsaAesGcmEcp256) {
    IkeSaConfig hnb = config(test_pki().hnb_ec, "aes256gcm16-prfsha256-ecp256", "aes256gcm16");
    IkeSaConfig segw = config(test_pki().segw_ec, "aes256gcm16-prfsha256-ecp256", "aes256gcm16");
    Net net(std::move(hnb), std::move(segw));
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    EXPECT_EQ(net.ini.sa().key_export()->suite.encr, EncrId::kAesGcm16);
    EXPECT_EQ(net.ini.sa().child_sas().front().suite.encr, EncrId::kAesGcm16);
}

TEST(IkeSa, EstablishesWithX25519AndClassicMethods) {
    IkeSaConfig hnb = config(test_pki().hnb_ec, "aes256gcm16-prfsha256-x25519", "aes128-sha256");
    hnb.credentials.signer =
        std::make_shared<EvpSigner>(test_pki().hnb_ec.key.get(), AuthMethod::kEcdsaSha256P256);
    IkeSaConfig segw = config(test_pki().segw_rsa, "aes256gcm16-prfsha256-x25519", "aes128-sha256");
    segw.credentials.signer =
        std::make_shared<EvpSigner>(test_pki().segw_rsa.key.get(), AuthMethod::kRsaSignature);
    Net net(std::move(hnb), std::move(segw));
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    EXPECT_EQ(of<AuthResult>(net.resp_events).back().method, AuthMethod::kEcdsaSha256P256);
    EXPECT_EQ(of<AuthResult>(net.ini_events).back().method, AuthMethod::kRsaSignature);
    EXPECT_EQ(net.ini.sa().key_export()->suite.dh, DhGroup::kCurve25519);
}

TEST(IkeSa, InvalidKePayloadMakesInitiatorRetryWithRequestedGroup) {
    IkeSaConfig hnb = hnb_config("aes128-sha256-modp2048-ecp256");
    hnb.initial_ke_group = DhGroup::kModp2048;
    Net net(std::move(hnb), segw_config("aes128-sha256-ecp256"));
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    auto sent = of<InvalidKeSent>(net.resp_events);
    ASSERT_EQ(sent.size(), 1U);
    EXPECT_EQ(sent.front().requested, DhGroup::kEcp256);
    EXPECT_TRUE(has<RetryRequested>(net.ini_events));
    EXPECT_EQ(net.ini.sa().key_export()->suite.dh, DhGroup::kEcp256);
}

TEST(IkeSa, CookieMakesInitiatorRetry) {
    IkeSaConfig segw = segw_config();
    segw.knobs.force_cookie = true;
    Net net(hnb_config(), std::move(segw));
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    EXPECT_EQ(of<CookieSent>(net.resp_events).size(), 1U);
    EXPECT_TRUE(has<RetryRequested>(net.ini_events));
    // §2.6: the retry is the first request with N(COOKIE) in front, other payloads unchanged.
    auto received = of<MessageReceived>(net.resp_events);
    ASSERT_GE(received.size(), 2U);
    auto first = received[0].message.payloads;
    auto retry = received[1].message.payloads;
    ASSERT_EQ(retry.size(), first.size() + 1);
    EXPECT_EQ(retry.front().as<Notify>()->type, NotifyType::kCookie);
    EXPECT_TRUE(std::equal(first.begin(), first.end(), retry.begin() + 1));
}

TEST(IkeSa, HalfOpenThresholdTriggersCookies) {
    IkeSaConfig segw = segw_config();
    segw.knobs.half_open_cookie_threshold = 0;
    Net net(hnb_config(), std::move(segw));
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    EXPECT_TRUE(has<CookieSent>(net.resp_events));
}

TEST(IkeSa, FragmentsBothDirectionsWithSmallMtuAndReassembles) {
    IkeSaConfig hnb = hnb_config();
    hnb.fragmentation.mtu = 576;
    IkeSaConfig segw = segw_config();
    segw.knobs.force_fragment_mtu = 576;
    Net net(std::move(hnb), std::move(segw));
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    auto count_fragments = [](const std::vector<Event>& events, bool sent) {
        std::size_t n = 0;
        for (const auto& e : events) {
            if (sent) {
                if (const auto* s = std::get_if<MessageSent>(&e);
                    s != nullptr && s->exchange == ExchangeType::kIkeAuth) {
                    n = std::max(n, s->fragments);
                }
            } else if (const auto* r = std::get_if<MessageReceived>(&e);
                       r != nullptr && r->exchange == ExchangeType::kIkeAuth) {
                n = std::max(n, r->fragments);
            }
        }
        return n;
    };
    EXPECT_GT(count_fragments(net.ini_events, true), 1U);
    EXPECT_GT(count_fragments(net.resp_events, true), 1U);
    EXPECT_GT(count_fragments(net.ini_events, false), 1U);
    EXPECT_GT(count_fragments(net.resp_events, false), 1U);
    for (const auto& d : net.to_resp_log) EXPECT_LE(d.bytes.size() + 28, 576U);
    for (const auto& d : net.to_ini_log) EXPECT_LE(d.bytes.size() + 28, 576U);
}

TEST(IkeSa, NatTraversalFloatsTo4500WithNonEspMarker) {
    Net net(hnb_config(), segw_config());
    net.nat = true;
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    EXPECT_TRUE(net.ini.sa().udp_encapsulated());
    EXPECT_TRUE(net.resp_sa()->udp_encapsulated());
    auto nat = of<NatDetected>(net.ini_events);
    ASSERT_FALSE(nat.empty());
    EXPECT_TRUE(nat.front().local_behind_nat);
    EXPECT_TRUE(nat.front().floating);
    EXPECT_TRUE(of<NatDetected>(net.resp_events).front().remote_behind_nat);
    ASSERT_GE(net.to_resp_log.size(), 2U);
    EXPECT_EQ(net.to_resp_log.front().local.port, kIkePort);
    for (std::size_t i = 1; i < net.to_resp_log.size(); ++i) {
        const auto& d = net.to_resp_log[i];
        EXPECT_EQ(d.local.port, kNatTPort);
        EXPECT_EQ(d.remote.port, 4500 + 40000);
        ASSERT_GE(d.bytes.size(), 4U);
        EXPECT_EQ(read_be32(Bytes(d.bytes.begin(), d.bytes.begin() + 4)), 0U);
    }
    EXPECT_EQ(net.to_ini_log.back().local.port, kNatTPort);
    EXPECT_TRUE(of<IkeSaEstablished>(net.resp_events).back().udp_encapsulated);
    // A NAT keepalive (RFC 3948 §2.3) is recognised, not decoded.
    Output o = net.resp.handle_datagram(
        Datagram{Endpoint{segw_endpoint().ip, kNatTPort}, net.to_resp_log.back().remote, {0xff}}, net.now);
    EXPECT_TRUE(has<NatKeepaliveReceived>(o.events));
    EXPECT_TRUE(o.datagrams.empty());
    // The end behind the NAT sends keepalives every 20 s; the responder does not.
    EXPECT_FALSE(net.resp.next_deadline().has_value());
    ASSERT_TRUE(net.ini.next_deadline().has_value());
    EXPECT_EQ(*net.ini.next_deadline() - net.now, std::chrono::seconds(20));
    o = net.ini.on_timer(*net.ini.next_deadline());
    ASSERT_EQ(o.datagrams.size(), 1U);
    EXPECT_EQ(o.datagrams.front().bytes, Bytes{0xff});
    EXPECT_EQ(o.datagrams.front().local.port, kNatTPort);
    EXPECT_TRUE(has<NatKeepaliveSent>(o.events));
}

TEST(IkeSa, ForcedEncapsulationFloatsWithoutNat) {
    IkeSaConfig hnb = hnb_config();
    hnb.nat.force_encap = true;
    Net net(std::move(hnb), segw_config());
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    EXPECT_TRUE(net.ini.sa().udp_encapsulated());
    EXPECT_TRUE(of<NatDetected>(net.resp_events).front().remote_behind_nat);
}

TEST(IkeSa, DroppedResponseIsRetransmittedAndEstablishes) {
    IkeSaConfig segw = segw_config();
    segw.knobs.drop_response_n = 2;  // the IKE_AUTH response
    Net net(hnb_config(), std::move(segw));
    net.start();
    EXPECT_FALSE(net.ini.established());
    EXPECT_TRUE(has<Dropped>(net.resp_events));
    net.tick();
    expect_established(net);
    if (HasFatalFailure()) return;
    EXPECT_TRUE(has<RetransmitAnswered>(net.resp_events));
    bool retransmitted = false;
    for (const auto& s : of<MessageSent>(net.ini_events)) retransmitted = retransmitted || s.retransmission;
    EXPECT_TRUE(retransmitted);
}

TEST(IkeSa, DelayedResponseIsHeldThroughRetransmissionsThenSent) {
    IkeSaConfig segw = segw_config();
    segw.knobs.delay_response_n = 2;  // the IKE_AUTH response
    segw.knobs.response_delay = std::chrono::milliseconds(1200);
    Net net(hnb_config(), std::move(segw));
    const TimePoint began = net.now;
    net.start();
    EXPECT_FALSE(net.ini.established());
    net.tick();
    expect_established(net);
    if (HasFatalFailure()) return;
    // The initiator retransmitted (500 ms, 1000 ms) and got nothing until the delay was over.
    bool held_retransmission = false;
    for (const auto& d : of<Dropped>(net.resp_events))
        held_retransmission =
            held_retransmission || d.reason.find("while its response is held") != std::string::npos;
    EXPECT_TRUE(held_retransmission) << net.events();
    EXPECT_FALSE(has<RetransmitAnswered>(net.resp_events));
    EXPECT_GE(net.now - began, std::chrono::milliseconds(1200));
}

TEST(IkeSa, DuplicateRequestGetsTheCachedResponse) {
    Net net(hnb_config(), segw_config());
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    const Datagram auth_request = net.to_resp_log.at(1);
    const Datagram auth_response = net.to_ini_log.at(1);
    Output o = net.resp.handle_datagram(auth_request, net.now);
    ASSERT_EQ(o.datagrams.size(), 1U);
    EXPECT_EQ(o.datagrams.front().bytes, auth_response.bytes);
    EXPECT_TRUE(has<RetransmitAnswered>(o.events));
    // Duplicated by the knob: the initiator drops the copy as an unexpected response.
    IkeSaConfig segw = segw_config();
    segw.knobs.duplicate_response_n = 2;
    Net dup(hnb_config(), std::move(segw));
    dup.start();
    expect_established(dup);
    if (HasFatalFailure()) return;
    EXPECT_TRUE(has<Dropped>(dup.ini_events)) << dup.events();
}

TEST(IkeSa, DeleteChildAndIkeSa) {
    Net net(hnb_config(), segw_config());
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    const std::uint32_t spi = net.ini.sa().child_sas().front().spi_in;
    net.from_ini(net.ini.sa().delete_child_sa(spi, net.now));
    net.run();
    EXPECT_TRUE(net.ini.sa().child_sas().empty()) << net.events();
    EXPECT_TRUE(net.resp_sa()->child_sas().empty());
    EXPECT_EQ(of<Deleted>(net.resp_events).size(), 1U);
    net.from_ini(net.ini.sa().delete_ike_sa(net.now));
    net.run();
    EXPECT_EQ(net.ini.sa().state(), SaState::kClosed) << net.events();
    EXPECT_EQ(net.resp_sa(), nullptr);
    EXPECT_EQ(of<Deleted>(net.resp_events).back().which, Deleted::Which::kIkeSa);
}

TEST(IkeSa, LivenessChecksInBothDirectionsAndOldIdIsDropped) {
    Net net(hnb_config(), segw_config());
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    net.from_ini(net.ini.sa().send_liveness_check(net.now));
    net.run();
    EXPECT_EQ(of<LivenessConfirmed>(net.ini_events).size(), 1U);
    const Datagram first_check = net.to_resp_log.back();
    net.from_ini(net.ini.sa().send_liveness_check(net.now));
    net.run();
    EXPECT_EQ(of<LivenessConfirmed>(net.ini_events).size(), 2U);
    net.from_resp(net.resp_sa()->send_liveness_check(net.now));
    net.run();
    EXPECT_EQ(of<LivenessConfirmed>(net.resp_events).size(), 1U) << net.events();
    // Replaying message ID 2's predecessor: outside the window (RFC 7296 §2.3).
    Output o = net.resp.handle_datagram(first_check, net.now);
    EXPECT_TRUE(o.datagrams.empty());
    auto dropped = of<Dropped>(o.events);
    ASSERT_EQ(dropped.size(), 1U) << dump(o.events);
    EXPECT_NE(dropped.front().reason.find("outside the window"), std::string::npos);
}

TEST(IkeSa, ResponderWithWrongKeyFailsInitiatorAuthentication) {
    IkeSaConfig segw = segw_config();
    segw.credentials.signer = std::make_shared<EvpSigner>(test_pki().wrong_rsa.get());
    Net net(hnb_config(), std::move(segw));
    net.start();
    EXPECT_EQ(net.ini.sa().state(), SaState::kFailed);
    auto auth = of<AuthResult>(net.ini_events);
    ASSERT_EQ(auth.size(), 1U) << net.events();
    EXPECT_FALSE(auth.front().ok);
    auto received = of<NotifyReceived>(net.resp_events);
    ASSERT_FALSE(received.empty()) << net.events();
    EXPECT_EQ(received.front().type, NotifyType::kAuthenticationFailed);
}

TEST(IkeSa, InitiatorWithWrongKeyGetsAuthenticationFailed) {
    IkeSaConfig hnb = hnb_config();
    hnb.credentials.signer = std::make_shared<EvpSigner>(test_pki().wrong_rsa.get());
    Net net(std::move(hnb), segw_config());
    net.start();
    auto auth = of<AuthResult>(net.resp_events);
    ASSERT_EQ(auth.size(), 1U);
    EXPECT_FALSE(auth.front().ok);
    EXPECT_NE(auth.front().reason.find("does not verify"), std::string::npos) << auth.front().reason;
    auto failed = of<ExchangeFailed>(net.ini_events);
    ASSERT_FALSE(failed.empty());
    EXPECT_EQ(failed.back().notify, NotifyType::kAuthenticationFailed);
    EXPECT_EQ(net.ini.sa().state(), SaState::kFailed);
}

TEST(IkeSa, PeerValidatorRefusalIsAuthenticationFailed) {
    IkeSaConfig segw = segw_config();
    segw.validator = [](const std::vector<Bytes>&, const Id&) -> Result<ossl::PkeyPtr> {
        return Error("certificate revoked");
    };
    Net net(hnb_config(), std::move(segw));
    net.start();
    auto auth = of<AuthResult>(net.resp_events);
    ASSERT_EQ(auth.size(), 1U);
    EXPECT_NE(auth.front().reason.find("certificate revoked"), std::string::npos);
    EXPECT_EQ(of<ExchangeFailed>(net.ini_events).back().notify, NotifyType::kAuthenticationFailed);
}

TEST(IkeSa, KnobsAnswerWithErrorNotifies) {
    IkeSaConfig segw = segw_config();
    segw.knobs.ike_sa_init_error = NotifyType::kNoProposalChosen;
    Net net(hnb_config(), std::move(segw));
    net.start();
    EXPECT_EQ(of<ExchangeFailed>(net.ini_events).back().notify, NotifyType::kNoProposalChosen);
    EXPECT_EQ(net.resp_sa(), nullptr);

    IkeSaConfig segw2 = segw_config();
    segw2.knobs.ike_auth_error = NotifyType::kAuthenticationFailed;
    Net net2(hnb_config(), std::move(segw2));
    net2.start();
    EXPECT_EQ(of<ExchangeFailed>(net2.ini_events).back().notify, NotifyType::kAuthenticationFailed);

    // Restricted proposals: nothing in common.
    IkeSaConfig segw3 = segw_config();
    segw3.knobs.ike_proposals =
        std::vector<ProposalSpec>{spec("aes256-sha384-ecp384", ProposalProtocol::kIke)};
    Net net3(hnb_config(), std::move(segw3));
    net3.start();
    EXPECT_EQ(of<ExchangeFailed>(net3.ini_events).back().notify, NotifyType::kNoProposalChosen);
}

TEST(IkeSa, RetransmissionsExhaustedFailTheSa) {
    Net net(hnb_config(), segw_config());
    net.to_resp_filter = [](Datagram&) { return false; };
    net.start();
    net.tick(3);  // two retransmissions, then failure
    EXPECT_EQ(net.ini.sa().state(), SaState::kFailed);
    EXPECT_EQ(of<MessageSent>(net.ini_events).size(), 3U);
    net.tick(1);  // the failed SA lingers, then closes
    EXPECT_EQ(net.ini.sa().state(), SaState::kClosed);
    auto failed = of<ExchangeFailed>(net.ini_events);
    ASSERT_EQ(failed.size(), 1U);
    EXPECT_NE(failed.front().reason.find("after 3 transmissions"), std::string::npos)
        << failed.front().reason;
}

TEST(IkeSa, GarbageWrongSpiAndTruncatedFragmentsBecomeEvents) {
    IkeSaConfig hnb = hnb_config();
    hnb.fragmentation.mtu = 576;
    IkeSaConfig segw = segw_config();
    segw.knobs.force_fragment_mtu = 576;
    Net net(std::move(hnb), std::move(segw));
    std::vector<Datagram> fragments;
    net.to_resp_filter = [&](Datagram& d) {
        if (d.bytes.size() > 17 && d.bytes[16] == 53) fragments.push_back(d);  // SKF
        return true;
    };
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    ASSERT_GT(fragments.size(), 1U);

    const Datagram base{segw_endpoint(), hnb_endpoint(), {}};
    auto feed = [&](Bytes bytes) {
        Datagram d = base;
        d.bytes = std::move(bytes);
        return net.resp.handle_datagram(d, net.now);
    };
    EXPECT_TRUE(has<DecodeError>(feed({}).events));
    EXPECT_TRUE(has<DecodeError>(feed({1, 2, 3}).events));
    EXPECT_TRUE(has<DecodeError>(feed(Bytes(300, 0xa5)).events));
    Bytes truncated_header(fragments.front().bytes.begin(), fragments.front().bytes.begin() + 20);
    EXPECT_TRUE(has<DecodeError>(feed(truncated_header).events));
    // Random bytes of many sizes, with a valid-looking header prefix.
    for (std::size_t n = 0; n < 200; n += 7) {
        Bytes b = fragments.front().bytes;
        b.resize(std::min(b.size(), n + 28));
        if (b.size() >= 28) {
            b[24] = 0;
            b[25] = 0;
            b[26] = static_cast<std::uint8_t>(b.size() >> 8);
            b[27] = static_cast<std::uint8_t>(b.size());
        }
        Output o = feed(b);
        EXPECT_FALSE(o.events.empty());
    }
    // Unknown SPI: INVALID_IKE_SPI for a request (RFC 7296 §2.21.4).
    Bytes unknown = fragments.front().bytes;
    unknown[8] ^= 0xff;
    Output o = feed(unknown);
    ASSERT_TRUE(has<UnknownSpi>(o.events));
    EXPECT_TRUE(of<UnknownSpi>(o.events).front().answered_invalid_ike_spi);
    EXPECT_EQ(o.datagrams.size(), 1U);
    // A fragment of the already answered IKE_AUTH request: not fragment 1 -> dropped.
    o = net.resp.handle_datagram(fragments.back(), net.now);
    EXPECT_TRUE(has<Dropped>(o.events)) << dump(o.events);
    // A corrupted fragment body: ICV check fails before anything is decrypted.
    Datagram bad = fragments.front();
    bad.bytes.back() ^= 1;
    o = net.resp.handle_datagram(bad, net.now);
    EXPECT_FALSE(o.events.empty());
    // Garbage on port 4500: marker missing -> ESP or malformed.
    o = net.resp.handle_datagram(Datagram{Endpoint{segw_endpoint().ip, kNatTPort}, hnb_endpoint(), {1, 2}},
                                 net.now);
    EXPECT_TRUE(has<Dropped>(o.events));
    // The initiator side too.
    o = net.ini.handle_datagram(Datagram{hnb_endpoint(), segw_endpoint(), Bytes(40, 0)}, net.now);
    EXPECT_FALSE(o.events.empty());
    EXPECT_EQ(net.ini.sa().state(), SaState::kEstablished);
}

TEST(IkeSa, IncompleteReassemblyTimesOut) {
    IkeSaConfig hnb = hnb_config();
    hnb.fragmentation.mtu = 576;
    Net net(std::move(hnb), segw_config());
    int seen = 0;
    net.to_resp_filter = [&](Datagram& d) {
        // Drop every SKF fragment but the first.
        if (d.bytes.size() > 17 && d.bytes[16] == 53) return ++seen == 1;
        return true;
    };
    net.start();
    EXPECT_FALSE(net.ini.established());
    IkeSa* r = net.resp_sa();
    ASSERT_NE(r, nullptr);
    ASSERT_TRUE(r->next_deadline().has_value());
    Output o = net.resp.on_timer(*r->next_deadline());
    EXPECT_TRUE(has<Dropped>(o.events)) << dump(o.events);
}

TEST(IkeSa, RekeysChildSaWithPfsAndDeletesTheOld) {
    Net net(hnb_config("aes128-sha256-modp2048", "aes128-sha256-ecp256"),
            segw_config("aes128-sha256-modp2048", "aes128-sha256-ecp256"));
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    const ChildSa old = net.ini.sa().child_sas().front();
    net.from_ini(net.ini.sa().create_child_sa(net.now, old.spi_in));
    net.run();
    ASSERT_EQ(net.ini.sa().child_sas().size(), 1U) << net.events();
    ASSERT_EQ(net.resp_sa()->child_sas().size(), 1U) << net.events();
    const ChildSa& ci = net.ini.sa().child_sas().front();
    const ChildSa& cr = net.resp_sa()->child_sas().front();
    EXPECT_NE(ci.spi_in, old.spi_in);
    EXPECT_EQ(ci.spi_out, cr.spi_in);
    EXPECT_EQ(ci.encr_out(), cr.encr_in());
    EXPECT_EQ(ci.integ_in(), cr.integ_out());
    EXPECT_EQ(ci.suite.dh, DhGroup::kEcp256);
    EXPECT_EQ(ci.inner_address, old.inner_address);
    EXPECT_EQ(of<ChildSaUp>(net.resp_events).size(), 2U);
    EXPECT_EQ(of<Deleted>(net.resp_events).size(), 1U);
    // A new Child SA started by the responder (§1.3.1).
    net.from_resp(net.resp_sa()->create_child_sa(net.now));
    net.run();
    EXPECT_EQ(net.resp_sa()->child_sas().size(), 2U) << net.events();
}

TEST(IkeSa, HalfOpenSaTimesOutAndFailedSaIsReaped) {
    Net net(hnb_config(), segw_config());
    net.to_resp_filter = [&](Datagram&) { return net.to_resp_log.empty(); };  // only IKE_SA_INIT
    net.start();
    ASSERT_NE(net.resp_sa(), nullptr);
    EXPECT_EQ(net.resp_sa()->state(), SaState::kInitResponded);
    EXPECT_EQ(net.resp.half_open(), 1U);
    Output o = net.resp.on_timer(net.now + std::chrono::seconds(31));
    auto failed = of<ExchangeFailed>(o.events);
    ASSERT_EQ(failed.size(), 1U) << dump(o.events);
    EXPECT_NE(failed.front().reason.find("half-open"), std::string::npos);
    EXPECT_EQ(net.resp.half_open(), 0U);
    o = net.resp.on_timer(net.now + std::chrono::seconds(60));
    EXPECT_EQ(net.resp_sa(), nullptr);
}

// The responder's table indexes (deadlines, half-open count, init index) stay right with
// many SAs in mixed states: established ones stay, half-open ones time out one by one.
TEST(IkeSa, ResponderTableWithManySasKeepsEstablishedAndReapsHalfOpen) {
    IkeResponder resp(segw_config("aes128-sha256-ecp256", "aes128-sha256"));
    const TimePoint t0{};
    std::size_t established = 0;
    for (int i = 0; i < 24; ++i) {
        const bool complete = i % 3 != 0;  // every third initiator never sends IKE_AUTH
        IkeInitiator ini(hnb_config("aes128-sha256-ecp256", "aes128-sha256"),
                         ipv4_endpoint(10, 0, 1, static_cast<std::uint8_t>(i + 1)), segw_endpoint());
        const TimePoint now = t0 + std::chrono::seconds(i);  // staggered half-open deadlines
        std::deque<Datagram> to_resp;
        auto send = [&](Output o) {
            for (auto& d : o.datagrams) to_resp.push_back(Datagram{d.remote, d.local, std::move(d.bytes)});
        };
        send(ini.start(now));
        for (int step = 0; step < 8 && !to_resp.empty(); ++step) {
            Datagram d = std::move(to_resp.front());
            to_resp.pop_front();
            if (!complete && d.bytes.size() > 0 && step > 0) break;
            for (auto& back : resp.handle_datagram(d, now).datagrams)
                send(ini.handle_datagram(Datagram{back.remote, back.local, std::move(back.bytes)}, now));
        }
        if (complete) {
            ASSERT_TRUE(ini.established()) << "initiator " << i;
            ++established;
        }
    }
    EXPECT_EQ(resp.sas().size(), 24U);
    EXPECT_EQ(resp.half_open(), 8U);
    ASSERT_TRUE(resp.next_deadline().has_value());

    // 30 s half-open limit: at t0+33 s the first four half-open SAs (started at 0, 3, 6, 9 s)
    // have failed; the others have not.
    Output o = resp.on_timer(t0 + std::chrono::seconds(33));
    EXPECT_EQ(of<ExchangeFailed>(o.events).size(), 2U) << dump(o.events);  // started at 0 and 3 s
    EXPECT_EQ(resp.half_open(), 6U);
    // Much later every half-open SA failed and lingered out; the established ones remain.
    for (int s = 40; s <= 200; s += 10) (void)resp.on_timer(t0 + std::chrono::seconds(s));
    EXPECT_EQ(resp.half_open(), 0U);
    EXPECT_EQ(resp.sas().size(), established);
    for (const IkeSa* sa : resp.sas()) EXPECT_EQ(sa->state(), SaState::kEstablished);
}

TEST(IkeSa, AnotherAuthFollowsGoesThroughTheSecondRoundSeam) {
    IkeSaConfig segw = segw_config();
    segw.second_auth = std::make_shared<UnsupportedSecondAuth>();
    IkeSaConfig hnb = hnb_config();
    hnb.multiple_auth_supported = true;
    hnb.extra_auth_payloads = {notify_payload(NotifyType::kAnotherAuthFollows)};
    Net net(std::move(hnb), std::move(segw));
    net.start();
    auto auth = of<AuthResult>(net.resp_events);
    ASSERT_EQ(auth.size(), 1U) << net.events();
    EXPECT_TRUE(auth.front().ok);
    EXPECT_TRUE(auth.front().multiple_auth_supported);
    EXPECT_TRUE(auth.front().another_auth_follows);
    auto failed = of<ExchangeFailed>(net.resp_events);
    ASSERT_EQ(failed.size(), 1U);
    EXPECT_NE(failed.front().reason.find("not supported"), std::string::npos) << failed.front().reason;
    EXPECT_EQ(of<ExchangeFailed>(net.ini_events).back().notify, NotifyType::kAuthenticationFailed);
}

void expect_rekeyed(Net& net, std::uint64_t old_spi_i) {
    ASSERT_TRUE(net.ini.established()) << net.events();
    EXPECT_NE(net.ini.sa().spi_i(), old_spi_i);
    auto sas = net.resp.sas();
    ASSERT_EQ(sas.size(), 1U) << net.events();  // the old SA was deleted and reaped
    const IkeSa* r = sas.front();
    EXPECT_EQ(r->state(), SaState::kEstablished);
    EXPECT_EQ(r->spi_i(), net.ini.sa().spi_i());
    EXPECT_EQ(r->spi_r(), net.ini.sa().spi_r());
    EXPECT_EQ(r->key_export()->keys.sk_ei, net.ini.sa().key_export()->keys.sk_ei);
    EXPECT_EQ(r->child_sas().size(), 1U);
    EXPECT_EQ(net.ini.sa().child_sas().size(), 1U);
    EXPECT_EQ(of<IkeSaRekeyed>(net.ini_events).size(), 1U);
    EXPECT_EQ(of<IkeSaRekeyed>(net.resp_events).size(), 1U);
    // The new SA works: liveness both ways.
    net.from_ini(net.ini.sa().send_liveness_check(net.now));
    net.run();
    net.from_resp(net.resp.find(r->spi_local())->send_liveness_check(net.now));
    net.run();
    EXPECT_EQ(of<LivenessConfirmed>(net.ini_events).size(), 1U) << net.events();
    EXPECT_EQ(of<LivenessConfirmed>(net.resp_events).size(), 1U) << net.events();
}

TEST(IkeSa, InitiatorRekeysIkeSa) {
    Net net(hnb_config("aes128-sha256-ecp256"), segw_config("aes128-sha256-ecp256"));
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    const std::uint64_t old_spi_i = net.ini.sa().spi_i();
    net.from_ini(net.ini.rekey_ike_sa(net.now));
    net.run();
    expect_rekeyed(net, old_spi_i);
    EXPECT_EQ(net.ini.sa().role(), Role::kInitiator);
}

TEST(IkeSa, ResponderRekeysIkeSa) {
    Net net(hnb_config("aes128-sha256-ecp256"), segw_config("aes128-sha256-ecp256"));
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    const std::uint64_t old_spi_i = net.ini.sa().spi_i();
    net.from_resp(net.resp_sa()->rekey_ike_sa(net.now));
    net.run();
    expect_rekeyed(net, old_spi_i);
    EXPECT_EQ(net.ini.sa().role(), Role::kResponder);  // §2.18: the rekey initiator is the new initiator
}

TEST(IkeSa, TruncatedFragmentsAreReportedAndReassemblyRecovers) {
    IkeSaConfig hnb = hnb_config();
    hnb.fragmentation.mtu = 576;
    Net net(std::move(hnb), segw_config());
    std::vector<Output> injected;
    net.to_resp_filter = [&](Datagram& d) {
        if (d.bytes.size() > 40 && d.bytes[16] == 53) {  // SKF: first deliver broken copies
            // 1. cut short: the header's Length no longer matches the datagram.
            Datagram cut = d;
            cut.bytes.resize(cut.bytes.size() - 10);
            injected.push_back(net.resp.handle_datagram(cut, net.now));
            // 2. cut short with consistent lengths: the ICV check fails.
            Datagram shortened = cut;
            const std::size_t n = shortened.bytes.size();
            shortened.bytes[24] = static_cast<std::uint8_t>(n >> 24);
            shortened.bytes[25] = static_cast<std::uint8_t>(n >> 16);
            shortened.bytes[26] = static_cast<std::uint8_t>(n >> 8);
            shortened.bytes[27] = static_cast<std::uint8_t>(n);
            const std::size_t payload = n - 28;
            shortened.bytes[30] = static_cast<std::uint8_t>(payload >> 8);
            shortened.bytes[31] = static_cast<std::uint8_t>(payload);
            injected.push_back(net.resp.handle_datagram(shortened, net.now));
        }
        return true;
    };
    net.start();
    expect_established(net);
    ASSERT_GE(injected.size(), 4U);
    for (const auto& o : injected) {
        EXPECT_TRUE(o.datagrams.empty());
        ASSERT_FALSE(o.events.empty());
        EXPECT_TRUE(has<DecodeError>(o.events) || has<Dropped>(o.events)) << dump(o.events);
        for (const auto& e : o.events) EXPECT_FALSE(to_string(e).empty());
    }
}

// Every recorded datagram of a full run, mutated (bit flips, truncation, extension) and
// fed to both ends: each one must give an event or a datagram, never a crash or a hang.
TEST(IkeSa, MutatedDatagramsNeverCrash) {
    IkeSaConfig hnb = hnb_config("aes128-sha256-ecp256");
    hnb.fragmentation.mtu = 576;
    Net net(std::move(hnb), segw_config("aes128-sha256-ecp256"));
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    net.from_ini(net.ini.sa().send_liveness_check(net.now));
    net.run();
    std::uint32_t seed = 12345;
    auto next = [&]() {
        seed = seed * 1103515245U + 12345U;
        return seed >> 8;
    };
    std::size_t handled = 0;
    for (int round = 0; round < 40; ++round) {
        for (bool to_resp : {true, false}) {
            const auto& log = to_resp ? net.to_resp_log : net.to_ini_log;
            for (const Datagram& original : log) {
                Datagram d = original;
                switch (next() % 4) {
                    case 0:
                        d.bytes[next() % d.bytes.size()] ^= static_cast<std::uint8_t>(1U << (next() % 8));
                        break;
                    case 1:
                        d.bytes.resize(next() % d.bytes.size());
                        break;
                    case 2:
                        d.bytes.push_back(static_cast<std::uint8_t>(next()));
                        break;
                    default:
                        for (int i = 0; i < 4 && !d.bytes.empty(); ++i) {
                            d.bytes[next() % d.bytes.size()] = static_cast<std::uint8_t>(next());
                        }
                }
                Output o =
                    to_resp ? net.resp.handle_datagram(d, net.now) : net.ini.handle_datagram(d, net.now);
                EXPECT_FALSE(o.events.empty() && o.datagrams.empty());
                ++handled;
            }
        }
    }
    EXPECT_GT(handled, 50U);
    // Still usable afterwards.
    net.from_ini(net.ini.sa().send_liveness_check(net.now));
    net.run();
    EXPECT_EQ(net.ini.sa().state(), SaState::kEstablished);
}

TEST(IkeSa, UndecodableAuthenticatedRequestIsAnsweredWithNotify) {
    IkeSaConfig hnb = hnb_config();
    // An unknown payload type with the critical bit (RFC 7296 §2.5).
    hnb.extra_auth_payloads = {
        Payload{static_cast<PayloadType>(200), true, 0, PayloadBody(Unknown{{1, 2, 3}})}};
    Net net(std::move(hnb), segw_config());
    net.start();
    EXPECT_TRUE(has<DecodeError>(net.resp_events)) << net.events();
    auto failed = of<ExchangeFailed>(net.ini_events);
    ASSERT_FALSE(failed.empty()) << net.events();
    EXPECT_EQ(failed.back().notify, NotifyType::kUnsupportedCriticalPayload);
    EXPECT_EQ(net.ini.sa().state(), SaState::kFailed);
}

TEST(IkeSa, RequestIllegalInStateIsAnUnexpectedMessage) {
    Net net(hnb_config(), segw_config());
    int responses = 0;
    net.to_ini_filter = [&](Datagram&) { return ++responses != 2; };  // lose the IKE_AUTH response
    net.start();
    ASSERT_EQ(net.ini.sa().state(), SaState::kAuthSent);
    ASSERT_EQ(net.resp_sa()->state(), SaState::kEstablished);
    net.from_resp(net.resp_sa()->send_liveness_check(net.now));
    net.run();
    auto unexpected = of<UnexpectedMessage>(net.ini_events);
    ASSERT_EQ(unexpected.size(), 1U) << net.events();
    EXPECT_EQ(unexpected.front().state, "AUTH_SENT");
    EXPECT_EQ(unexpected.front().exchange, ExchangeType::kInformational);
    EXPECT_NE(to_string(Event{unexpected.front()}).find("in state AUTH_SENT"), std::string::npos);
    // The IKE_AUTH retransmission still completes the exchange.
    net.tick();
    EXPECT_TRUE(net.ini.established()) << net.events();
}

TEST(IkeSa, WithoutSignatureHashAlgorithmsFallsBackToClassicMethods) {
    // A peer that does not announce RFC 7427 support gets method 1 (RSA) / 9 (ECDSA).
    IkeSaConfig hnb = config(test_pki().hnb_ec, "aes128-sha256-ecp256", "aes128-sha256");
    hnb.announce_signature_hashes = false;
    Net net(std::move(hnb), segw_config("aes128-sha256-ecp256"));
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    EXPECT_EQ(of<AuthResult>(net.ini_events).back().method, AuthMethod::kRsaSignature);  // SeGW fell back
    EXPECT_EQ(of<AuthResult>(net.resp_events).back().method, AuthMethod::kDigitalSignature);
    IkeSaConfig segw = config(test_pki().segw_ec, "aes128-sha256-ecp256", "aes128-sha256");
    segw.announce_signature_hashes = false;
    Net ec(config(test_pki().hnb_ec, "aes128-sha256-ecp256", "aes128-sha256"), std::move(segw));
    ec.start();
    expect_established(ec);
    if (HasFatalFailure()) return;
    EXPECT_EQ(of<AuthResult>(ec.resp_events).back().method, AuthMethod::kEcdsaSha256P256);
    EXPECT_EQ(of<AuthResult>(ec.ini_events).back().method, AuthMethod::kDigitalSignature);
}

TEST(IkeSa, InitiatorKnobsOmitNatDetectionAndIgnoreLiveness) {
    IkeSaConfig hnb = hnb_config();
    hnb.initiator_knobs.send_nat_detection = false;
    hnb.initiator_knobs.answer_liveness = false;
    Net net(std::move(hnb), segw_config());
    net.start();
    expect_established(net);
    if (HasFatalFailure()) return;
    // No NAT_DETECTION_* in the IKE_SA_INIT request, so the responder detects nothing.
    const auto sent = of<MessageSent>(net.ini_events);
    ASSERT_FALSE(sent.empty());
    EXPECT_EQ(std::count(sent.front().payloads.begin(), sent.front().payloads.end(), PayloadType::kNotify),
              std::ptrdiff_t{2})  // fragmentation and signature hashes only
        << net.events();
    EXPECT_FALSE(has<NatDetected>(net.resp_events)) << net.events();
    // The SeGW's liveness check goes unanswered, retransmissions too, until it gives up.
    net.from_resp(net.resp_sa()->send_liveness_check(net.now));
    net.run();
    EXPECT_FALSE(has<LivenessConfirmed>(net.resp_events));
    EXPECT_FALSE(of<Dropped>(net.ini_events).empty());
    for (int i = 0; i < 5; ++i) net.tick(1);  // tick() stops after one deadline here
    EXPECT_FALSE(has<LivenessConfirmed>(net.resp_events)) << net.events();
    const IkeSa* r = net.resp_sa();
    EXPECT_TRUE(r == nullptr || r->state() == SaState::kFailed || r->state() == SaState::kClosed)
        << net.events();
}

}  // namespace
}  // namespace hnbsec::ike
