#include "harness/roles/hems/hems_setup.h"

#include <fstream>
#include <sstream>

namespace hnbsec::hems {
namespace {

Result<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error("cannot read " + path.string());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

Result<std::string> manifest_file(const pki::Manifest& manifest, const std::string& name,
                                  const std::string& which) {
    const pki::Entry* entry = manifest.find(name);
    if (entry == nullptr) return Error("the PKI has no object named '" + name + "'");
    const auto path = manifest.file(*entry, which);
    if (path.empty()) return Error("PKI object '" + name + "' has no " + which + " file");
    return read_file(path);
}

}  // namespace

tls::Version default_min_version(profile::Release release) {
    return release == profile::Release::kRel15 ? tls::Version::kTls12 : tls::Version::kTls11;
}

Result<HemsConfig> hems_setup(const pki::Manifest& manifest, profile::Release release,
                              const HemsKnobs& knobs) {
    HemsConfig config;
    config.listener = knobs.listener;
    config.use_tls = knobs.use_tls;
    config.session = knobs.session;
    const pki::Entry* entry = manifest.find(knobs.certificate);
    if (entry == nullptr || !entry->is_certificate()) {
        return Error("the PKI has no certificate named '" + knobs.certificate +
                     "' (try hems, hems-ec, hems-expired)");
    }
    if (entry->key && entry->key->on_token()) {
        return Error("certificate '" + knobs.certificate +
                     "' has its key on the token; the H(e)MS needs a file key");
    }
    auto& t = config.tls;
    // The chain file (leaf + intermediates) when there is one: the device needs the operator-ca.
    HNBSEC_TRY(t.chain_pem, manifest_file(manifest, knobs.certificate,
                                          entry->files.count("chain") != 0 ? "chain" : "pem"));
    HNBSEC_TRY(t.key_pem, manifest_file(manifest, knobs.certificate, "key"));
    // Device certificates are issued by the vendor roots (TS 33.320 §7.2): that bundle is the client trust.
    HNBSEC_TRY(t.client_trust_pem, manifest_file(manifest, "vendor-trust", "pem"));
    if (knobs.crl_check) {
        const pki::Entry* trust = manifest.find("vendor-trust");
        for (const auto& member : trust->members) {
            if (manifest.find(member + ".crl") == nullptr) continue;
            HNBSEC_TRY(std::string crl, manifest_file(manifest, member + ".crl", "pem"));
            t.crl_pem += crl;
        }
    }
    t.client_auth = knobs.client_auth;
    t.min_version = knobs.min_version.value_or(default_min_version(release));
    t.max_version = knobs.max_version.value_or(tls::Version::kTls13);
    t.cipher_list = knobs.cipher_list.empty() && release == profile::Release::kRel15 ? kRel15Tls12Ciphers
                                                                                     : knobs.cipher_list;
    t.ciphersuites = knobs.ciphersuites;
    config.summary = "certificate=" + knobs.certificate +
                     " tls=" + tls::version_name(tls::openssl_version(t.min_version)) + ".." +
                     tls::version_name(tls::openssl_version(t.max_version)) + " client-cert=" +
                     (knobs.client_auth == tls::ClientAuth::kRequire   ? "required"
                      : knobs.client_auth == tls::ClientAuth::kRequest ? "requested"
                                                                       : "not-requested");
    if (knobs.session.redirect_to) config.summary += " redirect=" + *knobs.session.redirect_to;
    if (knobs.session.drop_at_request > 0) {
        config.summary += " drop-at-request=" + std::to_string(knobs.session.drop_at_request);
    }
    return config;
}

}  // namespace hnbsec::hems
