#pragma once
// Internal to the codec. The wire layout of every payload body and substructure,
// declared once and run in both directions (see layout_io.h for the vocabulary).
// `Io` is LayoutDecoder or LayoutEncoder; `T` is the struct, const when encoding.
// The generic payload header (RFC 7296 §3.2) is handled by the payload chain, not here.
// Adding a payload: a struct in payloads.h, a layout here, a row in payload_rules.cpp.

#include <type_traits>
#include <variant>

#include "proto/ike/layout_io.h"
#include "proto/ike/payloads.h"

namespace hnbsec::ike::detail {

// Shorthand so layouts read like the RFC diagrams.
constexpr auto kStructure = LengthCovers::kStructure;
constexpr auto kValue = LengthCovers::kValue;

// RFC 7296 §3.3.5: |A|Attribute Type|, then AF=1: the value itself; AF=0: length, value.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, TransformAttribute> Status layout(Io& io, T& a) {
    bool tv = std::holds_alternative<std::uint16_t>(a.value);
    HNBSEC_CHECK(io.flag_and_type(tv, a.type, "Attribute Type"));
    if constexpr (Io::kDecoding) {
        if (tv) {
            a.value = std::uint16_t{0};
        } else {
            a.value = Bytes{};
        }
    }
    if (tv) return io.uint(std::get<std::uint16_t>(a.value), 2, "Attribute Value");
    return io.length(2, kValue, "Attribute Length",
                     [&](auto& in) { return in.rest(std::get<Bytes>(a.value), "Attribute Value"); });
}

// RFC 7296 §3.3.2.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, Transform> Status layout(Io& io, T& t) {
    HNBSEC_CHECK(io.last_substruc(3, "Last Substruc"));
    HNBSEC_CHECK(io.reserved(t.reserved1, 1, "RESERVED"));
    return io.length(2, kStructure, "Transform Length", [&](auto& in) -> Status {
        HNBSEC_CHECK(in.uint(t.type, 1, "Transform Type"));
        HNBSEC_CHECK(in.reserved(t.reserved2, 1, "RESERVED"));
        HNBSEC_CHECK(in.uint(t.id, 2, "Transform ID"));
        return in.each_until_end(t.attributes, "attribute", [](auto& e, auto& a) { return layout(e, a); });
    });
}

// RFC 7296 §3.3.1.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, Proposal> Status layout(Io& io, T& p) {
    HNBSEC_CHECK(io.last_substruc(2, "Last Substruc"));
    HNBSEC_CHECK(io.reserved(p.reserved, 1, "RESERVED"));
    return io.length(2, kStructure, "Proposal Length", [&](auto& in) -> Status {
        HNBSEC_CHECK(in.uint(p.number, 1, "Proposal Num"));
        HNBSEC_CHECK(in.uint(p.protocol, 1, "Protocol ID"));
        HNBSEC_CHECK(in.count(p.spi, 1, "SPI Size", 1));
        HNBSEC_CHECK(in.count(p.transforms, 1, "Num Transforms", 8));
        HNBSEC_CHECK(in.fill(p.spi, "SPI"));
        return in.each(p.transforms, "transform", [](auto& e, auto& t) { return layout(e, t); });
    });
}

// RFC 7296 §3.3.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, Sa> Status layout(Io& io, T& sa) {
    return io.each_until_end(sa.proposals, "proposal", [](auto& e, auto& p) { return layout(e, p); });
}

// RFC 7296 §3.4.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, Ke> Status layout(Io& io, T& ke) {
    HNBSEC_CHECK(io.uint(ke.dh_group, 2, "Diffie-Hellman Group Num"));
    HNBSEC_CHECK(io.reserved(ke.reserved, 2, "RESERVED"));
    return io.rest(ke.data, "Key Exchange Data");
}

// RFC 7296 §3.5.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, Id> Status layout(Io& io, T& id) {
    HNBSEC_CHECK(io.uint(id.type, 1, "ID Type"));
    HNBSEC_CHECK(io.reserved(id.reserved, 3, "RESERVED"));
    return io.rest(id.data, "Identification Data");
}

// RFC 7296 §3.6.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, Cert> Status layout(Io& io, T& cert) {
    HNBSEC_CHECK(io.uint(cert.encoding, 1, "Cert Encoding"));
    return io.rest(cert.data, "Certificate Data");
}

// RFC 7296 §3.7.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, CertReq> Status layout(Io& io, T& req) {
    HNBSEC_CHECK(io.uint(req.encoding, 1, "Cert Encoding"));
    return io.rest(req.data, "Certification Authority");
}

// RFC 7296 §3.8.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, Auth> Status layout(Io& io, T& auth) {
    HNBSEC_CHECK(io.uint(auth.method, 1, "Auth Method"));
    HNBSEC_CHECK(io.reserved(auth.reserved, 3, "RESERVED"));
    return io.rest(auth.data, "Authentication Data");
}

// RFC 7296 §3.9.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, Nonce> Status layout(Io& io, T& nonce) {
    return io.rest(nonce.data, "Nonce Data");
}

// RFC 7296 §3.10.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, Notify> Status layout(Io& io, T& n) {
    HNBSEC_CHECK(io.uint(n.protocol, 1, "Protocol ID"));
    HNBSEC_CHECK(io.count(n.spi, 1, "SPI Size", 1));
    HNBSEC_CHECK(io.uint(n.type, 2, "Notify Message Type"));
    HNBSEC_CHECK(io.fill(n.spi, "SPI"));
    return io.rest(n.data, "Notification Data");
}

// RFC 7296 §3.11. The SPIs are Num of SPIs times SPI Size octets, nothing after.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, Delete> Status layout(Io& io, T& d) {
    HNBSEC_CHECK(io.uint(d.protocol, 1, "Protocol ID"));
    HNBSEC_CHECK(io.uint(d.spi_size, 1, "SPI Size"));
    HNBSEC_CHECK(io.count(d.spis, 2, "Num of SPIs", d.spi_size));
    return io.each(d.spis, "SPI", [&](auto& e, auto& spi) { return e.fixed_bytes(spi, d.spi_size, "SPI"); });
}

// RFC 7296 §3.12.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, VendorId> Status layout(Io& io, T& v) {
    return io.rest(v.data, "Vendor ID");
}

// Octets per address for the TS types whose size is fixed, 0 for others.
constexpr std::size_t ts_address_size(TsType type) {
    switch (type) {
        case TsType::kIpv4AddrRange:
            return 4;
        case TsType::kIpv6AddrRange:
            return 16;
    }
    return 0;
}

// RFC 7296 §3.13.1.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, TrafficSelector> Status layout(Io& io, T& s) {
    HNBSEC_CHECK(io.uint(s.type, 1, "TS Type"));
    HNBSEC_CHECK(io.uint(s.ip_protocol, 1, "IP Protocol ID"));
    return io.length(2, kStructure, "Selector Length", [&](auto& in) -> Status {
        HNBSEC_CHECK(in.uint(s.start_port, 2, "Start Port"));
        HNBSEC_CHECK(in.uint(s.end_port, 2, "End Port"));
        std::size_t size = ts_address_size(s.type);
        if (size == 0) {
            // Unknown type: two addresses of equal size fill the rest (RFC 4595's
            // TS_FC_ADDR_RANGE, for one, has this shape).
            if constexpr (std::remove_reference_t<decltype(in)>::kDecoding) {
                size = in.remaining() / 2;
            } else {
                size = s.start_address.size();
            }
        }
        HNBSEC_CHECK(in.fixed_bytes(s.start_address, size, "Starting Address"));
        return in.fixed_bytes(s.end_address, size, "Ending Address");
    });
}

// RFC 7296 §3.13.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, Ts> Status layout(Io& io, T& ts) {
    HNBSEC_CHECK(io.count(ts.selectors, 1, "Number of TSs", 8));
    HNBSEC_CHECK(io.reserved(ts.reserved, 3, "RESERVED"));
    return io.each(ts.selectors, "selector", [](auto& e, auto& s) { return layout(e, s); });
}

// RFC 7296 §3.14: the Next Payload of the generic header is Sk::first_inner.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, Sk> Status layout(Io& io, T& sk) {
    return io.rest(sk.encrypted, "Encrypted and Authenticated Data");
}

// RFC 7383 §2.5.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, Skf> Status layout(Io& io, T& skf) {
    HNBSEC_CHECK(io.uint(skf.fragment_number, 2, "Fragment Number"));
    HNBSEC_CHECK(io.uint(skf.total_fragments, 2, "Total Fragments"));
    return io.rest(skf.encrypted, "Encrypted Data");
}

// RFC 7296 §3.15.1: |R|Attribute Type|Length|Value|.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, CpAttribute> Status layout(Io& io, T& a) {
    bool r = a.reserved;
    HNBSEC_CHECK(io.flag_and_type(r, a.type, "Attribute Type"));
    if constexpr (Io::kDecoding) a.reserved = r;
    return io.length(2, kValue, "Length", [&](auto& in) { return in.rest(a.value, "Value"); });
}

// RFC 7296 §3.15.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, Cp> Status layout(Io& io, T& cp) {
    HNBSEC_CHECK(io.uint(cp.type, 1, "CFG Type"));
    HNBSEC_CHECK(io.reserved(cp.reserved, 3, "RESERVED"));
    return io.each_until_end(cp.attributes, "attribute", [](auto& e, auto& a) { return layout(e, a); });
}

// RFC 7296 §3.16.
template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, Eap> Status layout(Io& io, T& eap) {
    return io.rest(eap.packet, "EAP Message");
}

template <typename Io, typename T>
requires std::is_same_v<std::remove_const_t<T>, Unknown> Status layout(Io& io, T& unknown) {
    return io.rest(unknown.body, "Payload Data");
}

}  // namespace hnbsec::ike::detail
