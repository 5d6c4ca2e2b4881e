#include "emulator/tre/image_check.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "proto/ossl/handles.h"

namespace hnbsec::emulator::tre {
namespace {

constexpr std::size_t kSha256HexLength = 64;
constexpr std::size_t kChunk = std::size_t{64} * 1024;

std::string to_hex(const unsigned char* data, std::size_t size) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(kDigits[data[i] >> 4U]);
        out.push_back(kDigits[data[i] & 0x0FU]);
    }
    return out;
}

}  // namespace

Result<std::string> sha256_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error(fmt::format("cannot open image {}: {}", path.string(), std::strerror(errno)));
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
        return Error("cannot start a SHA-256 digest (OpenSSL)");
    }
    std::vector<char> buffer(kChunk);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto got = in.gcount();
        if (got > 0 && EVP_DigestUpdate(ctx.get(), buffer.data(), static_cast<std::size_t>(got)) != 1) {
            return Error("SHA-256 update failed (OpenSSL)");
        }
    }
    if (in.bad()) return Error(fmt::format("read error on image {}", path.string()));
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1)
        return Error("SHA-256 final failed (OpenSSL)");
    return to_hex(digest.data(), length);
}

Status check_image(const std::filesystem::path& image, std::string_view reference_hex) {
    std::string reference(reference_hex);
    std::transform(reference.begin(), reference.end(), reference.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const bool well_formed = reference.size() == kSha256HexLength &&
                             std::all_of(reference.begin(), reference.end(),
                                         [](unsigned char c) { return std::isxdigit(c) != 0; });
    if (!well_formed) {
        return Error(fmt::format("reference value image_sha256 is not 64 hex digits ({} characters)",
                                 reference.size()));
    }
    HNBSEC_TRY(const std::string actual, sha256_file(image));
    if (actual != reference) {
        return Error(fmt::format("image {} has SHA-256 {}, reference value is {}", image.filename().string(),
                                 actual, reference));
    }
    return Ok{};
}

}  // namespace hnbsec::emulator::tre
