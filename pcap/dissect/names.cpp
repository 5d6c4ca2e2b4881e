#include <arpa/inet.h>

#include "pcap/dissect/dissection.h"
#include "proto/wire/dotted_quad.h"

namespace hnbsec::pcap {

std::string_view layer_name(Layer layer) {
    switch (layer) {
        case Layer::kEthernet:
            return "eth";
        case Layer::kVlan:
            return "vlan";
        case Layer::kLinuxSll:
            return "sll";
        case Layer::kLinuxSll2:
            return "sll2";
        case Layer::kIpv4:
            return "ipv4";
        case Layer::kIpv6:
            return "ipv6";
        case Layer::kIpFragment:
            return "ip-fragment";
        case Layer::kIcmp:
            return "icmp";
        case Layer::kIcmpv6:
            return "icmpv6";
        case Layer::kUdp:
            return "udp";
        case Layer::kTcp:
            return "tcp";
        case Layer::kIke:
            return "ikev2";
        case Layer::kNatKeepalive:
            return "nat-keepalive";
        case Layer::kEsp:
            return "esp";
        case Layer::kNtp:
            return "ntp";
        case Layer::kTls:
            return "tls";
        case Layer::kHttp:
            return "http";
        case Layer::kOcsp:
            return "ocsp";
        case Layer::kCwmp:
            return "cwmp";
    }
    return "unknown";
}

std::string_view ike_decryption_name(IkeDecryption d) {
    switch (d) {
        case IkeDecryption::kNotProtected:
            return "not-protected";
        case IkeDecryption::kNoKey:
            return "no-key";
        case IkeDecryption::kDecrypted:
            return "decrypted";
        case IkeDecryption::kFragmentPending:
            return "fragment-pending";
        case IkeDecryption::kFailed:
            return "failed";
    }
    return "unknown";
}

std::string_view esp_decryption_name(EspDecryption d) {
    switch (d) {
        case EspDecryption::kNoKey:
            return "no-key";
        case EspDecryption::kNoDecryptor:
            return "no-decryptor";
        case EspDecryption::kDecrypted:
            return "decrypted";
        case EspDecryption::kFailed:
            return "failed";
    }
    return "unknown";
}

std::string Address::to_string() const {
    std::string text;
    append_to(text);
    return text;
}

void Address::append_to(std::string& out) const {
    if (version == 4) {
        wire::append_dotted_quad(out, bytes.data());
        return;
    }
    char text[INET6_ADDRSTRLEN] = {};
    if (version == 6 && inet_ntop(AF_INET6, bytes.data(), text, sizeof text) != nullptr) out += text;
}

std::optional<Address> parse_address(std::string_view text) {
    const std::string s(text);
    Address a;
    if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
        a.version = 4;
        return a;
    }
    if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
        a.version = 6;
        return a;
    }
    return std::nullopt;
}

}  // namespace hnbsec::pcap
