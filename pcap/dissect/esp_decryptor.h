#pragma once
// The seam through which the dissector decrypts ESP (RFC 4303): given the whole ESP
// packet (SPI .. ICV, without the UDP header of RFC 3948) and its outer addresses, an
// implementation finds the SA, checks the ICV, decrypts and strips the trailer. The
// dissector itself holds no ESP code; proto/esp provides the implementation (see
// pcap/timeline for how `hnbsec pcap inspect` plugs one in). Without a decryptor ESP
// packets are dissected to SPI and sequence number.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/result.h"
#include "pcap/dissect/dissection.h"

namespace hnbsec::pcap {

// What a decrypted ESP packet carried besides the inner packet's octets.
struct EspPlaintext {
    std::uint8_t next_header = 0;  // 4 = IPv4, 41 = IPv6 (tunnel mode)
};

class EspDecryptor {
public:
    virtual ~EspDecryptor() = default;
    // nullopt: no SA for this SPI and these addresses. An Error: the SA is known and
    // the packet failed (ICV mismatch, bad padding), with the reason. Otherwise `inner`
    // holds the inner packet: the caller's buffer, reused from packet to packet so that
    // decrypting costs no allocation (its contents are unspecified after an Error).
    virtual std::optional<Result<EspPlaintext>> decrypt(std::span<const std::uint8_t> esp_packet,
                                                        const Address& source, const Address& destination,
                                                        std::vector<std::uint8_t>& inner) = 0;
};

}  // namespace hnbsec::pcap
