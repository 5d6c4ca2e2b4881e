#include "emulator/segw_link/pem_certificates.h"

#include <cstdio>
#include <memory>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "proto/ossl/certificate.h"

namespace hnbsec::emulator {

Result<std::vector<Der>> read_pem_certificates(const std::filesystem::path& path) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "r"), &std::fclose);
    if (!file) return Error("cannot open " + path.string());
    std::vector<Der> out;
    while (X509* read = PEM_read_X509(file.get(), nullptr, nullptr, nullptr)) {
        const ossl::X509Ptr cert(read);
        unsigned char* der = nullptr;
        const int length = i2d_X509(cert.get(), &der);
        if (length <= 0)
            return Error("cannot encode certificate " + std::to_string(out.size() + 1) + " of " +
                         path.string());
        out.emplace_back(der, der + length);
        OPENSSL_free(der);
    }
    ERR_clear_error();  // the end of the file is reported as an error
    if (out.empty()) return Error(path.string() + " holds no PEM certificate");
    return out;
}

}  // namespace hnbsec::emulator
