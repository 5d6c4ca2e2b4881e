#include "harness/roles/segw/segw_setup.h"

#include <fstream>
#include <iterator>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "harness/roles/ocsp/responder.h"
#include "harness/roles/segw/peer_certificate_check.h"
#include "proto/ossl/certificate.h"

namespace hnbsec::segw {
namespace fs = std::filesystem;

namespace {

Result<Der> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error("cannot read " + path.string());
    return Der(std::istreambuf_iterator<char>(in), {});
}

Result<Der> entry_der(const pki::Manifest& manifest, const std::string& name) {
    const pki::Entry* entry = manifest.find(name);
    if (entry == nullptr) return Error("the PKI has no object named '" + name + "'");
    const fs::path path = manifest.file(*entry, "der");
    if (path.empty()) return Error("PKI object '" + name + "' has no DER file");
    return read_file(path);
}

Result<ike::ossl::PkeyPtr> read_private_key(const pki::Manifest& manifest, const pki::Entry& entry) {
    if (!entry.key) return Error("certificate '" + entry.name + "' has no key record in the manifest");
    if (entry.key->on_token())
        return Error(
            "the key of '" + entry.name + "' is on a token (" + entry.key->location +
            "); hnbsec segw needs a file key for now: create the PKI without [pki] segw_key_on_token");
    const fs::path path = manifest.file(entry, "key");
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "r"), &std::fclose);
    if (!file) return Error("cannot open the key file " + path.string());
    ike::ossl::PkeyPtr key(PEM_read_PrivateKey(file.get(), nullptr, nullptr, nullptr));
    if (!key) return Error("cannot read the private key in " + path.string());
    return key;
}

// An IPv4 prefix as one traffic selector (RFC 7296 §3.13.1: an address range).
Result<ike::TrafficSelector> selector_of(const profile::IpPrefix& prefix) {
    if (prefix.network.family != profile::IpFamily::kV4)
        return Error("IPv6 traffic selectors are not supported yet (" + prefix.text + ")");
    const auto& b = prefix.network.bytes;
    const std::uint32_t network = (std::uint32_t{b[0]} << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
    const std::uint32_t last =
        prefix.length == 0 ? 0xffffffffU : network | ~(0xffffffffU << (32 - prefix.length));
    auto bytes = [](std::uint32_t a) {
        return ike::Bytes{static_cast<std::uint8_t>(a >> 24), static_cast<std::uint8_t>(a >> 16),
                          static_cast<std::uint8_t>(a >> 8), static_cast<std::uint8_t>(a)};
    };
    ike::TrafficSelector ts;
    ts.type = ike::TsType::kIpv4AddrRange;
    ts.start_address = bytes(network);
    ts.end_address = bytes(last);
    return ts;
}

Result<std::vector<ike::ProposalSpec>> parse_all(const std::vector<std::string>& texts,
                                                 ike::ProposalProtocol p) {
    std::vector<ike::ProposalSpec> specs;
    for (const auto& text : texts) {
        HNBSEC_TRY(ike::ProposalSpec spec, ike::parse_proposal(text, p));
        specs.push_back(std::move(spec));
    }
    return specs;
}

// RFC 4806 §3.2: the staple is the harness responder's answer for our own certificate,
// signed as the responder's knobs say. The device's trusted-responder hashes are not
// filtered on: whether it accepts a staple from another signer is what a test observes.
// A PKI the responder cannot serve leaves the SeGW up, every request then says why.
ike::OcspStapler ocsp_stapler(const pki::Manifest& manifest, const Der& leaf, const ocsp::Knobs& knobs) {
    auto created = ocsp::Responder::create(manifest);
    if (!created.ok()) {
        const std::string why = "no OCSP responder for this PKI: " + created.error().message();
        return [why](const std::vector<ike::Bytes>&) -> Result<ike::Bytes> { return Error(why); };
    }
    std::shared_ptr<ocsp::Responder> responder = std::move(created).value();
    responder->set_knobs(knobs);
    return [responder, leaf](const std::vector<ike::Bytes>&) -> Result<ike::Bytes> {
        return responder->response_for(leaf);
    };
}

ike::Id fqdn_id(const std::string& name) {
    return ike::Id{ike::IdType::kFqdn, ike::Bytes(name.begin(), name.end())};
}

}  // namespace

std::string_view to_string(DeviceRevocation revocation) {
    switch (revocation) {
        case DeviceRevocation::kCrl:
            return "crl";
        case DeviceRevocation::kOcsp:
            return "ocsp";
        case DeviceRevocation::kCrlAndOcsp:
            return "crl+ocsp";
        case DeviceRevocation::kNone:
            return "none";
    }
    return "?";
}

Result<DeviceRevocation> parse_device_revocation(std::string_view text) {
    for (auto r : {DeviceRevocation::kCrl, DeviceRevocation::kOcsp, DeviceRevocation::kCrlAndOcsp,
                   DeviceRevocation::kNone}) {
        if (to_string(r) == text) return r;
    }
    return Error("unknown device revocation policy '" + std::string(text) +
                 "' (crl, ocsp, crl+ocsp or none)");
}

std::vector<std::string> default_ike_proposals() {
    return {"aes128-sha256-modp2048",       "aes256-sha384-ecp384",          "aes128-sha256-ecp256",
            "aes256-sha256-modp2048",       "aes128gcm16-prfsha256-ecp256",  "aes256gcm16-prfsha384-ecp384",
            "aes128gcm16-prfsha256-x25519", "aes256gcm16-prfsha384-modp2048"};
}

std::vector<std::string> default_esp_proposals() {
    return {"aes128-sha256", "aes256-sha256", "aes128gcm16", "aes256gcm16", "aes128-sha1"};
}

Result<SegwSetup> segw_setup(const profile::Profile& profile, const pki::Manifest& manifest,
                             const SegwOptions& options) {
    SegwSetup setup;
    ike::IkeSaConfig& c = setup.config;

    // Our certificate, the issuing CA after it (the device may hold only the root), and its key.
    const pki::Entry* cert = manifest.find(options.certificate);
    if (cert == nullptr || cert->role != "segw")
        return Error("the PKI has no SeGW certificate named '" + options.certificate + "'");
    HNBSEC_TRY(Der leaf, entry_der(manifest, cert->name));
    if (options.ocsp_staple) c.credentials.ocsp_staple = ocsp_stapler(manifest, leaf, options.staple_knobs);
    c.credentials.chain.push_back(std::move(leaf));
    if (const pki::Entry* issuer = manifest.find(cert->issuer);
        issuer != nullptr && !issuer->issuer.empty()) {
        HNBSEC_TRY(Der intermediate, entry_der(manifest, issuer->name));
        c.credentials.chain.push_back(std::move(intermediate));
    }
    HNBSEC_TRY(ike::ossl::PkeyPtr key, read_private_key(manifest, *cert));
    c.credentials.signer = std::make_shared<ike::EvpSigner>(key.get());

    // Devices are trusted through the vendor CAs; their CRLs and/or OCSP are consulted.
    const DeviceRevocation revocation = options.device_revocation.value_or(
        profile.pixit.ocsp_url ? DeviceRevocation::kCrlAndOcsp : DeviceRevocation::kCrl);
    const bool use_crl = revocation == DeviceRevocation::kCrl || revocation == DeviceRevocation::kCrlAndOcsp;
    const bool use_ocsp =
        revocation == DeviceRevocation::kOcsp || revocation == DeviceRevocation::kCrlAndOcsp;
    setup.device_revocation = revocation;
    PeerCheckPolicy policy;
    std::string anchors;
    for (const pki::Entry* ca : manifest.by_role("vendor-ca")) {
        if (!ca->good()) continue;
        HNBSEC_TRY(Der der, entry_der(manifest, ca->name));
        HNBSEC_TRY(ike::Bytes spki, ossl::subject_public_key_info(der));
        c.trust_anchor_spkis.push_back(std::move(spki));  // CERTREQ: "send me a cert under these"
        policy.trust_anchors.push_back(std::move(der));
        anchors += (anchors.empty() ? "" : ",") + ca->name;
        if (const pki::Entry* crl = manifest.find(ca->name + ".crl"); use_crl && crl != nullptr) {
            HNBSEC_TRY(Der crl_der, read_file(manifest.file(*crl, "der")));
            policy.crls.push_back(std::move(crl_der));
        }
    }
    if (policy.trust_anchors.empty()) return Error("the PKI has no vendor CA to trust devices with");
    if (use_ocsp) {
        OcspClientOptions ocsp;
        if (profile.pixit.ocsp_url) ocsp.url = profile.pixit.ocsp_url->text;
        ocsp.timeout = options.ocsp_timeout;
        ocsp.connector = options.ocsp_connector;
        ocsp.trust_anchors = policy.trust_anchors;
        HNBSEC_TRY(setup.device_ocsp, DeviceOcspChecker::create(std::move(ocsp)));
        policy.ocsp = setup.device_ocsp;
    }
    if (options.expect_profile_identity) policy.expected_identity = profile.dut.identity;
    const std::optional<std::string> expected_identity = policy.expected_identity;
    HNBSEC_TRY(std::shared_ptr<PeerCertificateChecker> checker, PeerCertificateChecker::create(policy));
    c.validator = [checker](const std::vector<ike::Bytes>& chain,
                            const ike::Id& peer) -> Result<ike::ossl::PkeyPtr> {
        const std::string claimed =
            peer.type == ike::IdType::kFqdn ? std::string(peer.data.begin(), peer.data.end()) : std::string();
        if (peer.type != ike::IdType::kFqdn)
            return Error("IDi type " + std::to_string(static_cast<int>(peer.type)) +
                         " is not ID_FQDN, the form of the H(e)NB identity (TS 33.320)");
        HNBSEC_TRY(PeerCheckResult checked, checker->check(chain, claimed));
        return std::move(checked.public_key);
    };

    c.local_id = fqdn_id(profile.pixit.segw_fqdn);
    HNBSEC_TRY(c.ike_proposals, parse_all(default_ike_proposals(), ike::ProposalProtocol::kIke));
    HNBSEC_TRY(c.esp_proposals, parse_all(default_esp_proposals(), ike::ProposalProtocol::kEsp));
    HNBSEC_TRY(ike::TrafficSelector core, selector_of(profile.pixit.core_network));
    HNBSEC_TRY(ike::TrafficSelector inner, selector_of(profile.pixit.inner_pool));
    c.ts_local = {core};
    c.ts_remote = {inner};

    HNBSEC_TRY(Ipv4AddressPool pool, Ipv4AddressPool::create(profile.pixit.inner_pool.text));
    setup.pool = std::make_shared<Ipv4AddressPool>(pool);
    c.address_pool = [pool = setup.pool](const ike::Id& peer) { return pool->assign(peer); };
    c.multiple_auth_supported = false;  // EAP-AKA arrives with the HPAUTH issue

    setup.listen_address = options.listen_address.value_or(
        profile.pixit.segw_address ? profile.pixit.segw_address->text : std::string("127.0.0.1"));
    setup.summary =
        "SeGW " + profile.pixit.segw_fqdn + " on " + setup.listen_address + " (UDP), certificate " +
        cert->name + ", trusting " + anchors + ", pool " + profile.pixit.inner_pool.text + ", core network " +
        profile.pixit.core_network.text +
        (expected_identity ? ", expecting " + *expected_identity : std::string()) +
        (options.ocsp_staple ? ", OCSP stapling (RFC 4806)" : std::string()) + ", device revocation " +
        std::string(to_string(revocation)) +
        (use_ocsp ? " (OCSP " + setup.device_ocsp->options().url.value_or("from the certificate's AIA") + ")"
                  : std::string());
    return setup;
}

}  // namespace hnbsec::segw
