// libFuzzer target for the SA layer: whatever a peer sends must end as events and
// datagrams, never as a crash, a hang or a sanitizer report. The input is a sequence of
// datagrams for one fresh IkeResponder (the SeGW's SA table), each framed as
//   flags (bit 0: arrived on port 4500, bit 1: advance the clock 40 s first) | length (2, big endian) | bytes
// so the fuzzer can build multi-message conversations (IKE_SA_INIT, then more) and reach
// the retransmission, half-open and reassembly timers.
//
//   build/fuzz/bin/ike_sa_fuzz -max_total_time=600 build/fuzz/ike-sa-corpus proto/ike/fuzz/sa_corpus

#include <cstddef>
#include <cstdint>
#include <span>

#include "proto/ike/sa/proposals.h"
#include "proto/ike/sa/responder.h"
#include "proto/ike/sa/test_pki.h"

namespace {

using namespace hnbsec::ike;

IkeSaConfig segw_config() {
    const auto& pki = testing::test_pki();
    IkeSaConfig c;
    c.local_id = pki.segw_ec.id;
    c.credentials.chain = {pki.segw_ec.cert_der};
    c.credentials.signer = std::make_shared<EvpSigner>(pki.segw_ec.key.get());
    c.validator = testing::ca_validator();
    c.trust_anchor_spkis = {pki.ca_spki_der};
    // Several proposals, so proposal selection has choices to make.
    for (const char* p : {"aes128-sha256-modp2048", "aes256gcm16-prfsha384-ecp384", "aes128-sha1-x25519"})
        c.ike_proposals.push_back(*parse_proposal(p, ProposalProtocol::kIke));
    c.esp_proposals = {*parse_proposal("aes128gcm16", ProposalProtocol::kEsp),
                       *parse_proposal("aes128-sha256", ProposalProtocol::kEsp)};
    c.ts_local = {ts_any_ip4()};
    c.fragmentation.mtu = 576;
    c.address_pool = [](const Id&) -> hnbsec::Result<AddressAssignment> {
        return AddressAssignment{Bytes{10, 77, 0, 1}, {Bytes{10, 78, 0, 53}}};
    };
    return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const IkeSaConfig config = segw_config();  // keys made once per process
    IkeResponder responder(config);
    TimePoint now{};
    const Endpoint segw = ipv4_endpoint(192, 168, 77, 1);
    const Endpoint hnb = ipv4_endpoint(192, 168, 77, 2);
    std::span<const std::uint8_t> rest(data, size);
    for (int i = 0; i < 16 && rest.size() >= 3; ++i) {
        const std::uint8_t flags = rest[0];
        const std::size_t length =
            std::min<std::size_t>((std::size_t{rest[1]} << 8) | rest[2], rest.size() - 3);
        const auto bytes = rest.subspan(3, length);
        rest = rest.subspan(3 + length);
        if ((flags & 0x02) != 0) {
            now += std::chrono::seconds(40);
            (void)responder.on_timer(now);
        }
        const std::uint16_t port = (flags & 0x01) != 0 ? kNatTPort : kIkePort;
        Datagram d{Endpoint{segw.ip, port}, Endpoint{hnb.ip, port}, Bytes(bytes.begin(), bytes.end())};
        (void)responder.handle_datagram(d, now);
        (void)responder.next_deadline();
    }
    return 0;
}
