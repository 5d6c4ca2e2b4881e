// libFuzzer target for the ESP inbound path. Beyond "never crashes, never reads out of
// bounds" (ASan, UBSan) it checks contracts on every input:
//   - open() of arbitrary bytes on fixed SAs (AES-GCM and AES-CBC+HMAC, with and without
//     ESN) gives an outcome; only an authentic packet can be accepted, and an accepted
//     packet's inner bytes parse and lie inside the ESP packet's length;
//   - the input sealed as an inner payload opens again, either accepted with the same bytes
//     or refused as a bad inner packet / next header / TS mismatch (never a crypto failure);
//   - the raw-ESP (IP protocol 50 / UDP 4500) decoder, the port-4500 classifier and the
//     inner-packet summariser on the input.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "proto/esp/esp_sa.h"
#include "proto/esp/inner_packet.h"
#include "proto/esp/udp_encap.h"

namespace {

using namespace hnbsec::esp;  // NOLINT(google-build-using-namespace)

void check(bool condition) {
    if (!condition) std::abort();
}

EspSaConfig config(hnbsec::ike::EncrId encr, hnbsec::ike::IntegId integ, std::size_t key,
                   std::size_t integ_key, bool esn) {
    EspSaConfig c;
    c.spi = 0x01020304;
    c.suite.encr = encr;
    c.suite.encr_key_bits = 128;
    c.suite.integ = integ;
    c.encryption_key.assign(key, 0x42);
    c.integrity_key.assign(integ_key, 0x17);
    c.esn = esn;
    hnbsec::ike::TrafficSelector ts;
    ts.start_address = {10, 0, 0, 0};
    ts.end_address = {10, 255, 255, 255};
    c.ts_local = {ts};
    c.ts_remote = {ts};
    return c;
}

struct Sas {
    std::vector<OutboundSa> out;
    std::vector<InboundSa> in;
};

Sas& sas() {
    static Sas* s = [] {
        auto* made = new Sas;  // NOLINT(cppcoreguidelines-owning-memory): lives for the process
        using hnbsec::ike::EncrId;
        using hnbsec::ike::IntegId;
        for (bool esn : {false, true}) {
            for (const auto& c : {config(EncrId::kAesGcm16, IntegId::kNone, 20, 0, esn),
                                  config(EncrId::kAesCbc, IntegId::kHmacSha2_256_128, 16, 32, esn)}) {
                auto out = OutboundSa::create(c, TimePoint{});
                auto in = InboundSa::create(c, TimePoint{});
                check(out.ok() && in.ok());
                made->out.push_back(std::move(*out));
                made->in.push_back(std::move(*in));
            }
        }
        return made;
    }();
    return *s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> bytes(data, size);
    Sas& s = sas();
    for (std::size_t i = 0; i < s.in.size(); ++i) {
        // Fresh inbound state for each input, so runs are reproducible.
        auto in = InboundSa::create(s.in[i].config(), TimePoint{});
        check(in.ok());
        const InboundResult result = in->open(bytes, TimePoint{});
        if (result.accepted()) {
            check(result.inner.size() < size);
            check(parse_inner_packet(result.inner).ok());
        }
        // Seal the input as an inner packet and open it again.
        auto sealed = s.out[i].seal(bytes, TimePoint{});
        if (!sealed.ok()) continue;  // empty or not IPv4/IPv6 by its first nibble
        const InboundResult opened = in->open(*sealed, TimePoint{});
        check(opened.outcome == InboundOutcome::kAccepted || opened.outcome == InboundOutcome::kBadInner ||
              opened.outcome == InboundOutcome::kBadNextHeader ||
              opened.outcome == InboundOutcome::kTsMismatch);
        if (opened.accepted())
            check(opened.inner.size() == size &&
                  std::equal(bytes.begin(), bytes.end(), opened.inner.begin()));
        // open_into() on a twin SA: the same outcome, the inner packet in the caller's buffer.
        auto twin = InboundSa::create(s.in[i].config(), TimePoint{});
        check(twin.ok());
        Bytes buffer;
        for (const InboundResult* first : {&result, &opened}) {
            const InboundResult again =
                twin->open_into(first == &result ? bytes : ByteSpan(*sealed), TimePoint{}, buffer);
            check(again.outcome == first->outcome && again.reason == first->reason);
            if (again.accepted()) check(buffer == first->inner);
        }
    }
    auto found = decode_esp_in_ip(bytes);
    if (found.ok()) {
        check(found->esp.data() >= data && found->esp.data() + found->esp.size() <= data + size);
        (void)s.in[0].config();
    }
    const Udp4500Payload classified = classify_udp4500(bytes);
    if (classified.kind == Udp4500Kind::kEsp) check(classified.packet.size() == size);
    (void)summarise_inner_packet(bytes);
    return 0;
}
