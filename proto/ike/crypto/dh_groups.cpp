#include "proto/ike/crypto/dh_groups.h"

#include <array>

#include <openssl/obj_mac.h>

namespace hnbsec::ike {
namespace {

// RFC 2409 §6.1, First Oakley Group: p = 2^768 - 2^704 - 1 + 2^64 * ([2^638 pi] + 149686).
constexpr const char* kModp768Prime =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A3620"
    "FFFFFFFFFFFFFFFF";

// RFC 2409 §6.2, Second Oakley Group: p = 2^1024 - 2^960 - 1 + 2^64 * ([2^894 pi] + 129093).
constexpr const char* kModp1024Prime =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF";

constexpr std::array<DhGroupInfo, 10> kGroups = {{
    {DhGroup::kModp768, DhFamily::kModp, nullptr, kModp768Prime, 0, 96},
    {DhGroup::kModp1024, DhFamily::kModp, nullptr, kModp1024Prime, 0, 128},
    {DhGroup::kModp1536, DhFamily::kModp, "modp_1536", nullptr, 0, 192},
    {DhGroup::kModp2048, DhFamily::kModp, "modp_2048", nullptr, 0, 256},
    {DhGroup::kModp3072, DhFamily::kModp, "modp_3072", nullptr, 0, 384},
    {DhGroup::kModp4096, DhFamily::kModp, "modp_4096", nullptr, 0, 512},
    {DhGroup::kEcp256, DhFamily::kEcp, "P-256", nullptr, NID_X9_62_prime256v1, 32},
    {DhGroup::kEcp384, DhFamily::kEcp, "P-384", nullptr, NID_secp384r1, 48},
    {DhGroup::kEcp521, DhFamily::kEcp, "P-521", nullptr, NID_secp521r1, 66},
    {DhGroup::kCurve25519, DhFamily::kCurve25519, "X25519", nullptr, 0, 32},
}};

}  // namespace

const DhGroupInfo* dh_group_info(DhGroup group) {
    for (const auto& info : kGroups)
        if (info.group == group) return &info;
    return nullptr;
}

}  // namespace hnbsec::ike
