#include "pcap/dissect/app_decode.h"
#include "proto/wire/byte_reader.h"

namespace hnbsec::pcap {

Result<NtpInfo> decode_ntp(std::span<const std::uint8_t> payload) {
    wire::ByteReader r(payload);
    NtpInfo info;
    HNBSEC_TRY(std::uint8_t first, r.u8("NTP LI/VN/Mode"));
    info.leap = static_cast<std::uint8_t>(first >> 6);
    info.version = static_cast<std::uint8_t>((first >> 3) & 7U);
    info.mode = static_cast<std::uint8_t>(first & 7U);
    HNBSEC_TRY(info.stratum, r.u8("NTP Stratum"));
    // Poll, Precision, Root Delay, Root Dispersion, Reference ID, Reference, Origin and
    // Receive Timestamps come before the Transmit Timestamp (§7.3).
    HNBSEC_CHECK(r.skip(2 + 4 + 4 + 4 + 8 + 8 + 8, "NTP header before Transmit Timestamp"));
    HNBSEC_TRY(info.transmit_timestamp, r.u64("NTP Transmit Timestamp"));
    return info;
}

}  // namespace hnbsec::pcap
