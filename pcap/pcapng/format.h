#pragma once
// Numbers of the two capture file formats we read and the one we write:
//   pcap   (libpcap's classic format, draft-ietf-opsawg-pcap §4-§5),
//   pcapng (draft-ietf-opsawg-pcapng-02 §3-§4, the format Wireshark writes by default).

#include <cstdint>

namespace hnbsec::pcap {

// pcap file magic as read in the file's own byte order (draft-ietf-opsawg-pcap §4).
inline constexpr std::uint32_t kPcapMagicMicro = 0xa1b2c3d4;
inline constexpr std::uint32_t kPcapMagicNano = 0xa1b23c4d;

// pcapng block types (§4.1-§4.7, §10.1) and the SHB byte-order magic (§4.1).
inline constexpr std::uint32_t kBlockSectionHeader = 0x0a0d0d0a;
inline constexpr std::uint32_t kBlockInterfaceDescription = 0x00000001;
inline constexpr std::uint32_t kBlockSimplePacket = 0x00000003;
inline constexpr std::uint32_t kBlockNameResolution = 0x00000004;
inline constexpr std::uint32_t kBlockInterfaceStatistics = 0x00000005;
inline constexpr std::uint32_t kBlockEnhancedPacket = 0x00000006;
inline constexpr std::uint32_t kBlockDecryptionSecrets = 0x0000000a;
inline constexpr std::uint32_t kByteOrderMagic = 0x1a2b3c4d;

// Options (§3.5): common ones and the IDB/EPB ones we use.
inline constexpr std::uint16_t kOptEndOfOpt = 0;
inline constexpr std::uint16_t kOptComment = 1;
inline constexpr std::uint16_t kShbHardware = 2;
inline constexpr std::uint16_t kShbOs = 3;
inline constexpr std::uint16_t kShbUserAppl = 4;
inline constexpr std::uint16_t kIfName = 2;
inline constexpr std::uint16_t kIfTsresol = 9;
// Interface Statistics Block options (§4.6).
inline constexpr std::uint16_t kIsbStartTime = 2;
inline constexpr std::uint16_t kIsbEndTime = 3;
inline constexpr std::uint16_t kIsbIfRecv = 4;
inline constexpr std::uint16_t kIsbIfDrop = 5;
inline constexpr std::uint16_t kIsbOsDrop = 7;

// Decryption Secrets Block secrets types (§4.7).
inline constexpr std::uint32_t kSecretsTlsKeyLog = 0x544c534b;  // NSS key log format
inline constexpr std::uint32_t kSecretsWireGuard = 0x57474b4c;

// Link types (https://www.tcpdump.org/linktypes.html) the dissector knows.
enum class LinkType : std::uint16_t {
    kNull = 0,
    kEthernet = 1,
    kRaw = 101,  // raw IPv4 or IPv6, by the version nibble
    kLinuxSll = 113,
    kIpv4 = 228,
    kIpv6 = 229,
    kLinuxSll2 = 276,
};

// Upper bounds the reader enforces before it trusts a length field: a block or a
// packet beyond them is a corrupt file, not a reason to allocate gigabytes.
inline constexpr std::uint32_t kMaxBlockSize = 16U * 1024U * 1024U;
inline constexpr std::uint32_t kMaxPacketSize = 256U * 1024U;

}  // namespace hnbsec::pcap
