#include "proto/ossl/chain_verify.h"

#include "proto/ossl/certificate.h"

namespace hnbsec::ossl {

Result<X509StorePtr> trust_store(const std::vector<std::vector<std::uint8_t>>& anchors,
                                 const std::string& what) {
    X509StorePtr store(X509_STORE_new());
    if (!store) return Error("OpenSSL could not set up a certificate store");
    for (std::size_t i = 0; i < anchors.size(); ++i) {
        HNBSEC_TRY(X509Ptr anchor, parse_certificate(anchors[i], what + " " + std::to_string(i + 1)));
        X509_STORE_add_cert(store.get(), anchor.get());  // the store takes its own reference
    }
    return store;
}

Result<X509Ptr> verify_chain(X509_STORE* store, X509* leaf, STACK_OF(X509) * untrusted,
                             const ChainCheck& check) {
    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), store, leaf, untrusted) != 1)
        return Error("OpenSSL could not set up certificate verification");
    if (check.crls != nullptr) {
        X509_STORE_CTX_set0_crls(ctx.get(), check.crls);  // borrowed, not freed by ctx
        // Only the end entity: its CA chain is checked against its own CRLs elsewhere.
        X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_CRL_CHECK);
    }
    if (check.at) X509_STORE_CTX_set_time(ctx.get(), 0, *check.at);
    if (X509_verify_cert(ctx.get()) != 1) {
        const int code = X509_STORE_CTX_get_error(ctx.get());
        return Error(std::string(X509_verify_cert_error_string(code)) + " (X.509 error " +
                     std::to_string(code) + " at depth " +
                     std::to_string(X509_STORE_CTX_get_error_depth(ctx.get())) + ")");
    }
    STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get());
    if (built == nullptr || sk_X509_num(built) == 0) return Error("OpenSSL built no chain");
    X509* issuer = sk_X509_value(built, sk_X509_num(built) > 1 ? 1 : 0);
    X509_up_ref(issuer);
    return X509Ptr(issuer);
}

}  // namespace hnbsec::ossl
