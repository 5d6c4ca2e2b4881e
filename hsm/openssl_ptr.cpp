#include "hsm/openssl_ptr.h"

#include <openssl/err.h>

namespace hnbsec::hsm {

std::string openssl_errors() {
    std::string text;
    while (unsigned long code = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        if (!text.empty()) text += "; ";
        text += buf;
    }
    return text.empty() ? "no OpenSSL error recorded" : text;
}

}  // namespace hnbsec::hsm
