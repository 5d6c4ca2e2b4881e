// libFuzzer target for the wire-evidence path: never a crash, a read out of bounds or
// unbounded memory on any input (ASan, UBSan, libFuzzer's -rss_limit_mb).
// Two modes, by the input's first bytes:
//   - a pcap or pcapng file (its magic): read through CaptureReader, every packet dissected;
//   - otherwise a packet sequence: byte 0 picks the link type, then records of a 16-bit
//     big-endian length and that many bytes, dissected in order by one Dissector (so IPv4
//     reassembly, TCP streams and IKE fragment sets see several packets).
// The dissector holds the IKE key of the committed interop capture (a throwaway SA), so
// seeds from that capture reach SK decryption and the inner payload decoder.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "pcap/dissect/dissector.h"
#include "pcap/dissect/key_tables.h"
#include "pcap/pcapng/reader.h"

namespace {

using namespace hnbsec::pcap;

constexpr char kIkeKeyRow[] =
    R"(ab5aa9e1734186a5,8589561f2107a2c2,9054a0ac34b87fbf725c34d00b51b76f,eef760565fc0f2711a1eb51c9b69c75a,"AES-CBC-128 [RFC3602]",84f597b95f2bf51888f24389e185faa0a931fcd6f58d240ac0f4f1c4cbb1b266,792ed8b83bcd673fc78ec2b374be76390e6f15ac94167dbdccd0d32679df7a3e,"HMAC_SHA2_256_128 [RFC4868]")";

constexpr LinkType kLinkTypes[] = {LinkType::kEthernet, LinkType::kRaw, LinkType::kLinuxSll,
                                   LinkType::kLinuxSll2, LinkType::kNull};

Dissector make_dissector() {
    Dissector d;
    auto keys = parse_ikev2_decryption_table(kIkeKeyRow);
    if (keys.ok()) {
        for (auto& k : *keys) d.add_ike_key(std::move(k));
    }
    return d;
}

bool is_capture_file(std::span<const std::uint8_t> b) {
    if (b.size() < 4) return false;
    const std::uint32_t be =
        (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
    const std::uint32_t le =
        (std::uint32_t{b[3]} << 24) | (std::uint32_t{b[2]} << 16) | (std::uint32_t{b[1]} << 8) | b[0];
    return be == kBlockSectionHeader || be == kPcapMagicMicro || be == kPcapMagicNano ||
           le == kPcapMagicMicro || le == kPcapMagicNano;
}

void read_file(std::span<const std::uint8_t> bytes) {
    auto reader = CaptureReader::from_bytes(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
    if (!reader.ok()) return;
    Dissector dissector = make_dissector();
    for (int i = 0; i < 10000; ++i) {
        auto packet = reader->next();
        if (!packet.ok() || !*packet) return;
        const auto& interfaces = reader->interfaces();
        const auto link = (*packet)->interface_id < interfaces.size()
                              ? interfaces[(*packet)->interface_id].link_type
                              : LinkType::kEthernet;
        auto d = dissector.dissect(link, (*packet)->data);
        if (!d.inner_packet.empty()) static_cast<void>(dissector.dissect_ip(d.inner_packet));
    }
}

void dissect_packets(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return;
    const LinkType link = kLinkTypes[bytes[0] % std::size(kLinkTypes)];
    bytes = bytes.subspan(1);
    Dissector dissector = make_dissector();
    while (bytes.size() >= 2) {
        const std::size_t n =
            std::min<std::size_t>((std::size_t{bytes[0]} << 8) | bytes[1], bytes.size() - 2);
        auto d = dissector.dissect(link, bytes.subspan(2, n));
        static_cast<void>(d);
        bytes = bytes.subspan(2 + n);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> bytes(data, size);
    if (is_capture_file(bytes)) {
        read_file(bytes);
    } else {
        dissect_packets(bytes);
    }
    return 0;
}
