#pragma once
// What the dissector found in one packet: the layers in order and a small plain value
// per protocol it understands. Plain data, so the timeline and wire checks read fields
// instead of re-parsing bytes.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hnbsec::pcap {

enum class Layer : std::uint8_t {
    kEthernet,
    kVlan,
    kLinuxSll,
    kLinuxSll2,
    kIpv4,
    kIpv6,
    kIpFragment,  // a fragment held for reassembly (nothing above it yet)
    kIcmp,
    kIcmpv6,
    kUdp,
    kTcp,
    kIke,
    kNatKeepalive,
    kEsp,
    kNtp,
    kTls,
    kHttp,
    kOcsp,
    kCwmp,
};
std::string_view layer_name(Layer layer);  // "eth", "ipv4", "ikev2", "esp", "tls", ...

// An IPv4 or IPv6 address as on the wire.
struct Address {
    std::uint8_t version = 0;  // 4 or 6; 0 = none
    std::array<std::uint8_t, 16> bytes{};

    std::string to_string() const;
    // The same text appended to `out` (IPv4 without printf: this runs for every line of
    // `hnbsec pcap inspect`).
    void append_to(std::string& out) const;
    bool operator==(const Address&) const = default;
    auto operator<=>(const Address&) const = default;
};
// Parses "192.0.2.1" or "2001:db8::1"; nullopt otherwise.
std::optional<Address> parse_address(std::string_view text);

// How far the dissector got with an SK/SKF payload (RFC 7296 §3.14, RFC 7383 §2.5).
enum class IkeDecryption : std::uint8_t {
    kNotProtected,     // IKE_SA_INIT and other messages without SK
    kNoKey,            // no key for this SA's SPIs
    kDecrypted,        // SK decrypted, or the last fragment reassembled
    kFragmentPending,  // this SKF decrypted, waiting for the others
    kFailed,           // ICV mismatch, bad padding, inner payloads do not decode
};
std::string_view ike_decryption_name(IkeDecryption d);

struct IkeInfo {
    bool over_4500 = false;  // after the non-ESP marker (RFC 3948 §2.2)
    std::uint64_t spi_i = 0;
    std::uint64_t spi_r = 0;
    std::uint8_t exchange_type = 0;
    std::uint32_t message_id = 0;
    std::uint8_t flags = 0;
    bool response = false;
    bool initiator = false;
    std::vector<std::uint8_t> payloads;  // the outer chain's payload types
    std::uint16_t fragment_number = 0;   // SKF only
    std::uint16_t total_fragments = 0;
    IkeDecryption decryption = IkeDecryption::kNotProtected;
    std::vector<std::uint8_t> inner_payloads;  // decrypted (all fragments, when reassembled)
    std::vector<std::uint16_t> notify_types;   // outer and inner Notify payloads
    std::string error;                         // decode or decryption error
};

// ESP (RFC 4303 §2), raw (IP protocol 50) or in UDP 4500 (RFC 3948 §2.1).
enum class EspDecryption : std::uint8_t { kNoKey, kNoDecryptor, kDecrypted, kFailed };
std::string_view esp_decryption_name(EspDecryption d);

struct EspInfo {
    bool udp_encapsulated = false;
    std::uint32_t spi = 0;
    std::uint32_t sequence = 0;
    EspDecryption decryption = EspDecryption::kNoKey;
    std::uint8_t next_header = 0;  // when decrypted
    std::string error;
};

// NTP (RFC 5905 §7.3), the fields a wire check needs.
struct NtpInfo {
    std::uint8_t leap = 0;
    std::uint8_t version = 0;
    std::uint8_t mode = 0;
    std::uint8_t stratum = 0;
    std::uint64_t transmit_timestamp = 0;  // NTP era-0 seconds << 32 | fraction
};

// TLS (RFC 8446 §5.1, §4.1.2-§4.1.3; RFC 5246 for 1.2): record and handshake headers of
// every record completed by this segment.
struct TlsInfo {
    std::vector<std::uint8_t> content_types;
    std::vector<std::uint8_t> handshake_types;    // every handshake message completed, in order
    std::vector<std::uint8_t> record_handshakes;  // per record (as content_types): how many of them
    std::uint16_t record_version = 0;
    std::uint16_t hello_version = 0;                // legacy_version of a Client/ServerHello
    std::vector<std::uint16_t> supported_versions;  // extension 43
    std::vector<std::uint16_t> cipher_suites;       // ClientHello offer, or ServerHello's choice
    std::string server_name;                        // SNI (RFC 6066 §3)
};

// HTTP/1.x (RFC 9112) message heads completed by this segment, with what CWMP and OCSP
// checks need: the SOAP method (TR-069 cwmp:Inform ...) and OCSP content types (RFC 6960 App. A).
struct HttpInfo {
    bool request = false;
    std::string method;
    std::string target;
    int status = 0;
    std::string content_type;
    std::string soap_method;  // "cwmp:Inform"
    bool ocsp = false;
};

struct PacketDissection {
    std::vector<Layer> layers;
    Address source;
    Address destination;
    std::uint8_t ip_protocol = 0;
    std::uint16_t source_port = 0;
    std::uint16_t destination_port = 0;
    std::optional<IkeInfo> ike;
    std::optional<EspInfo> esp;
    std::optional<NtpInfo> ntp;
    std::optional<TlsInfo> tls;
    std::optional<HttpInfo> http;
    std::string summary;
    std::string error;  // a layer that did not decode; layers below it are still filled
    // The decrypted inner packet of ESP (an IP packet), dissected as its own record.
    std::vector<std::uint8_t> inner_packet;

    bool has(Layer layer) const {
        for (Layer l : layers) {
            if (l == layer) return true;
        }
        return false;
    }
};

}  // namespace hnbsec::pcap
