#pragma once
// The CRL distribution point of the test PKI (RFC 5280 §4.2.1.13): serves each CA's CRL
// as DER (application/pkix-crl, RFC 2585 §4.2) at <path>/<ca>.crl, the URL
// `hnbsec pki init` writes into the certificates. A runtime knob makes the same URL
// serve the expired, not-yet-valid or badly signed CRL the PKI holds for that CA, so a
// test case sees whether the device notices. Each broken CRL is also reachable under
// its own name. Thread-safe; one event per request.

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "fixtures/pki/manifest.h"
#include "harness/roles/http_server/http_server.h"
#include "proto/http/message.h"

namespace hnbsec::crl {

enum class CrlVariant { kCurrent, kExpired, kNotYetValid, kBadSignature };

std::string_view variant_name(CrlVariant variant);  // current | expired | not-yet-valid | bad-signature
Result<CrlVariant> parse_variant(std::string_view text);

struct CrlEvent {
    http_server::Peer peer;
    std::string target;
    std::string served;  // manifest name of the CRL sent ("operator-ca-expired.crl"), empty if none
    int http_status = 0;
};

std::string to_string(const CrlEvent& event);

class CrlServer {
public:
    using Sink = std::function<void(const CrlEvent&)>;

    // `path` is the CRL base path ("/crl", the path of pixit.crl_url).
    static Result<std::unique_ptr<CrlServer>> create(const pki::Manifest& manifest, std::string path,
                                                     Sink sink = nullptr);

    bool matches(const http::Request& request) const;
    http_server::Reply handle(const http::Request& request, const http_server::Peer& peer);

    void set_variant(CrlVariant variant) { variant_.store(variant); }
    CrlVariant variant() const { return variant_.load(); }
    // The file names served ("operator-ca.crl", ...).
    std::vector<std::string> files() const;

private:
    struct Served {
        std::string name;  // manifest name
        std::string der;
    };
    CrlServer(std::string path, Sink sink) : path_(std::move(path)), sink_(std::move(sink)) {}

    std::string path_;
    Sink sink_;
    std::atomic<CrlVariant> variant_{CrlVariant::kCurrent};
    std::map<std::string, Served> by_file_;  // "<stem>.crl" -> CRL
    // "<ca>.crl" -> its broken twins by variant
    std::map<std::string, std::map<CrlVariant, std::string>> twins_;
};

}  // namespace hnbsec::crl
