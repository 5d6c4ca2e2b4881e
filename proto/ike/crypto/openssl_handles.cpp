#include "proto/ike/crypto/openssl_handles.h"

#include <openssl/err.h>

namespace hnbsec::ike::ossl {

std::string errors() {
    std::string text;
    while (unsigned long code = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        if (!text.empty()) text += "; ";
        text += buf;
    }
    return text.empty() ? "no OpenSSL error recorded" : text;
}

void clear_errors() {
    ERR_clear_error();
}

}  // namespace hnbsec::ike::ossl
