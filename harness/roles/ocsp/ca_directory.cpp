#include "harness/roles/ocsp/ca_directory.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "fixtures/pki/file_io.h"
#include "proto/ossl/errors.h"

namespace hnbsec::ocsp {

namespace {

Result<ossl::X509Ptr> load_cert(const pki::Manifest& manifest, const pki::Entry& entry) {
    auto path = manifest.file(entry, "pem");
    HNBSEC_TRY(auto text, pki::read_file(path));
    ossl::BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) return ossl::error("reading certificate " + path.string());
    return cert;
}

Result<std::vector<ossl::X509Ptr>> load_chain(const std::filesystem::path& path) {
    HNBSEC_TRY(auto text, pki::read_file(path));
    ossl::BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    std::vector<ossl::X509Ptr> chain;
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) chain.emplace_back(cert);
    ERR_clear_error();  // the end of the file reads as an error
    if (chain.empty()) return Error("no certificate in " + path.string());
    return chain;
}

// A signer from a manifest entry with a key file (CA or end entity).
Result<Signer> load_signer(const pki::Manifest& manifest, const pki::Entry& entry) {
    if (!entry.key || entry.key->on_token()) return Error("signer " + entry.name + " has no key file");
    Signer signer;
    signer.name = entry.name;
    HNBSEC_TRY(signer.cert, load_cert(manifest, entry));
    auto key_path = manifest.file(entry, "key");
    HNBSEC_TRY(auto key_text, pki::read_file(key_path));
    ossl::BioPtr bio(BIO_new_mem_buf(key_text.data(), static_cast<int>(key_text.size())));
    signer.key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!signer.key) return ossl::error("reading the key of signer " + entry.name);
    auto chain_path = manifest.file(entry, "chain");
    if (!chain_path.empty()) {
        HNBSEC_TRY(signer.chain, load_chain(chain_path));
    } else {
        signer.chain.emplace_back(X509_dup(signer.cert.get()));
    }
    return signer;
}

bool same_bytes(const ASN1_OCTET_STRING* a, const unsigned char* b, unsigned int n) {
    return a != nullptr && static_cast<unsigned int>(ASN1_STRING_length(a)) == n &&
           std::memcmp(ASN1_STRING_get0_data(a), b, n) == 0;
}

bool has_ocsp_signing(const pki::Entry& entry) {
    return entry.role == "ocsp-signer";
}

}  // namespace

std::string serial_key(std::string_view hex) {
    std::string key;
    for (char c : hex) key += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto first = key.find_first_not_of('0');
    return first == std::string::npos ? std::string("0") : key.substr(first);
}

std::string serial_key(const ASN1_INTEGER* serial) {
    ossl::BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
    if (!bn) return "?";
    ossl::OsslString hex(BN_bn2hex(bn.get()));
    return hex ? serial_key(hex.get()) : std::string("?");
}

const Signer& Issuer::signer(SignerChoice choice) const {
    switch (choice) {
        case SignerChoice::kDelegated:
            if (delegated) return *delegated;
            break;
        case SignerChoice::kCa:
            break;
        case SignerChoice::kNoEku:
            if (no_eku) return *no_eku;
            break;
        case SignerChoice::kOtherCa:
            if (other_ca) return *other_ca;
            break;
    }
    return *ca;
}

Result<CaDirectory> CaDirectory::load(const pki::Manifest& manifest) {
    CaDirectory directory;
    for (const auto& entry : manifest.entries) {
        if (entry.kind != "ca") continue;
        Issuer issuer;
        issuer.name = entry.name;
        HNBSEC_TRY(issuer.cert, load_cert(manifest, entry));
        auto ca_signer = load_signer(manifest, entry);
        if (!ca_signer.ok()) continue;  // a CA without its key cannot answer for anything
        issuer.ca = std::move(*ca_signer);
        for (const auto& other : manifest.entries) {
            if (!other.is_certificate() || other.issuer != entry.name || other.serial.empty()) continue;
            CertRecord record{other.name, other.subject, std::nullopt, ""};
            if (other.revocation) {
                record.revocation_time = other.revocation->time;
                record.revocation_reason = other.revocation->reason;
            }
            issuer.by_serial[serial_key(other.serial)] = std::move(record);
        }
        // The delegated responder named by the CA's OCSP database (RFC 6960 §4.2.2.2).
        for (const auto& other : manifest.entries) {
            if (other.kind == "ocsp-index" && other.issuer == entry.name && !other.responder.empty()) {
                if (const auto* responder = manifest.find(other.responder)) {
                    HNBSEC_TRY(auto signer, load_signer(manifest, *responder));
                    issuer.delegated = std::move(signer);
                }
            }
        }
        // Wrong signers for the knobs: a good end entity of this CA without the EKU, and
        // another CA's delegated responder (or, failing that, another CA).
        for (const auto& other : manifest.entries) {
            if (issuer.no_eku) break;
            if (other.kind == "end-entity" && other.good() && other.issuer == entry.name &&
                !has_ocsp_signing(other) && other.key && !other.key->on_token()) {
                auto signer = load_signer(manifest, other);
                if (signer.ok()) issuer.no_eku = std::move(*signer);
            }
        }
        for (const auto& other : manifest.entries) {
            if (issuer.other_ca) break;
            if (other.kind == "end-entity" && has_ocsp_signing(other) && other.issuer != entry.name) {
                auto signer = load_signer(manifest, other);
                if (signer.ok()) issuer.other_ca = std::move(*signer);
            }
        }
        directory.issuers_.push_back(std::move(issuer));
    }
    if (directory.issuers_.empty()) return Error("the PKI has no CA with a key file to answer OCSP for");
    return directory;
}

const Issuer* CaDirectory::issuer_of(const OCSP_CERTID* id) const {
    ASN1_OCTET_STRING* name_hash = nullptr;
    ASN1_OBJECT* algorithm = nullptr;
    ASN1_OCTET_STRING* key_hash = nullptr;
    ASN1_INTEGER* serial = nullptr;
    if (OCSP_id_get0_info(&name_hash, &algorithm, &key_hash, &serial, const_cast<OCSP_CERTID*>(id)) != 1) {
        return nullptr;
    }
    const EVP_MD* md = EVP_get_digestbyobj(algorithm);
    if (md == nullptr) return nullptr;
    for (const auto& issuer : issuers_) {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        if (X509_NAME_digest(X509_get_subject_name(issuer.cert.get()), md, digest, &n) != 1) continue;
        if (!same_bytes(name_hash, digest, n)) continue;
        if (X509_pubkey_digest(issuer.cert.get(), md, digest, &n) != 1) continue;
        if (same_bytes(key_hash, digest, n)) return &issuer;
    }
    ERR_clear_error();
    return nullptr;
}

const Issuer* CaDirectory::issuer_of_cert(const X509* cert) const {
    for (const auto& issuer : issuers_) {
        if (X509_check_issued(issuer.cert.get(), const_cast<X509*>(cert)) == X509_V_OK) return &issuer;
    }
    return nullptr;
}

}  // namespace hnbsec::ocsp
