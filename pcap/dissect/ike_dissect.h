#pragma once
// IKEv2 in the dissector, with the SeGW's own codec (proto/ike/decode.h) and SK
// protection (proto/ike/crypto/sk_protection.h): no second IKEv2 parser. With a key for
// the message's SPIs the SK payload is decrypted and its inner payloads decoded; SKF
// fragments (RFC 7383 §2.5) are each decrypted and, once all have arrived, reassembled
// and decoded as one chain.

#include <cstdint>
#include <deque>
#include <map>
#include <span>
#include <vector>

#include "pcap/dissect/dissection.h"
#include "pcap/dissect/key_tables.h"

namespace hnbsec::pcap {

class IkeDissector {
public:
    void add_key(IkeDecryptionKey key);
    // `message` is the IKE message (after the non-ESP marker on port 4500).
    IkeInfo dissect(std::span<const std::uint8_t> message, bool over_4500);

private:
    struct FragmentSet {
        std::uint64_t spi_i = 0;
        std::uint64_t spi_r = 0;
        std::uint32_t message_id = 0;
        bool response = false;
        std::uint16_t total = 0;
        std::uint8_t first_inner = 0;
        std::map<std::uint16_t, std::vector<std::uint8_t>> plaintexts;
    };
    const IkeDecryptionKey* find_key(std::uint64_t spi_i, std::uint64_t spi_r) const;
    FragmentSet& fragment_set(const IkeInfo& info, std::uint16_t total);

    std::vector<IkeDecryptionKey> keys_;
    std::deque<FragmentSet> fragments_;  // bounded: oldest dropped
};

}  // namespace hnbsec::pcap
