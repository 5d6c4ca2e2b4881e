#include "proto/ike/crypto/sk_protection.h"

#include "proto/ike/crypto/cipher.h"
#include "proto/ike/crypto/integrity.h"

namespace hnbsec::ike {
namespace {

struct Layout {
    EncrFacts encr;
    std::size_t icv = 0;  // octets of ICV after C
};

Result<Layout> layout(const Suite& suite, const SkKeys& keys, bool check_keys) {
    HNBSEC_CHECK(check_suite(suite, ProposalProtocol::kIke));
    Layout l;
    HNBSEC_TRY(l.encr, encr_facts(suite.encr, suite.encr_key_bits));
    l.icv = l.encr.aead ? l.encr.icv_size : integ_icv_size(suite.integ);
    if (check_keys) {
        if (keys.sk_e.size() != l.encr.keymat_size())
            return Error("SK_e is " + std::to_string(keys.sk_e.size()) + " octets, " + to_string(suite) +
                         " needs " + std::to_string(l.encr.keymat_size()));
        const std::size_t sk_a = l.encr.aead ? 0 : integ_key_size(suite.integ);
        if (keys.sk_a.size() != sk_a)
            return Error("SK_a is " + std::to_string(keys.sk_a.size()) + " octets, " + to_string(suite) +
                         " needs " + std::to_string(sk_a));
    }
    return l;
}

Result<std::size_t> pad_length_for(const Layout& l, std::size_t plaintext_size,
                                   const SkProtectOptions& options) {
    const std::size_t bs = l.encr.block_size;
    const std::size_t minimal = (bs - (plaintext_size + 1) % bs) % bs;
    const std::size_t pad = options.padding ? options.padding->size() : options.pad_length.value_or(minimal);
    if (pad > 255) return Error("pad length " + std::to_string(pad) + " does not fit in one octet");
    if ((plaintext_size + pad + 1) % bs != 0)
        return Error("pad length " + std::to_string(pad) + " leaves plaintext | padding | pad length at " +
                     std::to_string(plaintext_size + pad + 1) + " octets, not a multiple of the block size " +
                     std::to_string(bs));
    return pad;
}

}  // namespace

SkKeys sk_keys(const IkeSaKeys& keys, Sender sender) {
    return sender == Sender::kInitiator ? SkKeys{keys.sk_ei, keys.sk_ai} : SkKeys{keys.sk_er, keys.sk_ar};
}

Result<std::size_t> sk_body_size(const Suite& suite, std::size_t plaintext_size,
                                 const SkProtectOptions& options) {
    HNBSEC_TRY(Layout l, layout(suite, SkKeys{}, false));
    HNBSEC_TRY(std::size_t pad, pad_length_for(l, plaintext_size, options));
    return l.encr.iv_size + plaintext_size + pad + 1 + l.icv;
}

Result<Octets> sk_protect(const Suite& suite, const SkKeys& keys, OctetSpan prefix, OctetSpan plaintext,
                          const SkProtectOptions& options) {
    HNBSEC_TRY(Layout l, layout(suite, keys, true));
    HNBSEC_TRY(std::size_t pad, pad_length_for(l, plaintext.size(), options));
    Octets iv;
    if (options.iv) {
        iv = *options.iv;
        if (iv.size() != l.encr.iv_size)
            return Error("IV is " + std::to_string(iv.size()) + " octets, " + to_string(suite) + " needs " +
                         std::to_string(l.encr.iv_size));
    } else {
        HNBSEC_TRY(iv, random_octets(l.encr.iv_size));
    }
    Octets inner(plaintext.begin(), plaintext.end());
    if (options.padding) {
        inner.insert(inner.end(), options.padding->begin(), options.padding->end());
    } else {
        inner.insert(inner.end(), pad, options.pad_octet);
    }
    inner.push_back(static_cast<std::uint8_t>(pad));

    Octets body = iv;
    if (l.encr.aead) {
        HNBSEC_TRY(Octets sealed, aead_encrypt(suite.encr, keys.sk_e, iv, prefix, inner));
        body.insert(body.end(), sealed.begin(), sealed.end());
        return body;
    }
    HNBSEC_TRY(Octets ciphertext, cbc_encrypt(suite.encr, keys.sk_e, iv, inner));
    body.insert(body.end(), ciphertext.begin(), ciphertext.end());
    // §3.14: the checksum covers the message from the IKE header through the encrypted data.
    HNBSEC_TRY(Octets icv, integ_compute(suite.integ, keys.sk_a, concat({prefix, body})));
    body.insert(body.end(), icv.begin(), icv.end());
    return body;
}

Result<SkUnprotected> sk_unprotect(const Suite& suite, const SkKeys& keys, OctetSpan prefix, OctetSpan body) {
    HNBSEC_TRY(Layout l, layout(suite, keys, true));
    const std::size_t iv = l.encr.iv_size;
    const std::size_t minimum = iv + l.encr.block_size + l.icv;
    if (body.size() < minimum)
        return Error("encrypted payload body of " + std::to_string(body.size()) +
                     " octets is shorter than IV (" + std::to_string(iv) + ") + one block (" +
                     std::to_string(l.encr.block_size) + ") + ICV (" + std::to_string(l.icv) + ") of " +
                     to_string(suite));
    const std::size_t encrypted = body.size() - iv - l.icv;
    if (encrypted % l.encr.block_size != 0)
        return Error("encrypted data of " + std::to_string(encrypted) + " octets is not a multiple of the " +
                     to_string(suite.encr) + " block size " + std::to_string(l.encr.block_size) +
                     " (RFC 7296 §3.14)");
    const OctetSpan iv_octets = body.first(iv);
    Octets inner;
    if (l.encr.aead) {
        HNBSEC_TRY(inner, aead_decrypt(suite.encr, keys.sk_e, iv_octets, prefix, body.subspan(iv)));
    } else {
        const OctetSpan icv = body.last(l.icv);
        HNBSEC_CHECK(
            integ_verify(suite.integ, keys.sk_a, concat({prefix, body.first(body.size() - l.icv)}), icv));
        HNBSEC_TRY(inner, cbc_decrypt(suite.encr, keys.sk_e, iv_octets, body.subspan(iv, encrypted)));
    }
    const std::size_t pad = inner.back();
    if (pad + 1 > inner.size())
        return Error("pad length " + std::to_string(pad) + " exceeds the " +
                     std::to_string(inner.size() - 1) + " decrypted octets before it (RFC 7296 §3.14)");
    SkUnprotected out;
    const auto payload_end = inner.end() - static_cast<std::ptrdiff_t>(pad + 1);
    out.plaintext.assign(inner.begin(), payload_end);
    out.padding.assign(payload_end, inner.end() - 1);
    return out;
}

}  // namespace hnbsec::ike
