#include "harness/lab/pki_setup.h"

#include <array>
#include <cstdint>

#include <arpa/inet.h>

#include "fixtures/pki/pki.h"
#include "harness/lab/token_setup.h"
#include "hsm/token_signer.h"
#include "proto/ossl/handles.h"

namespace hnbsec::lab {
namespace fs = std::filesystem;

namespace {

// CKA_ID of each token key; stable so URIs and lab documents can name them.
std::uint8_t token_key_id(const std::string& entity) {
    if (entity == "device") return 0x01;
    if (entity == "device-ec") return 0x02;
    if (entity == "segw") return 0x03;
    if (entity == "segw-ec") return 0x04;
    return 0x7f;
}

Result<hsm::KeySpec> to_token_spec(const pki::KeySpec& spec) {
    if (spec.algorithm == pki::KeySpec::Algorithm::Rsa)
        return hsm::KeySpec::rsa(static_cast<unsigned>(spec.rsa_bits));
    if (spec.ec_curve == "P-256") return hsm::KeySpec::ec(hsm::EcCurve::kP256);
    if (spec.ec_curve == "P-384") return hsm::KeySpec::ec(hsm::EcCurve::kP384);
    return Error("curve " + spec.ec_curve + " is not supported on the token");
}

pki::Flavour to_pki_flavour(profile::KeyFlavour flavour) {
    return flavour == profile::KeyFlavour::kP256 ? pki::Flavour::P256 : pki::Flavour::Rsa2048;
}

bool is_ip_literal(const std::string& host) {
    std::array<unsigned char, sizeof(in6_addr)> buffer{};
    return inet_pton(AF_INET, host.c_str(), buffer.data()) == 1 ||
           inet_pton(AF_INET6, host.c_str(), buffer.data()) == 1;
}

pki::PkiOptions options_from_profile(const profile::Profile& p, const fs::path& dir) {
    pki::PkiOptions o;
    o.output_dir = dir;
    o.device_eui = p.dut.eui;
    o.device_realm = p.dut.realm;
    o.segw_fqdn = p.pixit.segw_fqdn;
    if (p.pixit.segw_address) o.segw_ip = p.pixit.segw_address->text;
    if (p.pixit.hems_initial_url) o.hems_fqdn = p.pixit.hems_initial_url->host;
    // One H(e)MS certificate serves both listeners: the initial H(e)MS by name, the serving
    // one inside the tunnel by the address of its URL (a device checks the URL's host).
    if (p.pixit.hems_serving_url && is_ip_literal(p.pixit.hems_serving_url->host))
        o.hems_ip = p.pixit.hems_serving_url->host;
    o.ocsp_url = p.pixit.ocsp_url ? p.pixit.ocsp_url->text : "";
    o.crl_url = p.pixit.crl_url ? p.pixit.crl_url->text : "";
    o.flavours.clear();
    for (auto f : p.pki.flavours) o.flavours.push_back(to_pki_flavour(f));
    o.validity_days = p.pki.validity_days;
    return o;
}

}  // namespace

Result<PkiSetupResult> set_up_pki(const PkiSetupRequest& request) {
    const profile::Profile& p = *request.profile;
    const fs::path dir = request.out_dir.value_or(p.pki.dir);

    // Refuse early, before a token is touched, when the PKI exists and --force is absent.
    if (fs::exists(dir / pki::Manifest::kFileName) && !request.force)
        return Error("a test PKI already exists in " + dir.string() +
                     "; use --force to replace it (its token keys are replaced too)");

    TokenRequest token_request;
    token_request.module = p.hsm.module;
    token_request.label = request.token_label.value_or(p.hsm.token_label);
    token_request.softhsm_dir = p.hsm.softhsm_dir;  // the loader defaults it for SoftHSM2
    if (request.pin) {
        token_request.pin = *request.pin;
    } else if (p.hsm.pin_file) {
        token_request.pin = hsm::PinSource::file(*p.hsm.pin_file);
    } else if (p.hsm.pin_env) {
        token_request.pin = hsm::PinSource::environment(*p.hsm.pin_env);
    }
    token_request.recreate = request.force;
    HNBSEC_TRY(OpenedToken opened, open_token(token_request));

    pki::PkiOptions options = options_from_profile(p, dir);
    options.force = request.force;
    std::vector<std::string> on_token;
    for (auto f : options.flavours) on_token.push_back(std::string("device") + pki::flavour_suffix(f));
    if (p.pki.segw_key_on_token)
        for (auto f : options.flavours) on_token.push_back(std::string("segw") + pki::flavour_suffix(f));
    options.token_entities = on_token;

    hsm::Token& token = opened.token;
    options.token_key_maker = [&token](const std::string& entity,
                                       const pki::KeySpec& spec) -> Result<pki::ProvidedKey> {
        HNBSEC_TRY(hsm::KeySpec token_spec, to_token_spec(spec));
        const std::array<std::uint8_t, 1> id{token_key_id(entity)};
        HNBSEC_TRY(hsm::TokenKey key, token.generate_key(token_spec, entity, id));
        HNBSEC_TRY(ossl::EvpPkeyPtr public_key, token.public_key(key));
        return pki::ProvidedKey{std::move(public_key), token.uri(key).format()};
    };

    HNBSEC_TRY(pki::Manifest manifest, pki::create_pki(options));

    // Record where the token is, so every later step finds the keys without the profile.
    manifest.options["token"] = {
        {"module", p.hsm.module.string()},
        {"label", token.label()},
        {"softhsm_dir", opened.softhsm_dir ? opened.softhsm_dir->string() : ""},
        {"pin_source", opened.pin_origin},
    };
    HNBSEC_CHECK(manifest.save(dir));

    return PkiSetupResult{std::move(manifest), dir, token.label(), opened.pin_origin, opened.softhsm_dir};
}

}  // namespace hnbsec::lab
