#include "proto/ntp/mac.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <sstream>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "proto/wire/hex.h"

namespace hnbsec::ntp {
namespace {

struct NamedAlgorithm {
    std::string_view name;
    MacAlgorithm algorithm;
    const char* openssl_name;  // digest name, or the CMAC's cipher
};

constexpr std::array<NamedAlgorithm, 11> kAlgorithms{{
    {"MD5", MacAlgorithm::kMd5, "MD5"},
    {"SHA1", MacAlgorithm::kSha1, "SHA1"},
    {"SHA256", MacAlgorithm::kSha256, "SHA256"},
    {"SHA384", MacAlgorithm::kSha384, "SHA384"},
    {"SHA512", MacAlgorithm::kSha512, "SHA512"},
    {"SHA3-224", MacAlgorithm::kSha3_224, "SHA3-224"},
    {"SHA3-256", MacAlgorithm::kSha3_256, "SHA3-256"},
    {"SHA3-384", MacAlgorithm::kSha3_384, "SHA3-384"},
    {"SHA3-512", MacAlgorithm::kSha3_512, "SHA3-512"},
    {"AES128", MacAlgorithm::kAes128Cmac, "AES-128-CBC"},
    {"AES256", MacAlgorithm::kAes256Cmac, "AES-256-CBC"},
}};

const NamedAlgorithm& entry(MacAlgorithm algorithm) {
    for (const auto& e : kAlgorithms)
        if (e.algorithm == algorithm) return e;
    return kAlgorithms[0];
}

bool is_cmac(MacAlgorithm algorithm) {
    return algorithm == MacAlgorithm::kAes128Cmac || algorithm == MacAlgorithm::kAes256Cmac;
}

Result<Bytes> keyed_hash(const char* digest_name, std::span<const std::uint8_t> secret,
                         std::span<const std::uint8_t> data) {
    std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(EVP_MD_fetch(nullptr, digest_name, nullptr),
                                                       EVP_MD_free);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int length = 0;
    // chrony's HSH_Hash(key, data): the key first, then the packet (RFC 5905 §7.3 MD5 MAC).
    if (!md || !ctx || EVP_DigestInit_ex(ctx.get(), md.get(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), secret.data(), secret.size()) != 1 ||
        EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), out.data(), &length) != 1)
        return Error(std::string("NTP MAC: OpenSSL cannot compute ") + digest_name);
    out.resize(length);
    return out;
}

Result<Bytes> cmac(const char* cipher_name, std::span<const std::uint8_t> secret,
                   std::span<const std::uint8_t> data) {
    std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "CMAC", nullptr),
                                                          EVP_MAC_free);
    if (!mac) return Error("NTP MAC: OpenSSL has no CMAC");
    std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_new(mac.get()),
                                                                  EVP_MAC_CTX_free);
    std::string cipher(cipher_name);
    const std::array<OSSL_PARAM, 2> params{
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher.data(), 0),
        OSSL_PARAM_construct_end()};
    Bytes out(16);
    std::size_t length = 0;
    if (!ctx || EVP_MAC_init(ctx.get(), secret.data(), secret.size(), params.data()) != 1 ||
        EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1 ||
        EVP_MAC_final(ctx.get(), out.data(), &length, out.size()) != 1)
        return Error(std::string("NTP MAC: OpenSSL cannot compute CMAC with ") + cipher_name);
    out.resize(length);
    return out;
}

std::size_t digest_limit(std::uint8_t version) {
    return version >= 4 ? kMaxV4DigestLength : kMaxLegacyDigestLength;
}

std::string upper(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

bool is_comment_start(char c) {
    return c == '#' || c == '!' || c == ';' || c == '%';
}

Result<SymmetricKey> parse_key_line(const std::string& line, std::size_t number) {
    std::istringstream words(line);
    std::string id_text;
    std::string second;
    std::string third;
    std::string extra;
    words >> id_text >> second >> third >> extra;
    const std::string where = "keyfile line " + std::to_string(number);
    if (second.empty() || !extra.empty())
        return Error(where + ": expected 'ID [TYPE] KEY' (chrony.conf(5), keyfile)");
    SymmetricKey key;
    std::uint64_t id = 0;
    for (char c : id_text) {
        if (c < '0' || c > '9' || id > 0xffffffffULL)
            return Error(where + ": key ID '" + id_text + "' is not a number");
        id = id * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (id == 0 || id > 0xffffffffULL) return Error(where + ": key ID must be 1 to 2^32-1");
    key.id = static_cast<std::uint32_t>(id);
    std::string key_text = second;
    if (!third.empty()) {
        auto algorithm = mac_algorithm_from_name(second);
        if (!algorithm) return Error(where + ": unsupported key type '" + second + "'");
        key.algorithm = *algorithm;
        key_text = third;
    }
    if (upper(key_text.substr(0, 4)) == "HEX:") {
        auto bytes = wire::from_hex(std::string_view(key_text).substr(4));
        if (!bytes.ok()) return Error(where + ": the HEX: key is not hexadecimal");
        key.secret = std::move(*bytes);
    } else {
        const std::string_view ascii =
            upper(key_text.substr(0, 6)) == "ASCII:" ? std::string_view(key_text).substr(6) : key_text;
        key.secret.assign(ascii.begin(), ascii.end());
    }
    if (key.secret.empty()) return Error(where + ": empty key");
    const std::size_t cmac_length = key.algorithm == MacAlgorithm::kAes128Cmac ? 16U : 32U;
    if (is_cmac(key.algorithm) && key.secret.size() != cmac_length)
        return Error(where + ": an " + to_string(key.algorithm) + " key must be " +
                     std::to_string(cmac_length) + " octets");
    return key;
}

}  // namespace

std::optional<MacAlgorithm> mac_algorithm_from_name(std::string_view name) {
    const std::string wanted = upper(name);
    for (const auto& e : kAlgorithms)
        if (e.name == wanted) return e.algorithm;
    return std::nullopt;
}

std::string to_string(MacAlgorithm algorithm) {
    return std::string(entry(algorithm).name);
}

Result<Bytes> compute_mac_digest(const SymmetricKey& key, std::span<const std::uint8_t> authenticated,
                                 std::size_t max_length) {
    const auto& e = entry(key.algorithm);
    HNBSEC_TRY(auto digest, is_cmac(key.algorithm) ? cmac(e.openssl_name, key.secret, authenticated)
                                                   : keyed_hash(e.openssl_name, key.secret, authenticated));
    if (digest.size() > max_length) digest.resize(max_length);
    return digest;
}

Status sign_packet(Packet& packet, const SymmetricKey& key) {
    packet.mac.reset();
    HNBSEC_TRY(auto covered, encode_authenticated_part(packet));
    HNBSEC_TRY(auto digest, compute_mac_digest(key, covered, digest_limit(packet.version)));
    packet.mac = Mac{key.id, std::move(digest)};
    return Ok{};
}

bool verify_packet_mac(const Packet& packet, const SymmetricKey& key) {
    if (!packet.mac || packet.mac->key_id != key.id || packet.mac->digest.empty()) return false;
    auto covered = encode_authenticated_part(packet);
    if (!covered.ok()) return false;
    auto expected = compute_mac_digest(key, *covered, digest_limit(packet.version));
    if (!expected.ok()) return false;
    const auto& got = packet.mac->digest;
    // A 16-octet trailer may carry a digest cut short by the sender's version rules;
    // compare over the received length, never less than 16 octets.
    if (got.size() < 16 || got.size() > expected->size()) return false;
    return CRYPTO_memcmp(got.data(), expected->data(), got.size()) == 0;
}

Result<std::vector<SymmetricKey>> parse_chrony_keys(std::string_view text) {
    std::vector<SymmetricKey> keys;
    std::size_t number = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        std::string line(text.substr(start, end - start));
        start = end + 1;
        ++number;
        // Only whole-line comments: an ASCII key may contain '#'.
        const std::size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || is_comment_start(line[first])) {
            if (end == text.size()) break;
            continue;
        }
        HNBSEC_TRY(auto key, parse_key_line(line, number));
        keys.push_back(std::move(key));
        if (end == text.size()) break;
    }
    return keys;
}

}  // namespace hnbsec::ntp
