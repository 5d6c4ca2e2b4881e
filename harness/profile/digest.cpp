#include "harness/profile/digest.h"

#include <openssl/evp.h>

namespace hnbsec::profile::detail {

Result<std::string> sha256_hex(std::string_view bytes) {
    unsigned char md[EVP_MAX_MD_SIZE] = {};
    unsigned int md_length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), md, &md_length, EVP_sha256(), nullptr) != 1) {
        return Error("OpenSSL could not compute SHA-256");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * static_cast<std::size_t>(md_length));
    for (unsigned int i = 0; i < md_length; ++i) {
        hex += kHex[md[i] >> 4];
        hex += kHex[md[i] & 0x0f];
    }
    return hex;
}

}  // namespace hnbsec::profile::detail
