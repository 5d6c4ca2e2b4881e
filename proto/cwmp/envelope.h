#pragma once
// A CWMP SOAP envelope (TR-069 §3.5): the cwmp:ID header and exactly one RPC in the Body.
// Decoding and encoding are separate total functions; decoding never throws and names the
// element that was missing or wrong.

#include <string>
#include <string_view>

#include "core/result.h"
#include "proto/cwmp/messages.h"

namespace hnbsec::cwmp {

// The minor version of the "urn:dslforum-org:cwmp-1-N" namespace, 0..4 accepted.
inline constexpr int kMinNamespaceMinor = 0;
inline constexpr int kMaxNamespaceMinor = 4;

inline constexpr std::string_view kSoapEnvelopeNs = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr std::string_view kSoapEncodingNs = "http://schemas.xmlsoap.org/soap/encoding/";

struct Envelope {
    std::string id;      // cwmp:ID header (TR-069 §3.5.1); empty when absent
    int cwmp_minor = 0;  // namespace urn:dslforum-org:cwmp-1-<minor>
    bool hold_requests = false;
    Rpc rpc;
    bool operator==(const Envelope&) const = default;
};

// Inputs larger than this are refused before parsing (an Inform is a few kB).
inline constexpr std::size_t kMaxEnvelopeBytes = 1U << 20U;

Result<Envelope> decode_envelope(std::string_view xml);
std::string encode_envelope(const Envelope& envelope);

// "urn:dslforum-org:cwmp-1-<minor>"
std::string cwmp_namespace(int minor);

}  // namespace hnbsec::cwmp
