#include "proto/ike/sa.h"

#include <gtest/gtest.h>

namespace hnbsec::ike {
namespace {

TEST(SaHelpers, TransformWithKeyLength) {
    Transform t = transform_with_key_length(TransformType::kEncr, 12, 256);
    EXPECT_EQ(t.type, TransformType::kEncr);
    EXPECT_EQ(t.id, 12);
    ASSERT_EQ(t.attributes.size(), 1u);
    EXPECT_EQ(t.attributes[0].type, TransformAttributeType::kKeyLength);
    EXPECT_EQ(key_length(t), 256);
}

TEST(SaHelpers, KeyLengthIgnoresOtherAttributes) {
    Transform t = transform(TransformType::kEncr, 12);
    EXPECT_FALSE(key_length(t).has_value());
    t.attributes.push_back(
        {TransformAttributeType::kKeyLength, Bytes{0x01, 0x00}});  // TLV: not a valid Key Length
    t.attributes.push_back({static_cast<TransformAttributeType>(15), std::uint16_t{7}});
    EXPECT_FALSE(key_length(t).has_value());
}

TEST(SaHelpers, TransformsOfType) {
    Proposal p = proposal(1, ProtocolId::kIke, {},
                          {transform(TransformType::kEncr, 12), transform(TransformType::kDh, 14),
                           transform(TransformType::kDh, 19)});
    auto dh = transforms_of(p, TransformType::kDh);
    ASSERT_EQ(dh.size(), 2u);
    EXPECT_EQ(dh[0]->id, 14);
    EXPECT_EQ(dh[1]->id, 19);
    EXPECT_TRUE(transforms_of(p, TransformType::kEsn).empty());
}

}  // namespace
}  // namespace hnbsec::ike
