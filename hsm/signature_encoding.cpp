#include "hsm/signature_encoding.h"

#include <array>
#include <string>

#include <openssl/ecdsa.h>

#include "proto/ossl/errors.h"
#include "proto/ossl/handles.h"

namespace hnbsec::hsm {
namespace {

// DER prefixes of DigestInfo up to the digest bytes, from RFC 8017 section 9.2 note 1.
constexpr std::array<std::uint8_t, 19> kSha256Prefix = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                                        0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                                        0x01, 0x05, 0x00, 0x04, 0x20};
constexpr std::array<std::uint8_t, 19> kSha384Prefix = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                                        0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                                        0x02, 0x05, 0x00, 0x04, 0x30};
constexpr std::array<std::uint8_t, 19> kSha512Prefix = {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                                        0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                                        0x03, 0x05, 0x00, 0x04, 0x40};

std::span<const std::uint8_t> digest_info_prefix(HashAlgorithm hash) {
    switch (hash) {
        case HashAlgorithm::kSha256:
            return kSha256Prefix;
        case HashAlgorithm::kSha384:
            return kSha384Prefix;
        case HashAlgorithm::kSha512:
            return kSha512Prefix;
    }
    return {};
}

struct EcdsaSigFree {
    void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};

}  // namespace

std::string_view hash_name(HashAlgorithm hash) {
    switch (hash) {
        case HashAlgorithm::kSha256:
            return "SHA-256";
        case HashAlgorithm::kSha384:
            return "SHA-384";
        case HashAlgorithm::kSha512:
            return "SHA-512";
    }
    return "unknown hash";
}

std::size_t hash_size(HashAlgorithm hash) {
    switch (hash) {
        case HashAlgorithm::kSha256:
            return 32;
        case HashAlgorithm::kSha384:
            return 48;
        case HashAlgorithm::kSha512:
            return 64;
    }
    return 0;
}

CK_MECHANISM_TYPE hash_mechanism(HashAlgorithm hash) {
    switch (hash) {
        case HashAlgorithm::kSha256:
            return CKM_SHA256;
        case HashAlgorithm::kSha384:
            return CKM_SHA384;
        case HashAlgorithm::kSha512:
            return CKM_SHA512;
    }
    return CKM_SHA256;
}

CK_RSA_PKCS_MGF_TYPE mgf1_for(HashAlgorithm hash) {
    switch (hash) {
        case HashAlgorithm::kSha256:
            return CKG_MGF1_SHA256;
        case HashAlgorithm::kSha384:
            return CKG_MGF1_SHA384;
        case HashAlgorithm::kSha512:
            return CKG_MGF1_SHA512;
    }
    return CKG_MGF1_SHA256;
}

Result<std::vector<std::uint8_t>> digest(HashAlgorithm hash, std::span<const std::uint8_t> message) {
    std::string name(hash_name(hash));
    std::vector<std::uint8_t> out(hash_size(hash));
    if (EVP_Q_digest(nullptr, name.c_str(), nullptr, message.data(), message.size(), out.data(), nullptr) !=
        1) {
        return Error("OpenSSL could not compute " + name + ": " + ossl::errors());
    }
    return out;
}

Result<std::vector<std::uint8_t>> digest_info(HashAlgorithm hash, std::span<const std::uint8_t> digest) {
    if (digest.size() != hash_size(hash)) {
        return Error("a " + std::string(hash_name(hash)) + " digest has " + std::to_string(hash_size(hash)) +
                     " bytes, got " + std::to_string(digest.size()));
    }
    auto prefix = digest_info_prefix(hash);
    std::vector<std::uint8_t> out(prefix.begin(), prefix.end());
    out.insert(out.end(), digest.begin(), digest.end());
    return out;
}

Result<std::vector<std::uint8_t>> ecdsa_raw_to_der(std::span<const std::uint8_t> raw) {
    if (raw.empty() || raw.size() % 2 != 0) {
        return Error("ECDSA signature from the token has " + std::to_string(raw.size()) +
                     " bytes; PKCS#11 returns r||s, two halves of equal length");
    }
    const std::size_t half = raw.size() / 2;
    ossl::BignumPtr r(BN_bin2bn(raw.data(), static_cast<int>(half), nullptr));
    ossl::BignumPtr s(BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr));
    std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
        return Error("cannot build ECDSA-Sig-Value: " + ossl::errors());
    }
    (void)r.release();  // owned by sig now
    (void)s.release();
    int size = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (size <= 0) return Error("cannot DER-encode ECDSA-Sig-Value: " + ossl::errors());
    std::vector<std::uint8_t> der(static_cast<std::size_t>(size));
    unsigned char* cursor = der.data();
    i2d_ECDSA_SIG(sig.get(), &cursor);
    return der;
}

}  // namespace hnbsec::hsm
