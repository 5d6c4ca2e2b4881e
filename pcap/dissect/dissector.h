#pragma once
// Dissector: turns captured packets into PacketDissection values, in capture order.
// It is stateful because the wire is: IPv4 fragments are reassembled (RFC 791 §3.2),
// TCP segments are put back into streams for TLS records and HTTP messages, IKE
// fragments (RFC 7383) are decrypted and reassembled per message. Every decoder reads
// through a bounded cursor; arbitrary bytes give an `error` in the dissection, never a
// crash, and state is bounded (oldest entries are dropped).

#include <cstdint>
#include <memory>
#include <span>

#include "pcap/dissect/dissection.h"
#include "pcap/dissect/esp_decryptor.h"
#include "pcap/dissect/key_tables.h"
#include "pcap/pcapng/format.h"

namespace hnbsec::pcap {

class Dissector {
public:
    Dissector();
    ~Dissector();
    Dissector(Dissector&&) noexcept;
    Dissector& operator=(Dissector&&) noexcept;

    // IKE SAs whose SK payloads are decrypted from now on.
    void add_ike_key(IkeDecryptionKey key);
    // Not owned; must outlive the dissector. nullptr: ESP is not decrypted.
    void set_esp_decryptor(EspDecryptor* decryptor);
    // Off: dissect*() leave `summary` as the decoders left it (set only for fragments and
    // unknown EtherTypes) and the caller finishes it with set_summary() (summary.h), which
    // reads nothing but the dissection: `hnbsec pcap inspect` does it on its output thread.
    void set_summaries(bool on);

    // One packet of the given link type.
    PacketDissection dissect(LinkType link_type, std::span<const std::uint8_t> frame);
    // An IP packet without link layer (raw captures, ESP's inner packets).
    PacketDissection dissect_ip(std::span<const std::uint8_t> packet);
    // The same into `d` (overwritten whole): a caller that reuses one value per stream, as
    // the timeline does, keeps its buffers instead of allocating them per packet.
    void dissect_into(LinkType link_type, std::span<const std::uint8_t> frame, PacketDissection& d);
    void dissect_ip_into(std::span<const std::uint8_t> packet, PacketDissection& d);

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace hnbsec::pcap
