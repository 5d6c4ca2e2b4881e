#pragma once
// One CWMP session as a CPE starts it (TR-069): TCP to the ACS URL's host, TLS with the
// device certificate (key on the token, via libp11), validation of the H(e)MS certificate
// (chain to the trust anchors, validity, the URL's host in a SAN dNSName or iPAddress),
// then POST Inform (event "1 BOOT") -> InformResponse, POST empty -> 204 (session end).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <openssl/evp.h>

#include "core/result.h"

namespace hnbsec::emulator {

struct CwmpDeviceId {
    std::string manufacturer = "hnbsec";
    std::string oui;  // first 6 hex digits of the EUI
    std::string product_class = "emulated-HeNB";
    std::string serial_number;  // the EUI
};

struct InformRequest {
    std::string url;  // https://host:port/path (http:// only with plain_http)
    std::optional<std::string> bind_address;
    std::optional<std::string> bind_device;
    EVP_PKEY* key = nullptr;                       // borrowed
    std::vector<std::vector<std::uint8_t>> chain;  // DER, device certificate first
    std::string trust_anchors_pem;                 // path of a PEM bundle
    CwmpDeviceId device_id;
    std::chrono::milliseconds timeout{10000};
    // Bends for the defects (all false/true = conformant).
    bool plain_http = false;       // cwmp-plain-http: no TLS at all
    bool offer_tls10 = false;      // accept-tls10: TLS 1.0 .. 1.3
    bool verify_chain = true;      // accept-untrusted-hems-cert clears it
    bool verify_hostname = true;   // skip-hems-hostname-check clears it
    bool send_client_cert = true;  // no-tls-client-cert clears it
};

struct InformResult {
    std::string tls_version;  // "TLSv1.3", or "none" in plain HTTP
    std::string cipher;
    std::string peer_subject;
    int inform_status = 0;         // HTTP status of the Inform POST
    bool inform_response = false;  // the body was a cwmp:InformResponse
    int close_status = 0;          // HTTP status of the empty POST (204 ends the session)
};

Result<InformResult> send_inform(const InformRequest& request);

}  // namespace hnbsec::emulator
