// hnbsec-ike-initiator: our IKEv2 initiator (proto/ike/sa IkeInitiator) on real UDP sockets,
// for interop tests against an independent SeGW (strongSwan). A test driver until the
// emulated H(e)NB exists: one IKE SA with a CP request, one line per event, exit 0 once the
// CHILD SA is up (1 with the reason on failure or timeout).
//
// The device key is a PEM file (--key) or a key on a PKCS#11 token (--pkcs11-uri,
// --pkcs11-module, --pin-file; SOFTHSM2_CONF from the environment). The PIN is never on argv.
// The SeGW's chain must build to one of the --trust roots and back --remote-id as a dNSName.
// --ocsp-responder asks for the SeGW's OCSP response in IKE_AUTH (RFC 4806) and
// --ocsp-staple-out writes what came back, for an independent tool to verify.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <asio.hpp>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core/result.h"
#include "harness/roles/segw/peer_certificate_check.h"
#include "hsm/libp11_key.h"
#include "hsm/pin.h"
#include "hsm/pkcs11_module.h"
#include "hsm/pkcs11_uri.h"
#include "pcap/keys/sa_key_export.h"
#include "proto/ike/sa/initiator.h"
#include "proto/ike/sa/proposals.h"

namespace hnbsec {
namespace {

namespace fs = std::filesystem;
using Der = std::vector<std::uint8_t>;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;

struct Options {
    std::string local;
    std::string remote;
    std::string id;
    std::string remote_id;
    std::string cert;
    std::vector<std::string> chain;
    std::string key;
    std::string pkcs11_uri;
    std::string pkcs11_module = hsm::Pkcs11Module::kSoftHsmPath;
    std::string pin_file;
    std::vector<std::string> trust;
    std::vector<std::string> ike_proposals{"aes128-sha256-modp2048"};
    std::vector<std::string> esp_proposals{"aes128-sha256"};
    std::string keys_out;
    std::vector<std::string> ocsp_responders;  // PEM certificates of trusted OCSP responders
    std::string ocsp_staple_out;
    double timeout = 10;
    bool delete_at_end = false;
};

// ---- credentials ------------------------------------------------------------------------

using FilePtr = std::unique_ptr<FILE, int (*)(FILE*)>;

FilePtr open_file(const std::string& path) {
    return {std::fopen(path.c_str(), "r"), &std::fclose};
}

// Every certificate of a PEM file, as DER, in file order.
Result<std::vector<Der>> read_pem_certificates(const std::string& path) {
    FilePtr file = open_file(path);
    if (!file) return Error("cannot open " + path);
    std::vector<Der> out;
    while (X509* cert = PEM_read_X509(file.get(), nullptr, nullptr, nullptr)) {
        unsigned char* der = nullptr;
        const int length = i2d_X509(cert, &der);
        X509_free(cert);
        if (length <= 0) return Error("cannot encode a certificate of " + path);
        out.emplace_back(der, der + length);
        OPENSSL_free(der);
    }
    if (out.empty()) return Error(path + " holds no PEM certificate");
    return out;
}

Result<ike::Bytes> subject_public_key_info(const Der& certificate) {
    const unsigned char* p = certificate.data();
    std::unique_ptr<X509, void (*)(X509*)> cert(d2i_X509(nullptr, &p, static_cast<long>(certificate.size())),
                                                &X509_free);
    if (!cert) return Error("not a DER certificate");
    unsigned char* der = nullptr;
    const int length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert.get()), &der);
    if (length <= 0) return Error("cannot encode a SubjectPublicKeyInfo");
    ike::Bytes spki(der, der + length);
    OPENSSL_free(der);
    return spki;
}

// The device key: a PEM file, or a token key through libp11 (kept alive in `token_key`).
Result<ike::ossl::PkeyPtr> load_device_key(const Options& o, std::optional<hsm::Libp11Key>& token_key) {
    if (!o.key.empty()) {
        FilePtr file = open_file(o.key);
        if (!file) return Error("cannot open the key file " + o.key);
        ike::ossl::PkeyPtr key(PEM_read_PrivateKey(file.get(), nullptr, nullptr, nullptr));
        if (!key) return Error("cannot read a private key from " + o.key);
        return key;
    }
    HNBSEC_TRY(auto module, hsm::Pkcs11Module::load(o.pkcs11_module));
    HNBSEC_TRY(hsm::Pkcs11Uri uri, hsm::Pkcs11Uri::parse(o.pkcs11_uri));
    HNBSEC_TRY(hsm::Pin pin, hsm::PinSource::file(o.pin_file).read());
    HNBSEC_TRY(hsm::Libp11Key opened, hsm::Libp11Key::open(module, uri, pin));
    token_key.emplace(std::move(opened));
    EVP_PKEY* pkey = token_key->pkey();
    EVP_PKEY_up_ref(pkey);
    return ike::ossl::PkeyPtr(pkey);
}

ike::Id fqdn_id(const std::string& name) {
    return ike::Id{ike::IdType::kFqdn, ike::Bytes(name.begin(), name.end())};
}

Result<std::vector<ike::ProposalSpec>> parse_all(const std::vector<std::string>& texts,
                                                 ike::ProposalProtocol protocol) {
    std::vector<ike::ProposalSpec> specs;
    for (const auto& text : texts) {
        HNBSEC_TRY(ike::ProposalSpec spec, ike::parse_proposal(text, protocol));
        specs.push_back(std::move(spec));
    }
    return specs;
}

// RFC 4806 §3.1: CERTREQ(OCSP Content) names trusted responders by the SHA-1 of their
// public key information, as CERTREQ(X.509) names CAs (RFC 7296 §3.7).
Result<std::vector<ike::Bytes>> ocsp_responder_hashes(const std::vector<std::string>& paths) {
    std::vector<ike::Bytes> hashes;
    for (const auto& path : paths) {
        HNBSEC_TRY(std::vector<Der> certs, read_pem_certificates(path));
        HNBSEC_TRY(ike::Bytes spki, subject_public_key_info(certs.front()));
        HNBSEC_TRY(ike::Bytes hash, ike::spki_sha1(spki));
        hashes.push_back(std::move(hash));
    }
    return hashes;
}

Result<ike::IkeSaConfig> make_config(const Options& o, std::optional<hsm::Libp11Key>& token_key) {
    ike::IkeSaConfig c;
    c.local_id = fqdn_id(o.id);
    c.remote_id = fqdn_id(o.remote_id);

    HNBSEC_TRY(c.credentials.chain, read_pem_certificates(o.cert));
    c.credentials.chain.resize(1);  // the end entity; intermediates come from --chain
    for (const auto& path : o.chain) {
        HNBSEC_TRY(std::vector<Der> more, read_pem_certificates(path));
        c.credentials.chain.insert(c.credentials.chain.end(), more.begin(), more.end());
    }
    HNBSEC_TRY(ike::ossl::PkeyPtr key, load_device_key(o, token_key));
    c.credentials.signer = std::make_shared<ike::EvpSigner>(key.get());

    // The operator roots: CERTREQ hashes, and the anchors the SeGW's chain must build to.
    segw::PeerCheckPolicy policy;
    for (const auto& path : o.trust) {
        HNBSEC_TRY(std::vector<Der> roots, read_pem_certificates(path));
        for (auto& root : roots) {
            HNBSEC_TRY(ike::Bytes spki, subject_public_key_info(root));
            c.trust_anchor_spkis.push_back(std::move(spki));
            policy.trust_anchors.push_back(std::move(root));
        }
    }
    policy.expected_identity = o.remote_id;
    c.validator = [policy](const std::vector<ike::Bytes>& chain,
                           const ike::Id& peer) -> Result<ike::ossl::PkeyPtr> {
        if (peer.type != ike::IdType::kFqdn)
            return Error("IDr type " + std::to_string(static_cast<int>(peer.type)) +
                         " is not ID_FQDN, the form of the SeGW identity");
        const std::string claimed(peer.data.begin(), peer.data.end());
        HNBSEC_TRY(segw::PeerCheckResult checked, segw::check_peer_certificate(chain, claimed, policy));
        return std::move(checked.public_key);
    };

    if (!o.ocsp_responders.empty()) {
        HNBSEC_TRY(c.ocsp_responder_hashes, ocsp_responder_hashes(o.ocsp_responders));
    }

    HNBSEC_TRY(c.ike_proposals, parse_all(o.ike_proposals, ike::ProposalProtocol::kIke));
    HNBSEC_TRY(c.esp_proposals, parse_all(o.esp_proposals, ike::ProposalProtocol::kEsp));
    c.ts_local = {ike::ts_any_ip4()};  // the SeGW narrows it to the inner address it assigns
    c.ts_remote = {ike::ts_any_ip4()};
    c.request_address = true;
    c.request_dns = true;
    return c;
}

// "192.0.2.1" / "2001:db8::1" for an address of 4 or 16 octets.
std::string text_of(const ike::Bytes& ip) {
    if (ip.size() == 4) {
        asio::ip::address_v4::bytes_type b{};
        std::copy(ip.begin(), ip.end(), b.begin());
        return asio::ip::address_v4(b).to_string();
    }
    asio::ip::address_v6::bytes_type b{};
    std::copy(ip.begin(), ip.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(ip.size(), 16)),
              b.begin());
    return asio::ip::address_v6(b).to_string();
}

// ---- the driver ------------------------------------------------------------------------

ike::Bytes address_bytes(const asio::ip::address& address) {
    if (address.is_v4()) {
        const auto b = address.to_v4().to_bytes();
        return ike::Bytes(b.begin(), b.end());
    }
    const auto b = address.to_v6().to_bytes();
    return ike::Bytes(b.begin(), b.end());
}

class Driver {
public:
    Driver(const Options& options, ike::IkeSaConfig config, const asio::ip::address& local,
           const asio::ip::address& remote)
        : options_(options),
          local_(local),
          initiator_(std::move(config), ike::Endpoint{address_bytes(local), ike::kIkePort},
                     ike::Endpoint{address_bytes(remote), ike::kIkePort}),
          ike_(io_, ike::kIkePort),
          natt_(io_, ike::kNatTPort),
          timer_(io_),
          deadline_(io_) {}

    Status bind() {
        for (Listener* listener : {&ike_, &natt_}) {
            const asio::ip::udp::endpoint endpoint(local_, listener->port);
            asio::error_code ec;
            listener->socket.open(endpoint.protocol(), ec);
            if (!ec) listener->socket.bind(endpoint, ec);
            if (ec)
                return Error("cannot bind UDP " + local_.to_string() + ":" + std::to_string(listener->port) +
                             ": " + ec.message());
        }
        return Ok{};
    }

    // Runs until the CHILD SA is up (and deleted, with --delete-at-end), a failure or the timeout.
    int run() {
        deadline_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double>(options_.timeout)));
        deadline_.async_wait([this](const asio::error_code& ec) {
            if (!ec)
                finish(kExitFailure, "timeout after " + std::to_string(options_.timeout) + " s" + progress());
        });
        receive(ike_);
        receive(natt_);
        deliver(initiator_.start(ike::Clock::now()));
        io_.run();
        return exit_code_;
    }

private:
    struct Listener {
        Listener(asio::io_context& io, std::uint16_t p) : socket(io), port(p) {}
        asio::ip::udp::socket socket;
        std::uint16_t port;
        std::array<std::uint8_t, 65536> buffer{};
        asio::ip::udp::endpoint sender;
    };

    void receive(Listener& listener) {
        listener.socket.async_receive_from(
            asio::buffer(listener.buffer), listener.sender,
            [this, &listener](asio::error_code ec, std::size_t n) {
                if (ec == asio::error::operation_aborted || !listener.socket.is_open()) return;
                if (!ec) {
                    ike::Datagram datagram;
                    datagram.local = ike::Endpoint{address_bytes(local_), listener.port};
                    datagram.remote =
                        ike::Endpoint{address_bytes(listener.sender.address()), listener.sender.port()};
                    datagram.bytes.assign(listener.buffer.begin(),
                                          listener.buffer.begin() + static_cast<std::ptrdiff_t>(n));
                    deliver(initiator_.handle_datagram(datagram, ike::Clock::now()));
                }
                if (!done_) receive(listener);
            });
    }

    void deliver(ike::Output output) {
        if (done_) return;
        for (const auto& datagram : output.datagrams) {
            auto& socket = datagram.local.port == ike::kNatTPort ? natt_.socket : ike_.socket;
            const asio::ip::udp::endpoint to(asio::ip::make_address(text_of(datagram.remote.ip)),
                                             datagram.remote.port);
            asio::error_code ec;
            socket.send_to(asio::buffer(datagram.bytes), to, 0, ec);
            if (ec)
                print(ike::Dropped{"sending to " + ike::to_string(datagram.remote) +
                                   " failed: " + ec.message()});
        }
        bool child_up = false;
        bool ike_deleted = false;
        for (const auto& event : output.events) {
            print(event);
            if (std::holds_alternative<ike::ExchangeFailed>(event)) last_failure_ = ike::to_string(event);
            if (const auto* auth = std::get_if<ike::AuthResult>(&event); auth != nullptr && !auth->ok)
                last_failure_ = ike::to_string(event);
            if (const auto* notify = std::get_if<ike::NotifyReceived>(&event);
                notify != nullptr && static_cast<std::uint16_t>(notify->type) < 16384)
                last_failure_ = ike::to_string(event);  // an error notify (RFC 7296 §3.10.1)
            if (const auto* staple = std::get_if<ike::OcspStapleReceived>(&event))
                write_staple(staple->response);
            if (const auto* up = std::get_if<ike::ChildSaUp>(&event)) {
                child_up = true;
                inner_address_ = up->child.inner_address;
            }
            if (const auto* deleted = std::get_if<ike::Deleted>(&event);
                deleted != nullptr && deleted->which == ike::Deleted::Which::kIkeSa)
                ike_deleted = true;
        }
        if (!options_.keys_out.empty()) export_when_changed();

        if (child_up) {
            child_up_ = true;
            std::cout << "inner address: "
                      << (inner_address_ ? text_of(*inner_address_) : std::string("none")) << std::endl;
            if (!inner_address_) return finish(kExitFailure, "the SeGW assigned no INTERNAL_IP4_ADDRESS");
            if (!options_.delete_at_end) return finish(kExitOk, "CHILD SA up");
            deliver(initiator_.sa().delete_ike_sa(ike::Clock::now()));
            return;
        }
        if (child_up_ && options_.delete_at_end && (ike_deleted || closed())) {
            return finish(kExitOk, "CHILD SA up, IKE SA deleted");
        }
        const ike::SaState state = initiator_.sa().state();
        if (state == ike::SaState::kFailed || state == ike::SaState::kClosed)
            return finish(kExitFailure,
                          last_failure_.empty() ? "IKE SA " + ike::state_name(state) : last_failure_);
        if (!child_up_ && initiator_.established())
            return finish(kExitFailure, "IKE SA established without a CHILD SA" +
                                            (last_failure_.empty() ? std::string() : ": " + last_failure_));
        arm_timer();
    }

    // Keys exist once IKE_SA_INIT completed (so a refused IKE_AUTH can be decrypted too);
    // the tables are rewritten when the SA or its Child SAs change.
    void export_when_changed() {
        const ike::IkeSa& sa = initiator_.sa();
        if (!sa.key_export()) return;
        const auto state = std::make_pair(sa.spi_r(), sa.child_sas().size());
        if (state == exported_) return;
        exported_ = state;
        if (auto written = pcap::export_wireshark_keys({&sa}, options_.keys_out); !written.ok())
            std::cout << "key export failed: " << written.error().message() << std::endl;
    }

    // The DER OCSPResponse as received, for `openssl ocsp -respin`.
    void write_staple(const ike::Bytes& response) const {
        if (options_.ocsp_staple_out.empty()) return;
        std::ofstream out(options_.ocsp_staple_out, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(response.data()),
                  static_cast<std::streamsize>(response.size()));
        std::cout << (out ? "OCSP staple written to " : "cannot write the OCSP staple to ")
                  << options_.ocsp_staple_out << std::endl;
    }

    bool closed() const {
        const ike::SaState state = initiator_.sa().state();
        return state == ike::SaState::kClosed || state == ike::SaState::kFailed;
    }

    void arm_timer() {
        const auto deadline = initiator_.next_deadline();
        if (!deadline) return;
        timer_.expires_at(*deadline);
        timer_.async_wait([this](const asio::error_code& ec) {
            if (!ec) deliver(initiator_.on_timer(ike::Clock::now()));
        });
    }

    std::string progress() const {
        return " (state " + ike::state_name(initiator_.sa().state()) +
               (last_failure_.empty() ? "" : "; last problem: " + last_failure_) + ")";
    }

    void finish(int code, const std::string& reason) {
        if (done_) return;
        done_ = true;
        exit_code_ = code;
        std::cout << (code == kExitOk ? "OK: " : "FAILED: ") << reason << std::endl;
        asio::error_code ignored;
        ike_.socket.close(ignored);
        natt_.socket.close(ignored);
        timer_.cancel();
        deadline_.cancel();
        io_.stop();
    }

    static void print(const ike::Event& event) {
        std::cout << ike::to_string(event) << std::endl;  // "<EventName>: <details>"
    }

    const Options& options_;
    asio::ip::address local_;
    ike::IkeInitiator initiator_;
    asio::io_context io_;
    Listener ike_;
    Listener natt_;
    asio::steady_timer timer_;
    asio::steady_timer deadline_;
    bool done_ = false;
    std::pair<std::uint64_t, std::size_t> exported_{0, 0};
    bool child_up_ = false;
    int exit_code_ = kExitFailure;
    std::string last_failure_;
    std::optional<ike::Bytes> inner_address_;
};

int run(const Options& options) {
    asio::error_code ec;
    const auto local = asio::ip::make_address(options.local, ec);
    if (ec) {
        std::cout << "FAILED: --local '" << options.local << "' is not an IP address" << std::endl;
        return kExitFailure;
    }
    const auto remote = asio::ip::make_address(options.remote, ec);
    if (ec) {
        std::cout << "FAILED: --remote '" << options.remote << "' is not an IP address" << std::endl;
        return kExitFailure;
    }
    std::optional<hsm::Libp11Key> token_key;  // outlives the initiator, whose signer uses it
    auto config = make_config(options, token_key);
    if (!config.ok()) {
        std::cout << "FAILED: " << config.error().message() << std::endl;
        return kExitFailure;
    }
    Driver driver(options, std::move(*config), local, remote);
    if (auto bound = driver.bind(); !bound.ok()) {
        std::cout << "FAILED: " << bound.error().message() << std::endl;
        return kExitFailure;
    }
    std::cout << "initiating from " << options.local << " to " << options.remote << " as " << options.id
              << (options.key.empty() ? " (key on token)" : " (key file)") << std::endl;
    return driver.run();
}

}  // namespace
}  // namespace hnbsec

int main(int argc, char** argv) {
    hnbsec::Options o;
    CLI::App app{"hnbsec-ike-initiator: one IKEv2 SA (certificate auth, CP request) against a SeGW"};
    app.add_option("--local", o.local, "Local address (binds UDP 500 and 4500)")->required();
    app.add_option("--remote", o.remote, "SeGW address")->required();
    app.add_option("--id", o.id, "Our identity (ID_FQDN)")->required();
    app.add_option("--remote-id", o.remote_id, "The SeGW identity (ID_FQDN), sent as IDr and checked")
        ->required();
    app.add_option("--cert", o.cert, "Device certificate (PEM)")->required()->check(CLI::ExistingFile);
    app.add_option("--chain", o.chain, "Intermediate certificates to send after it (PEM)")
        ->check(CLI::ExistingFile);
    auto* key = app.add_option("--key", o.key, "Device private key (PEM file)")->check(CLI::ExistingFile);
    auto* uri = app.add_option("--pkcs11-uri", o.pkcs11_uri, "Device key on a PKCS#11 token (pkcs11: URI)");
    app.add_option("--pkcs11-module", o.pkcs11_module, "PKCS#11 module (default: SoftHSM2)")
        ->check(CLI::ExistingFile);
    auto* pin = app.add_option("--pin-file", o.pin_file, "File holding the token's user PIN")
                    ->check(CLI::ExistingFile);
    key->excludes(uri);
    uri->needs(pin);
    app.add_option("--trust", o.trust, "Operator root CA (PEM), repeatable: the SeGW chain must build to one")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("--ike-proposal", o.ike_proposals, "IKE proposal, strongSwan syntax (repeatable)");
    app.add_option("--esp-proposal", o.esp_proposals, "ESP proposal, strongSwan syntax (repeatable)");
    app.add_option("--keys-out", o.keys_out, "Export Wireshark decryption tables into this folder (opt-in)");
    app.add_option(
           "--ocsp-responder", o.ocsp_responders,
           "Trusted OCSP responder certificate (PEM), repeatable: send CERTREQ(OCSP Content), RFC 4806")
        ->check(CLI::ExistingFile);
    app.add_option("--ocsp-staple-out", o.ocsp_staple_out,
                   "Write the SeGW's stapled OCSP response (DER) to this file");
    app.add_option("--timeout", o.timeout, "Seconds until giving up (default 10)")
        ->check(CLI::PositiveNumber);
    app.add_flag("--delete-at-end", o.delete_at_end, "Delete the IKE SA once the CHILD SA is up");
    CLI11_PARSE(app, argc, argv);
    if (o.key.empty() && o.pkcs11_uri.empty()) {
        std::cerr << "hnbsec-ike-initiator: give --key or --pkcs11-uri\n";
        return hnbsec::kExitFailure;
    }
    return hnbsec::run(o);
}
