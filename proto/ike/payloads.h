#pragma once
// IKEv2 payloads as plain value types, one struct per payload body (RFC 7296 §3.3 to
// §3.16, RFC 7383 §2.5 for SKF). What the encoder derives is not stored: payload and
// substructure lengths, the Next Payload chain, "Last Substruc", SPI sizes and element
// counts come from the data (Delete keeps its SPI Size: with no SPIs there is nothing
// to derive it from). Everything else is kept exactly as seen, RESERVED fields
// included, so a decoded message re-encodes to the same bytes and a test can see a
// peer that sets reserved bits. The wire layout of each struct is declared once, in
// payload_layouts.h.

#include <cstdint>
#include <utility>
#include <variant>
#include <vector>

#include "proto/ike/constants.h"

namespace hnbsec::ike {

using Bytes = std::vector<std::uint8_t>;

// RFC 7296 §3.3.5. The AF bit picks the format: TV carries a 16-bit value in place of
// the length, TLV a length-prefixed byte string.
struct TransformAttribute {
    TransformAttributeType type = TransformAttributeType::kKeyLength;
    std::variant<std::uint16_t, Bytes> value;

    bool operator==(const TransformAttribute&) const = default;
};

// RFC 7296 §3.3.2. `id` is the Transform ID of `type`'s registry (transform_ids.h).
struct Transform {
    TransformType type = TransformType::kEncr;
    std::uint16_t id = 0;
    std::vector<TransformAttribute> attributes;
    std::uint8_t reserved1 = 0;  // octet after Last Substruc
    std::uint8_t reserved2 = 0;  // octet after Transform Type

    bool operator==(const Transform&) const = default;
};

// RFC 7296 §3.3.1.
struct Proposal {
    std::uint8_t number = 1;
    ProtocolId protocol = ProtocolId::kIke;
    Bytes spi;  // empty in an initial IKE_SA_INIT; 4 octets for AH/ESP, 8 for IKE rekey
    std::vector<Transform> transforms;
    std::uint8_t reserved = 0;  // octet after Last Substruc

    bool operator==(const Proposal&) const = default;
};

// RFC 7296 §3.3.
struct Sa {
    std::vector<Proposal> proposals;

    bool operator==(const Sa&) const = default;
};

// RFC 7296 §3.4.
struct Ke {
    std::uint16_t dh_group = 0;  // a DH Transform ID
    Bytes data;
    std::uint16_t reserved = 0;

    bool operator==(const Ke&) const = default;
};

// RFC 7296 §3.5, for IDi and IDr alike.
struct Id {
    IdType type = IdType::kFqdn;
    Bytes data;
    std::uint32_t reserved = 0;  // 24 bits

    bool operator==(const Id&) const = default;
};

// RFC 7296 §3.6.
struct Cert {
    CertEncoding encoding = CertEncoding::kX509Signature;
    Bytes data;

    bool operator==(const Cert&) const = default;
};

// RFC 7296 §3.7. For encoding 4 the data is a concatenation of 20-octet SHA-1 hashes
// of trusted CAs' public keys; for OCSP Content (RFC 4806 §3.1) the OCSP responders' hashes.
struct CertReq {
    CertEncoding encoding = CertEncoding::kX509Signature;
    Bytes data;

    bool operator==(const CertReq&) const = default;
};

// RFC 7296 §3.8.
struct Auth {
    AuthMethod method = AuthMethod::kRsaSignature;
    Bytes data;
    std::uint32_t reserved = 0;  // 24 bits

    bool operator==(const Auth&) const = default;
};

// RFC 7296 §3.9. The 16-256 octet bound is a protocol rule, checked by the roles.
struct Nonce {
    Bytes data;

    bool operator==(const Nonce&) const = default;
};

// RFC 7296 §3.10. The SPI Size on the wire is spi.size().
struct Notify {
    ProtocolId protocol = static_cast<ProtocolId>(0);  // zero when there is no SPI
    Bytes spi;
    NotifyType type = NotifyType::kInvalidSyntax;
    Bytes data;

    bool operator==(const Notify&) const = default;
};

// RFC 7296 §3.11. Every SPI must be spi_size octets long.
struct Delete {
    ProtocolId protocol = ProtocolId::kIke;
    std::uint8_t spi_size = 0;
    std::vector<Bytes> spis;

    bool operator==(const Delete&) const = default;
};

// RFC 7296 §3.12.
struct VendorId {
    Bytes data;

    bool operator==(const VendorId&) const = default;
};

// RFC 7296 §3.13.1. Addresses are 4 octets for TS_IPV4_ADDR_RANGE and 16 for
// TS_IPV6_ADDR_RANGE; for other types both halves of the rest, as seen.
struct TrafficSelector {
    TsType type = TsType::kIpv4AddrRange;
    std::uint8_t ip_protocol = 0;  // 0 = any
    std::uint16_t start_port = 0;
    std::uint16_t end_port = 65535;
    Bytes start_address;
    Bytes end_address;

    bool operator==(const TrafficSelector&) const = default;
};

// RFC 7296 §3.13, for TSi and TSr alike.
struct Ts {
    std::vector<TrafficSelector> selectors;
    std::uint32_t reserved = 0;  // 24 bits

    bool operator==(const Ts&) const = default;
};

// RFC 7296 §3.14. `encrypted` is everything after the generic header, as sent:
// IV, ciphertext (inner payloads, padding, Pad Length) and ICV; splitting and
// decrypting it needs the negotiated algorithms and keys. The generic header's Next
// Payload names the first inner payload, kept here.
struct Sk {
    PayloadType first_inner = PayloadType::kNoNextPayload;
    Bytes encrypted;

    bool operator==(const Sk&) const = default;
};

// RFC 7383 §2.5. `first_inner` is non-zero only in fragment 1.
struct Skf {
    std::uint16_t fragment_number = 1;
    std::uint16_t total_fragments = 1;
    PayloadType first_inner = PayloadType::kNoNextPayload;
    Bytes encrypted;

    bool operator==(const Skf&) const = default;
};

// RFC 7296 §3.15.1.
struct CpAttribute {
    CpAttributeType type = CpAttributeType::kInternalIp4Address;
    Bytes value;            // empty in a CFG_REQUEST that asks for any value
    bool reserved = false;  // the R bit before Attribute Type

    bool operator==(const CpAttribute&) const = default;
};

// RFC 7296 §3.15.
struct Cp {
    CpType type = CpType::kRequest;
    std::vector<CpAttribute> attributes;
    std::uint32_t reserved = 0;  // 24 bits

    bool operator==(const Cp&) const = default;
};

// RFC 7296 §3.16: one EAP packet (RFC 3748), decoded by the EAP layer.
struct Eap {
    Bytes packet;

    bool operator==(const Eap&) const = default;
};

// A payload whose type this codec does not know (kept when its critical bit is clear,
// RFC 7296 §2.5), or any body a test wants sent verbatim under any payload type.
struct Unknown {
    Bytes body;

    bool operator==(const Unknown&) const = default;
};

using PayloadBody = std::variant<Unknown, Sa, Ke, Id, Cert, CertReq, Auth, Nonce, Notify, Delete, VendorId,
                                 Ts, Sk, Skf, Cp, Eap>;

// One payload: the generic payload header (RFC 7296 §3.2) and the body. `type` is what
// the previous Next Payload field says; IDi/IDr share Id, TSi/TSr share Ts.
struct Payload {
    PayloadType type = PayloadType::kNoNextPayload;
    bool critical = false;
    std::uint8_t reserved = 0;  // the 7 bits after the critical bit, as seen
    PayloadBody body;

    template <typename Body>
    const Body* as() const {
        return std::get_if<Body>(&body);
    }
    template <typename Body>
    Body* as() {
        return std::get_if<Body>(&body);
    }

    bool operator==(const Payload&) const = default;
};

// A payload with a clear critical bit and zero reserved bits.
template <typename Body>
Payload make_payload(PayloadType type, Body body) {
    return Payload{type, false, 0, PayloadBody(std::move(body))};
}

}  // namespace hnbsec::ike
