#include "harness/roles/segw/device_ocsp_check.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness/profile/url.h"
#include "proto/http/response_parser.h"
#include "proto/http/serialize.h"
#include "proto/ossl/certificate.h"
#include "proto/ossl/chain_verify.h"
#include "proto/ossl/errors.h"
#include "proto/ossl/ocsp_verify.h"

namespace hnbsec::segw {
namespace {

using Clock = std::chrono::steady_clock;

template <auto FreeFn>
using Free = ossl::Free<FreeFn>;
struct StringStackFree {
    void operator()(STACK_OF(OPENSSL_STRING) * s) const { X509_email_free(s); }
};

// Closes the connector's descriptor on every path.
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

int remaining_ms(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(left);
}

// Waits for `events` on fd until the deadline; false on timeout or error.
bool wait_for(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, remaining_ms(deadline));
        if (n > 0) return true;
        if (n == 0) return false;
        if (errno != EINTR) return false;
    }
}

std::string serial_of(X509* cert) {
    ossl::BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
    if (!bn) return "?";
    ossl::OsslString hex(BN_bn2hex(bn.get()));
    return hex ? std::string(hex.get()) : std::string("?");
}

// The first id-ad-ocsp URI of the certificate's AuthorityInfoAccess (RFC 5280 §4.2.2.1).
std::optional<std::string> aia_ocsp_url(X509* cert) {
    std::unique_ptr<STACK_OF(OPENSSL_STRING), StringStackFree> urls(X509_get1_ocsp(cert));
    if (!urls || sk_OPENSSL_STRING_num(urls.get()) == 0) return std::nullopt;
    return std::string(sk_OPENSSL_STRING_value(urls.get(), 0));
}

std::string cache_key(X509* issuer, const std::string& serial) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int length = 0;
    X509_digest(issuer, EVP_sha1(), md.data(), &length);
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string key;
    for (unsigned int i = 0; i < length; ++i) {
        key += kHex[md[i] >> 4];
        key += kHex[md[i] & 0xf];
    }
    return key + "/" + serial;
}

std::string host_header(const profile::Url& url) {
    const bool ipv6 = url.host.find(':') != std::string::npos;
    std::string host = ipv6 ? "[" + url.host + "]" : url.host;
    if (url.port != 80) host += ":" + std::to_string(url.port);
    return host;
}

Status send_all(int fd, const std::string& bytes, Clock::time_point deadline) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        if (!wait_for(fd, POLLOUT, deadline)) return Error("timed out sending the request");
        const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;
            return Error(std::string("sending the request failed: ") + std::strerror(errno));
        }
        sent += static_cast<std::size_t>(n);
    }
    return Ok{};
}

// One HTTP/1.1 exchange on a fresh connection ("Connection: close"), bounded by the deadline.
Result<http::Response> exchange(int fd, const http::Request& request, std::size_t max_body,
                                Clock::time_point deadline) {
    HNBSEC_CHECK(send_all(fd, http::serialize(request), deadline));
    http::Limits limits;
    limits.max_body_bytes = max_body;
    http::ResponseParser parser(limits);
    parser.set_request_method(request.method);
    std::array<std::uint8_t, 4096> buffer{};
    for (;;) {
        if (!wait_for(fd, POLLIN, deadline)) return Error("timed out waiting for the HTTP response");
        const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;
            return Error(std::string("reading the response failed: ") + std::strerror(errno));
        }
        const auto state =
            n == 0 ? parser.finish()
                   : parser.feed(std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(n)));
        if (state == http::ResponseParser::State::kError) {
            return Error(n == 0 && parser.buffered() == 0
                             ? "the responder closed the connection without an answer"
                             : "bad HTTP response: " + parser.error());
        }
        if (state == http::ResponseParser::State::kComplete) {
            http::Response response = parser.take();
            if (response.status >= 100 && response.status < 200 && n != 0)
                continue;  // interim (RFC 9110 §15.2)
            return response;
        }
        if (n == 0) return Error("the responder closed the connection mid-response");
    }
}

}  // namespace

struct DeviceOcspChecker::Store {
    ossl::X509StorePtr store;
};

std::string_view to_string(OcspStatus status) {
    switch (status) {
        case OcspStatus::kGood:
            return "good";
        case OcspStatus::kRevoked:
            return "revoked";
        case OcspStatus::kUnknown:
            return "unknown";
        case OcspStatus::kFailed:
            return "no answer";
    }
    return "?";
}

std::string to_string(const OcspOutcome& outcome) {
    std::string text = "OCSP " + std::string(to_string(outcome.status)) + " for '" + outcome.subject +
                       "' serial " + outcome.serial;
    if (!outcome.url.empty()) text += " from " + outcome.url;
    if (!outcome.detail.empty()) text += ": " + outcome.detail;
    if (outcome.cached) text += " (cached)";
    return text;
}

Result<int> connect_tcp(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    // IP literals only: getaddrinfo's DNS lookups are not bounded by `timeout` (resolver
    // retries), and the SeGW's event loop waits for this call.
    hints.ai_flags = AI_NUMERICSERV | AI_NUMERICHOST;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0)
        return Error("'" + host + "' is not an IP address (" + ::gai_strerror(rc) +
                     "); the OCSP client resolves no names, give the responder URL with an IP literal");
    std::unique_ptr<addrinfo, Free<::freeaddrinfo>> addresses(found);
    std::string why = "no address";
    for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            why = std::string("socket: ") + std::strerror(errno);
            continue;
        }
        if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) return fd;
        if (errno != EINPROGRESS) {
            why = std::strerror(errno);
            ::close(fd);
            continue;
        }
        if (!wait_for(fd, POLLOUT, deadline)) {
            ::close(fd);
            return Error("connecting to " + host + ":" + service + " timed out after " +
                         std::to_string(timeout.count()) + " ms");
        }
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error == 0) return fd;
        why = std::strerror(error);
        ::close(fd);
    }
    return Error("cannot connect to " + host + ":" + service + ": " + why);
}

DeviceOcspChecker::DeviceOcspChecker(OcspClientOptions options)
    : options_(std::move(options)), store_(std::make_unique<Store>()) {}
DeviceOcspChecker::~DeviceOcspChecker() = default;

Result<std::shared_ptr<DeviceOcspChecker>> DeviceOcspChecker::create(OcspClientOptions options) {
    if (options.trust_anchors.empty()) return Error("the OCSP check needs the device trust anchors");
    if (options.url) {
        HNBSEC_TRY(profile::Url url, profile::parse_url(*options.url));
        if (url.https) return Error("OCSP over https is not supported (" + *options.url + "); use http");
    }
    if (!options.connector) options.connector = connect_tcp;
    std::shared_ptr<DeviceOcspChecker> checker(new DeviceOcspChecker(std::move(options)));
    HNBSEC_TRY(checker->store_->store,
               ossl::trust_store(checker->options_.trust_anchors, "OCSP trust anchor"));
    return checker;
}

void DeviceOcspChecker::set_observer(std::function<void(const OcspOutcome&)> observer) {
    std::lock_guard lock(mutex_);
    observer_ = std::move(observer);
}

std::size_t DeviceOcspChecker::cache_size() const {
    std::lock_guard lock(mutex_);
    return good_until_.size();
}

OcspOutcome DeviceOcspChecker::check(X509* cert, X509* issuer) {
    OcspOutcome outcome;
    outcome.subject = ossl::subject_of(cert);
    outcome.serial = serial_of(cert);
    const std::string key = cache_key(issuer, outcome.serial);
    // The configured URL wins: the operator knows which responder is reachable from the
    // SeGW; the AIA is what the device's CA advertises (RFC 5280 §4.2.2.1).
    const std::optional<std::string> url = options_.url ? options_.url : aia_ocsp_url(cert);
    outcome.url = url.value_or("");

    std::function<void(const OcspOutcome&)> observer;
    bool hit = false;
    {
        std::lock_guard lock(mutex_);
        observer = observer_;
        if (auto it = good_until_.find(key); it != good_until_.end()) {
            if (Clock::now() < it->second)
                hit = true;
            else
                good_until_.erase(it);
        }
    }
    if (hit) {
        outcome.status = OcspStatus::kGood;
        outcome.cached = true;
    } else if (!url) {
        outcome.detail =
            "no OCSP responder: the certificate has no AIA id-ad-ocsp URI and none is configured";
    } else {
        std::chrono::system_clock::time_point next_update{};
        OcspOutcome answered = query(cert, issuer, *url, &next_update);
        answered.subject = outcome.subject;
        answered.serial = outcome.serial;
        answered.url = outcome.url;
        outcome = std::move(answered);
        if (outcome.status == OcspStatus::kGood) {
            // Until nextUpdate, never longer than cache_for (a revocation shows within it).
            auto until = Clock::now() + options_.cache_for;
            if (next_update != std::chrono::system_clock::time_point{}) {
                const auto left = next_update - std::chrono::system_clock::now();
                until = std::min(until, Clock::now() + std::chrono::duration_cast<Clock::duration>(left));
            }
            std::lock_guard lock(mutex_);
            if (good_until_.size() >= 4096) good_until_.clear();  // bounded; a miss costs a query
            good_until_[key] = until;
        }
    }
    if (observer) observer(outcome);
    return outcome;
}

OcspOutcome DeviceOcspChecker::query(X509* cert, X509* issuer, const std::string& url_text,
                                     std::chrono::system_clock::time_point* good_until) {
    OcspOutcome outcome;
    auto fail = [&](const std::string& why) {
        outcome.status = OcspStatus::kFailed;
        outcome.detail = why;
        return outcome;
    };
    auto parsed_url = profile::parse_url(url_text);
    if (!parsed_url.ok()) return fail("bad OCSP URL '" + url_text + "': " + parsed_url.error().message());
    const profile::Url& url = *parsed_url;
    if (url.https) return fail("OCSP over https is not supported (" + url_text + ")");

    // RFC 6960 §4.1.1: CertID with SHA-1, the hash every responder supports; a nonce.
    ossl::OcspRequestPtr request(OCSP_REQUEST_new());
    ossl::OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), cert, issuer));
    if (!request || !id) return fail("cannot build the CertID: " + ossl::errors());
    if (OCSP_request_add0_id(request.get(), OCSP_CERTID_dup(id.get())) == nullptr ||
        OCSP_request_add1_nonce(request.get(), nullptr, -1) != 1)
        return fail("cannot build the OCSP request: " + ossl::errors());
    unsigned char* der = nullptr;
    const int der_length = i2d_OCSP_REQUEST(request.get(), &der);
    if (der_length <= 0) return fail("cannot encode the OCSP request");
    http::Request post;
    post.method = "POST";
    post.target = url.path.empty() ? "/" : url.path;
    post.version = "HTTP/1.1";
    post.headers = {{"Host", host_header(url)},
                    {"Content-Type", "application/ocsp-request"},
                    {"Accept", "application/ocsp-response"},
                    {"Connection", "close"}};
    post.body.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(der_length));
    OPENSSL_free(der);

    const auto deadline = Clock::now() + options_.timeout;
    auto connected = options_.connector(url.host, url.port, options_.timeout);
    if (!connected.ok()) return fail("responder unreachable: " + connected.error().message());
    Fd fd(*connected);
    auto response = exchange(fd.get(), post, options_.max_response_bytes, deadline);
    if (!response.ok()) return fail(response.error().message());
    if (response->status != 200)
        return fail("the responder answered HTTP " + std::to_string(response->status));

    ossl::OcspCheck check;
    check.certificate = cert;
    check.issuer = issuer;
    check.trust = store_->store.get();
    check.request = request.get();
    check.now = std::time(nullptr);
    check.tolerance_seconds = static_cast<long>(options_.max_skew.count());
    const auto body =
        std::span(reinterpret_cast<const std::uint8_t*>(response->body.data()), response->body.size());
    auto answer = ossl::check_ocsp_response(body, check);
    if (!answer.ok()) return fail("the OCSP response is refused: " + answer.error().message());
    switch (answer->status) {
        case ossl::CertStatus::kGood:
            outcome.status = OcspStatus::kGood;
            if (answer->next_update)
                *good_until = std::chrono::system_clock::from_time_t(*answer->next_update);
            break;
        case ossl::CertStatus::kRevoked:
            outcome.status = OcspStatus::kRevoked;
            outcome.detail = "reason " + answer->reason;
            break;
        case ossl::CertStatus::kUnknown:
            outcome.status = OcspStatus::kUnknown;
            outcome.detail = "the responder does not know the certificate";
            break;
    }
    return outcome;
}

}  // namespace hnbsec::segw
