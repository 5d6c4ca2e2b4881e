#include "proto/ike/sa.h"

#include <utility>

namespace hnbsec::ike {

Transform transform(TransformType type, std::uint16_t id) {
    Transform t;
    t.type = type;
    t.id = id;
    return t;
}

Transform transform_with_key_length(TransformType type, std::uint16_t id, std::uint16_t key_bits) {
    Transform t = transform(type, id);
    t.attributes.push_back(TransformAttribute{TransformAttributeType::kKeyLength, key_bits});
    return t;
}

std::optional<std::uint16_t> key_length(const Transform& transform) {
    for (const auto& a : transform.attributes) {
        if (a.type != TransformAttributeType::kKeyLength) continue;
        if (const auto* bits = std::get_if<std::uint16_t>(&a.value)) return *bits;
    }
    return std::nullopt;
}

std::vector<const Transform*> transforms_of(const Proposal& proposal, TransformType type) {
    std::vector<const Transform*> found;
    for (const auto& t : proposal.transforms) {
        if (t.type == type) found.push_back(&t);
    }
    return found;
}

Proposal proposal(std::uint8_t number, ProtocolId protocol, Bytes spi, std::vector<Transform> transforms) {
    Proposal p;
    p.number = number;
    p.protocol = protocol;
    p.spi = std::move(spi);
    p.transforms = std::move(transforms);
    return p;
}

}  // namespace hnbsec::ike
