#include "proto/ike/crypto/key_schedule.h"

#include "proto/ike/crypto/cipher.h"
#include "proto/ike/crypto/integrity.h"
#include "proto/ike/crypto/prf.h"

namespace hnbsec::ike {
namespace {

// Takes the next n octets of keying material.
class KeymatReader {
public:
    explicit KeymatReader(const Octets& keymat) : keymat_(keymat) {}
    Octets take(std::size_t n) {
        Octets out(keymat_.begin() + static_cast<std::ptrdiff_t>(offset_),
                   keymat_.begin() + static_cast<std::ptrdiff_t>(offset_ + n));
        offset_ += n;
        return out;
    }

private:
    const Octets& keymat_;
    std::size_t offset_ = 0;
};

Status check_nonces(OctetSpan ni, OctetSpan nr) {
    // RFC 7296 §2.10: nonces are 16 to 256 octets. A short one is the peer's fault to
    // report elsewhere; here only emptiness would make the schedule meaningless.
    if (ni.empty() || nr.empty()) return Error("the key schedule needs both nonces, Ni and Nr");
    return Ok{};
}

}  // namespace

Result<IkeSaKeyLengths> ike_sa_key_lengths(const Suite& suite) {
    HNBSEC_CHECK(check_suite(suite, ProposalProtocol::kIke));
    HNBSEC_TRY(EncrFacts encr, encr_facts(suite.encr, suite.encr_key_bits));
    IkeSaKeyLengths l;
    l.sk_d = prf_key_size(suite.prf);
    l.sk_p = l.sk_d;
    l.sk_a = encr.aead ? 0 : integ_key_size(suite.integ);
    l.sk_e = encr.keymat_size();
    return l;
}

Result<Octets> skeyseed(PrfId prf_id, OctetSpan ni, OctetSpan nr, OctetSpan g_ir) {
    HNBSEC_CHECK(check_nonces(ni, nr));
    if (g_ir.empty()) return Error("SKEYSEED needs the Diffie-Hellman shared secret g^ir");
    const Octets key = concat({ni, nr});
    return prf(prf_id, key, g_ir);
}

Result<Octets> rekey_skeyseed(PrfId old_prf, OctetSpan old_sk_d, OctetSpan g_ir_new, OctetSpan ni,
                              OctetSpan nr) {
    HNBSEC_CHECK(check_nonces(ni, nr));
    if (old_sk_d.empty()) return Error("rekeying SKEYSEED needs SK_d of the old IKE SA");
    return prf(old_prf, old_sk_d, {g_ir_new, ni, nr});
}

Result<IkeSaKeys> derive_ike_sa_keys(const Suite& suite, OctetSpan seed_key, OctetSpan ni, OctetSpan nr,
                                     OctetSpan spi_i, OctetSpan spi_r) {
    HNBSEC_CHECK(check_nonces(ni, nr));
    if (spi_i.size() != 8 || spi_r.size() != 8)
        return Error("IKE SPIs are 8 octets each (RFC 7296 §3.1), got " + std::to_string(spi_i.size()) +
                     " and " + std::to_string(spi_r.size()));
    HNBSEC_TRY(IkeSaKeyLengths l, ike_sa_key_lengths(suite));
    const Octets seed = concat({ni, nr, spi_i, spi_r});
    HNBSEC_TRY(Octets keymat, prf_plus(suite.prf, seed_key, seed, l.total()));
    KeymatReader r(keymat);
    IkeSaKeys k;
    k.sk_d = r.take(l.sk_d);
    k.sk_ai = r.take(l.sk_a);
    k.sk_ar = r.take(l.sk_a);
    k.sk_ei = r.take(l.sk_e);
    k.sk_er = r.take(l.sk_e);
    k.sk_pi = r.take(l.sk_p);
    k.sk_pr = r.take(l.sk_p);
    return k;
}

Result<ChildSaKeys> derive_child_sa_keys(PrfId prf_id, const Suite& child, OctetSpan sk_d, OctetSpan g_ir_new,
                                         OctetSpan ni, OctetSpan nr) {
    HNBSEC_CHECK(check_nonces(ni, nr));
    HNBSEC_CHECK(check_suite(child, ProposalProtocol::kEsp));
    HNBSEC_TRY(EncrFacts encr, encr_facts(child.encr, child.encr_key_bits));
    const std::size_t encr_size = encr.keymat_size();
    const std::size_t integ_size = child.integ == IntegId::kNone ? 0 : integ_key_size(child.integ);
    const Octets seed = concat({g_ir_new, ni, nr});
    HNBSEC_TRY(Octets keymat, prf_plus(prf_id, sk_d, seed, 2 * (encr_size + integ_size)));
    KeymatReader r(keymat);
    ChildSaKeys k;
    k.encr_i = r.take(encr_size);
    k.integ_i = r.take(integ_size);
    k.encr_r = r.take(encr_size);
    k.integ_r = r.take(integ_size);
    return k;
}

}  // namespace hnbsec::ike
