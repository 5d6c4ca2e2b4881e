#include "emulator/tre/device_chain.h"

#include <memory>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "proto/ossl/handles.h"

namespace hnbsec::emulator::tre {
namespace {}  // namespace

Result<std::vector<Der>> load_device_chain(const std::filesystem::path& pem) {
    ossl::BioPtr bio(BIO_new_file(pem.c_str(), "r"));
    if (!bio) {
        ERR_clear_error();
        return Error(fmt::format("cannot open device chain {}", pem.string()));
    }
    std::vector<Der> chain;
    while (true) {
        ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!cert) break;
        unsigned char* der = nullptr;
        const int length = i2d_X509(cert.get(), &der);
        if (length <= 0)
            return Error(fmt::format("cannot encode certificate {} of {}", chain.size() + 1, pem.string()));
        chain.emplace_back(der, der + length);
        OPENSSL_free(der);
    }
    // The loop ends on end of file (PEM_R_NO_START_LINE) or on a malformed block.
    const unsigned long last = ERR_peek_last_error();
    const bool clean_end =
        last == 0 || (ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE);
    ERR_clear_error();
    if (!clean_end) {
        return Error(fmt::format("device chain {}: PEM block {} is not a readable certificate", pem.string(),
                                 chain.size() + 1));
    }
    if (chain.empty()) return Error(fmt::format("device chain {} holds no PEM certificate", pem.string()));
    return chain;
}

}  // namespace hnbsec::emulator::tre
