#include "proto/ike/crypto/auth.h"

#include <gtest/gtest.h>

#include "proto/ike/crypto/prf.h"
#include "proto/ike/crypto/test_hex.h"

namespace hnbsec::ike {
namespace {

using testing::ascii;
using testing::hex;
using testing::repeat;
using testing::to_hex;

Octets counting(std::size_t n) {
    Octets out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<std::uint8_t>(i));
    return out;
}

// Expected values computed with Python's hmac module from the §2.15 formula
// AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <signed octets>).
TEST(Auth, SharedKeyMicMatchesIndependentComputation) {
    auto psk = shared_key_auth(PrfId::kHmacSha2_256, ascii("hnbsec-psk"), counting(100));
    ASSERT_TRUE(psk.ok()) << psk.error().message();
    EXPECT_EQ(to_hex(*psk), "fe7e116dba9cd8710e964c2e2a972b0daf7444aa8147c268836e599aa73bcc5d");
    // EAP (§2.16): the MSK takes the shared secret's place.
    auto eap = shared_key_auth(PrfId::kHmacSha2_384, repeat(0x42, 64), counting(100));
    ASSERT_TRUE(eap.ok()) << eap.error().message();
    EXPECT_EQ(to_hex(*eap),
              "b3d11617065295ee5c581d8fa9478aae3470a1ba33cc4ce6970b5692d369257e"
              "8ee271e40a21d2fd15cfecf499aa5d15");
}

TEST(Auth, SignedOctetsAreMessageNonceAndMacedId) {
    const Octets message = counting(60);
    const Octets nonce = repeat(0x99, 32);
    const Octets sk_p = repeat(0x17, 32);
    const Octets id = concat({hex("02000000"), ascii("segw.lab.test")});  // ID_FQDN
    auto octets = auth_signed_octets(PrfId::kHmacSha2_256, message, nonce, sk_p, id);
    ASSERT_TRUE(octets.ok()) << octets.error().message();
    EXPECT_EQ(*octets, concat({message, nonce, prf(PrfId::kHmacSha2_256, sk_p, id).value()}));
}

TEST(Auth, SignedOctetsRefuseTruncatedInputs) {
    EXPECT_FALSE(
        auth_signed_octets(PrfId::kHmacSha2_256, counting(27), repeat(1, 16), repeat(2, 32), hex("02000000"))
            .ok());
    EXPECT_FALSE(
        auth_signed_octets(PrfId::kHmacSha2_256, counting(28), repeat(1, 16), repeat(2, 32), hex("020000"))
            .ok());
}

}  // namespace
}  // namespace hnbsec::ike
