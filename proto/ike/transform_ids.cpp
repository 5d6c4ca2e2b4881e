#include "proto/ike/transform_ids.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

namespace hnbsec::ike {
namespace {

template <typename E>
std::string unknown(std::string_view prefix, E value) {
    return std::string(prefix) + "_UNKNOWN_" + std::to_string(static_cast<unsigned>(value));
}

// ---- proposal keywords (strongSwan's proposal_keywords_static.txt, the subset we support) --
// The first keyword listed for a value is the canonical one format_proposal() writes.

template <typename E>
struct Keyword {
    std::string_view word;
    E value;
};

constexpr std::array<Keyword<IntegId>, 10> kIntegKeywords = {{
    {"md5", IntegId::kHmacMd5_96},
    {"sha1", IntegId::kHmacSha1_96},
    {"sha", IntegId::kHmacSha1_96},
    {"aesxcbc", IntegId::kAesXcbc96},
    {"sha256", IntegId::kHmacSha2_256_128},
    {"sha2_256", IntegId::kHmacSha2_256_128},
    {"sha384", IntegId::kHmacSha2_384_192},
    {"sha2_384", IntegId::kHmacSha2_384_192},
    {"sha512", IntegId::kHmacSha2_512_256},
    {"sha2_512", IntegId::kHmacSha2_512_256},
}};

constexpr std::array<Keyword<PrfId>, 6> kPrfKeywords = {{
    {"prfmd5", PrfId::kHmacMd5},
    {"prfsha1", PrfId::kHmacSha1},
    {"prfaesxcbc", PrfId::kAes128Xcbc},
    {"prfsha256", PrfId::kHmacSha2_256},
    {"prfsha384", PrfId::kHmacSha2_384},
    {"prfsha512", PrfId::kHmacSha2_512},
}};

constexpr std::array<Keyword<DhGroup>, 12> kDhKeywords = {{
    {"modpnone", DhGroup::kNone},
    {"modp768", DhGroup::kModp768},
    {"modp1024", DhGroup::kModp1024},
    {"modp1536", DhGroup::kModp1536},
    {"modp2048", DhGroup::kModp2048},
    {"modp3072", DhGroup::kModp3072},
    {"modp4096", DhGroup::kModp4096},
    {"ecp256", DhGroup::kEcp256},
    {"ecp384", DhGroup::kEcp384},
    {"ecp521", DhGroup::kEcp521},
    {"curve25519", DhGroup::kCurve25519},
    {"x25519", DhGroup::kCurve25519},
}};

constexpr std::array<Keyword<EsnId>, 2> kEsnKeywords = {{
    {"noesn", EsnId::kNoEsn},
    {"esn", EsnId::kEsn},
}};

// The PRF strongSwan derives from an integrity algorithm when an IKE proposal names none.
constexpr std::array<std::pair<IntegId, PrfId>, 6> kPrfForInteg = {{
    {IntegId::kHmacMd5_96, PrfId::kHmacMd5},
    {IntegId::kHmacSha1_96, PrfId::kHmacSha1},
    {IntegId::kAesXcbc96, PrfId::kAes128Xcbc},
    {IntegId::kHmacSha2_256_128, PrfId::kHmacSha2_256},
    {IntegId::kHmacSha2_384_192, PrfId::kHmacSha2_384},
    {IntegId::kHmacSha2_512_256, PrfId::kHmacSha2_512},
}};

template <typename E, std::size_t N>
const E* find_keyword(const std::array<Keyword<E>, N>& table, std::string_view word) {
    for (const auto& k : table)
        if (k.word == word) return &k.value;
    return nullptr;
}

template <typename E, std::size_t N>
std::string canonical_keyword(const std::array<Keyword<E>, N>& table, E value) {
    for (const auto& k : table)
        if (k.value == value) return std::string(k.word);
    return "unknown" + std::to_string(static_cast<unsigned>(value));
}

bool is_aead(EncrId id) {
    return id == EncrId::kAesGcm8 || id == EncrId::kAesGcm12 || id == EncrId::kAesGcm16 ||
           id == EncrId::kChacha20Poly1305;
}

// "aes", "aes256", "aes128ctr", "aes256gcm16", "aes192gcm96", "aes128gcm".
bool parse_aes_keyword(std::string_view word, EncrChoice& out) {
    if (!word.starts_with("aes")) return false;
    word.remove_prefix(3);
    std::uint16_t bits = 128;
    if (word.size() >= 3 && word[0] >= '0' && word[0] <= '9') {
        std::string_view digits = word.substr(0, 3);
        if (digits == "128" || digits == "192" || digits == "256") {
            std::from_chars(digits.data(), digits.data() + digits.size(), bits);
            word.remove_prefix(3);
        } else {
            return false;
        }
    }
    static constexpr std::array<Keyword<EncrId>, 9> kModes = {{
        {"", EncrId::kAesCbc},
        {"ctr", EncrId::kAesCtr},
        {"gcm16", EncrId::kAesGcm16},
        {"gcm128", EncrId::kAesGcm16},
        {"gcm", EncrId::kAesGcm16},
        {"gcm12", EncrId::kAesGcm12},
        {"gcm96", EncrId::kAesGcm12},
        {"gcm8", EncrId::kAesGcm8},
        {"gcm64", EncrId::kAesGcm8},
    }};
    const EncrId* mode = find_keyword(kModes, word);
    if (mode == nullptr) return false;
    out = EncrChoice{*mode, bits};
    return true;
}

bool parse_encr_keyword(std::string_view word, EncrChoice& out) {
    if (word == "null") {
        out = {EncrId::kNull, 0};
        return true;
    }
    if (word == "des") {
        out = {EncrId::kDes, 0};
        return true;
    }
    if (word == "3des") {
        out = {EncrId::k3Des, 0};
        return true;
    }
    if (word == "chacha20poly1305") {
        out = {EncrId::kChacha20Poly1305, 0};
        return true;
    }
    return parse_aes_keyword(word, out);
}

template <typename T>
Status add_unique(std::vector<T>& list, T value, std::string_view word, std::string_view text) {
    if (std::find(list.begin(), list.end(), value) != list.end())
        return Error("algorithm '" + std::string(word) + "' appears twice in proposal '" + std::string(text) +
                     "'");
    list.push_back(value);
    return Ok{};
}

const char* protocol_name(ProposalProtocol protocol) {
    return protocol == ProposalProtocol::kIke ? "IKE" : "ESP";
}

Status check_proposal(ProposalSpec& p, std::string_view text) {
    auto fail = [&](const std::string& why) {
        return Error(std::string(protocol_name(p.protocol)) + " proposal '" + std::string(text) +
                     "': " + why);
    };
    if (p.encr.empty()) return fail("an encryption algorithm is mandatory");
    const bool aead = is_aead(p.encr.front().id);
    for (const auto& e : p.encr)
        if (is_aead(e.id) != aead)
            return fail("AEAD and non-AEAD encryption algorithms cannot share a proposal");
    if (aead && !p.integ.empty())
        return fail("an AEAD cipher takes no integrity algorithm (RFC 5282 §8, RFC 4106 §5)");
    if (p.protocol == ProposalProtocol::kIke) {
        for (const auto& e : p.encr)
            if (e.id == EncrId::kNull) return fail("ENCR_NULL is not allowed for IKE (RFC 7296 §3.3.2)");
        if (!aead && p.integ.empty())
            return fail("an integrity algorithm is mandatory with a non-AEAD cipher");
        if (p.prf.empty()) {
            if (aead) return fail("a PRF is mandatory with an AEAD cipher (add e.g. prfsha256)");
            for (IntegId integ : p.integ)
                for (const auto& [i, prf] : kPrfForInteg)
                    if (i == integ && std::find(p.prf.begin(), p.prf.end(), prf) == p.prf.end())
                        p.prf.push_back(prf);
        }
        if (p.dh.empty()) return fail("a Diffie-Hellman group is mandatory");
    } else {
        bool null_only = p.encr.size() == 1 && p.encr.front().id == EncrId::kNull;
        if (!aead && p.integ.empty() && null_only) return fail("ENCR_NULL needs an integrity algorithm");
        if (p.esn.empty()) p.esn.push_back(EsnId::kNoEsn);
    }
    return Ok{};
}

}  // namespace

std::string to_string(TransformType type) {
    switch (type) {
        case TransformType::kEncr:
            return "ENCR";
        case TransformType::kPrf:
            return "PRF";
        case TransformType::kInteg:
            return "INTEG";
        case TransformType::kDh:
            return "DH";
        case TransformType::kEsn:
            return "ESN";
    }
    return unknown("TRANSFORM_TYPE", type);
}

std::string to_string(EncrId id) {
    switch (id) {
        case EncrId::kDes:
            return "ENCR_DES";
        case EncrId::k3Des:
            return "ENCR_3DES";
        case EncrId::kNull:
            return "ENCR_NULL";
        case EncrId::kAesCbc:
            return "ENCR_AES_CBC";
        case EncrId::kAesCtr:
            return "ENCR_AES_CTR";
        case EncrId::kAesGcm8:
            return "ENCR_AES_GCM_8";
        case EncrId::kAesGcm12:
            return "ENCR_AES_GCM_12";
        case EncrId::kAesGcm16:
            return "ENCR_AES_GCM_16";
        case EncrId::kChacha20Poly1305:
            return "ENCR_CHACHA20_POLY1305";
    }
    return unknown("ENCR", id);
}

std::string to_string(PrfId id) {
    switch (id) {
        case PrfId::kHmacMd5:
            return "PRF_HMAC_MD5";
        case PrfId::kHmacSha1:
            return "PRF_HMAC_SHA1";
        case PrfId::kAes128Xcbc:
            return "PRF_AES128_XCBC";
        case PrfId::kHmacSha2_256:
            return "PRF_HMAC_SHA2_256";
        case PrfId::kHmacSha2_384:
            return "PRF_HMAC_SHA2_384";
        case PrfId::kHmacSha2_512:
            return "PRF_HMAC_SHA2_512";
    }
    return unknown("PRF", id);
}

std::string to_string(IntegId id) {
    switch (id) {
        case IntegId::kNone:
            return "NONE";
        case IntegId::kHmacMd5_96:
            return "AUTH_HMAC_MD5_96";
        case IntegId::kHmacSha1_96:
            return "AUTH_HMAC_SHA1_96";
        case IntegId::kAesXcbc96:
            return "AUTH_AES_XCBC_96";
        case IntegId::kHmacSha2_256_128:
            return "AUTH_HMAC_SHA2_256_128";
        case IntegId::kHmacSha2_384_192:
            return "AUTH_HMAC_SHA2_384_192";
        case IntegId::kHmacSha2_512_256:
            return "AUTH_HMAC_SHA2_512_256";
    }
    return unknown("AUTH", id);
}

std::string to_string(DhGroup group) {
    switch (group) {
        case DhGroup::kNone:
            return "NONE";
        case DhGroup::kModp768:
            return "MODP_768";
        case DhGroup::kModp1024:
            return "MODP_1024";
        case DhGroup::kModp1536:
            return "MODP_1536";
        case DhGroup::kModp2048:
            return "MODP_2048";
        case DhGroup::kModp3072:
            return "MODP_3072";
        case DhGroup::kModp4096:
            return "MODP_4096";
        case DhGroup::kEcp256:
            return "ECP_256";
        case DhGroup::kEcp384:
            return "ECP_384";
        case DhGroup::kEcp521:
            return "ECP_521";
        case DhGroup::kCurve25519:
            return "CURVE_25519";
    }
    return unknown("DH_GROUP", group);
}

std::string to_string(EsnId id) {
    switch (id) {
        case EsnId::kNoEsn:
            return "NO_EXT_SEQ";
        case EsnId::kEsn:
            return "EXT_SEQ";
    }
    return unknown("ESN", id);
}

std::string to_string(AuthMethod method) {
    switch (method) {
        case AuthMethod::kRsaSignature:
            return "RSA Digital Signature";
        case AuthMethod::kSharedKeyMic:
            return "Shared Key Message Integrity Code";
        case AuthMethod::kDssSignature:
            return "DSS Digital Signature";
        case AuthMethod::kEcdsaSha256P256:
            return "ECDSA with SHA-256 on the P-256 curve";
        case AuthMethod::kEcdsaSha384P384:
            return "ECDSA with SHA-384 on the P-384 curve";
        case AuthMethod::kEcdsaSha512P521:
            return "ECDSA with SHA-512 on the P-521 curve";
        case AuthMethod::kGenericSecurePassword:
            return "Generic Secure Password Authentication Method";
        case AuthMethod::kNullAuth:
            return "NULL Authentication";
        case AuthMethod::kDigitalSignature:
            return "Digital Signature";
    }
    return unknown("AUTH_METHOD", method);
}

Result<ProposalSpec> parse_proposal(std::string_view text, ProposalProtocol protocol) {
    ProposalSpec p;
    p.protocol = protocol;
    if (text.empty()) return Error(std::string(protocol_name(protocol)) + " proposal is empty");
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('-', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view word = text.substr(start, end - start);
        start = end + 1;
        if (word.empty()) return Error("empty algorithm keyword in proposal '" + std::string(text) + "'");
        EncrChoice encr;
        if (const IntegId* integ = find_keyword(kIntegKeywords, word)) {
            HNBSEC_CHECK(add_unique(p.integ, *integ, word, text));
        } else if (const PrfId* prf = find_keyword(kPrfKeywords, word)) {
            if (protocol == ProposalProtocol::kEsp)
                return Error("PRF '" + std::string(word) + "' is not allowed in ESP proposal '" +
                             std::string(text) + "'");
            HNBSEC_CHECK(add_unique(p.prf, *prf, word, text));
        } else if (const DhGroup* dh = find_keyword(kDhKeywords, word)) {
            HNBSEC_CHECK(add_unique(p.dh, *dh, word, text));
        } else if (const EsnId* esn = find_keyword(kEsnKeywords, word)) {
            if (protocol == ProposalProtocol::kIke)
                return Error("'" + std::string(word) + "' is not allowed in IKE proposal '" +
                             std::string(text) + "' (ESN is an ESP/AH transform)");
            HNBSEC_CHECK(add_unique(p.esn, *esn, word, text));
        } else if (parse_encr_keyword(word, encr)) {
            HNBSEC_CHECK(add_unique(p.encr, encr, word, text));
        } else {
            return Error("unknown algorithm '" + std::string(word) + "' in proposal '" + std::string(text) +
                         "'");
        }
    }
    HNBSEC_CHECK(check_proposal(p, text));
    return p;
}

std::string proposal_keyword(const EncrChoice& encr) {
    const std::string bits = std::to_string(encr.key_bits);
    switch (encr.id) {
        case EncrId::kNull:
            return "null";
        case EncrId::kDes:
            return "des";
        case EncrId::k3Des:
            return "3des";
        case EncrId::kChacha20Poly1305:
            return "chacha20poly1305";
        case EncrId::kAesCbc:
            return "aes" + bits;
        case EncrId::kAesCtr:
            return "aes" + bits + "ctr";
        case EncrId::kAesGcm8:
            return "aes" + bits + "gcm8";
        case EncrId::kAesGcm12:
            return "aes" + bits + "gcm12";
        case EncrId::kAesGcm16:
            return "aes" + bits + "gcm16";
    }
    return "encr" + std::to_string(static_cast<unsigned>(encr.id));
}

std::string format_proposal(const ProposalSpec& p) {
    std::vector<std::string> words;
    for (const auto& e : p.encr) words.push_back(proposal_keyword(e));
    for (IntegId i : p.integ) words.push_back(canonical_keyword(kIntegKeywords, i));
    for (PrfId f : p.prf) words.push_back(canonical_keyword(kPrfKeywords, f));
    for (DhGroup g : p.dh) words.push_back(canonical_keyword(kDhKeywords, g));
    if (!(p.esn.size() == 1 && p.esn.front() == EsnId::kNoEsn))
        for (EsnId e : p.esn) words.push_back(canonical_keyword(kEsnKeywords, e));
    std::string text;
    for (const auto& w : words) {
        if (!text.empty()) text += '-';
        text += w;
    }
    return text;
}

}  // namespace hnbsec::ike
