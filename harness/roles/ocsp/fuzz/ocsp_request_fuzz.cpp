// libFuzzer target for the OCSP responder: any bytes as a DER OCSPRequest. Beyond
// "never crashes, never reads out of bounds" (ASan, UBSan) it checks the responder's
// contract: every input gets a DER OCSPResponse that OpenSSL parses back, whose status
// is the one reported; a successful one carries exactly one SingleResponse per CertID.
// The PKI is a quick good-only P-256 one, generated once into a temporary folder. A
// request that parses is also replayed with every CertID re-addressed to one of that
// PKI's CAs (hash algorithm, serial and extensions kept), so the fuzzer reaches the
// lookup, signing, nonce and cache paths despite the PKI's keys changing every run.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <vector>

#include <openssl/err.h>
#include <openssl/ocsp.h>

#include "fixtures/pki/create_pki.h"
#include "fixtures/pki/test_support.h"
#include "harness/roles/ocsp/responder.h"
#include "proto/ossl/handles.h"

namespace {

using namespace hnbsec;

void check(bool condition) {
    if (!condition) std::abort();
}

struct Fixture {
    pki::testing::TempDir dir;
    std::unique_ptr<ocsp::Responder> responder;
};

Fixture& fixture() {
    static Fixture* f = [] {
        auto* made = new Fixture;  // NOLINT(cppcoreguidelines-owning-memory): lives for the process
        pki::PkiOptions options;
        options.output_dir = made->dir.path();
        options.flavours = {pki::Flavour::P256};
        options.broken_variants = false;
        auto manifest = pki::create_pki(options);
        check(manifest.ok());
        auto responder = ocsp::Responder::create(*manifest);
        check(responder.ok());
        made->responder = std::move(*responder);
        return made;
    }();
    return *f;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
    fixture();
    return 0;
}

namespace {

void check_answer(std::span<const std::uint8_t> bytes) {
    auto handled = fixture().responder->handle(bytes);
    check(!handled.der.empty());
    const unsigned char* p = handled.der.data();
    ossl::OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(handled.der.size())));
    check(response != nullptr);
    check(p == handled.der.data() + handled.der.size());
    check(OCSP_response_status(response.get()) == handled.response_status);
    if (handled.response_status == OCSP_RESPONSE_STATUS_SUCCESSFUL) {
        ossl::OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
        check(basic != nullptr);
        check(static_cast<std::size_t>(OCSP_resp_count(basic.get())) == handled.certs.size());
    }
    ERR_clear_error();
}

// The request with each CertID naming CA number `which` of the fixture.
std::vector<std::uint8_t> readdressed(std::span<const std::uint8_t> bytes, std::size_t which) {
    const unsigned char* p = bytes.data();
    ossl::OcspRequestPtr request(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(bytes.size())));
    if (!request) return {};
    const auto& issuers = fixture().responder->directory().issuers();
    const X509* ca = issuers[which % issuers.size()].cert.get();
    ossl::OcspRequestPtr copy(OCSP_REQUEST_new());
    for (int i = 0; i < OCSP_request_onereq_count(request.get()); ++i) {
        ASN1_OBJECT* algorithm = nullptr;
        ASN1_INTEGER* serial = nullptr;
        OCSP_id_get0_info(nullptr, &algorithm, nullptr, &serial,
                          OCSP_onereq_get0_id(OCSP_request_onereq_get0(request.get(), i)));
        const EVP_MD* md = EVP_get_digestbyobj(algorithm);
        if (md == nullptr || serial == nullptr) md = EVP_sha1();
        OCSP_CERTID* id =
            OCSP_cert_id_new(md, X509_get_subject_name(ca), X509_get0_pubkey_bitstr(ca), serial);
        if (id == nullptr || OCSP_request_add0_id(copy.get(), id) == nullptr) {
            OCSP_CERTID_free(id);
            ERR_clear_error();
            return {};
        }
    }
    for (int i = 0; i < OCSP_REQUEST_get_ext_count(request.get()); ++i) {
        OCSP_REQUEST_add_ext(copy.get(), OCSP_REQUEST_get_ext(request.get(), i), -1);
    }
    unsigned char* der = nullptr;
    int n = i2d_OCSP_REQUEST(copy.get(), &der);
    ERR_clear_error();
    if (n <= 0) return {};
    std::vector<std::uint8_t> out(der, der + n);
    OPENSSL_free(der);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> bytes(data, size);
    check_answer(bytes);
    auto again = readdressed(bytes, size);
    if (!again.empty()) check_answer(again);
    return 0;
}
