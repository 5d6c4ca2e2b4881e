#include "proto/ossl/certificate.h"

#include <algorithm>
#include <cctype>

namespace hnbsec::ossl {

Result<X509Ptr> parse_certificate(std::span<const std::uint8_t> der, const std::string& what) {
    const unsigned char* p = der.data();
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!cert || p != der.data() + der.size())
        return Error(what + " is not a DER X.509 certificate (" + std::to_string(der.size()) + " octets)");
    return cert;
}

Result<std::vector<std::uint8_t>> subject_public_key_info(std::span<const std::uint8_t> certificate) {
    HNBSEC_TRY(X509Ptr cert, parse_certificate(certificate, "certificate"));
    unsigned char* der = nullptr;
    const int length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert.get()), &der);
    if (length <= 0) return Error("cannot encode a SubjectPublicKeyInfo");
    const OsslString owned(reinterpret_cast<char*>(der));
    return std::vector<std::uint8_t>(der, der + length);
}

std::string bio_contents(BIO* bio) {
    char* data = nullptr;
    // BIO_get_mem_data is a macro with a C cast; call what it expands to.
    const long len = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &data);
    if (len <= 0 || data == nullptr) return {};
    return std::string(data, static_cast<std::size_t>(len));
}

std::string name_text(const X509_NAME* name) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio) return {};
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
    return bio_contents(bio.get());
}

std::string subject_of(const X509* cert) {
    return name_text(X509_get_subject_name(cert));
}

std::vector<std::string> dns_names_of(X509* cert) {
    std::vector<std::string> names;
    GeneralNamesPtr sans(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    if (!sans) return names;
    for (int i = 0; i < sk_GENERAL_NAME_num(sans.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans.get(), i);
        if (name->type != GEN_DNS) continue;
        const ASN1_STRING* s = name->d.dNSName;
        names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                           static_cast<std::size_t>(ASN1_STRING_length(s)));
    }
    return names;
}

bool same_dns_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace hnbsec::ossl
