#pragma once
// Small helpers for building and reading SA payload data (RFC 7296 §3.3). Plain data
// only: choosing among proposals is the roles' job.

#include <cstdint>
#include <optional>
#include <vector>

#include "proto/ike/payloads.h"

namespace hnbsec::ike {

// A transform without attributes, e.g. transform(TransformType::kPrf, 5).
Transform transform(TransformType type, std::uint16_t id);
// A transform with the Key Length attribute (TV format, RFC 7296 §3.3.5), e.g. AES-CBC-128.
Transform transform_with_key_length(TransformType type, std::uint16_t id, std::uint16_t key_bits);

// The Key Length attribute's value, if the transform carries one in TV format.
std::optional<std::uint16_t> key_length(const Transform& transform);

// The proposal's transforms of one type, in order.
std::vector<const Transform*> transforms_of(const Proposal& proposal, TransformType type);

// A proposal numbered `number`, for `protocol`, with `spi` and `transforms`.
Proposal proposal(std::uint8_t number, ProtocolId protocol, Bytes spi, std::vector<Transform> transforms);

}  // namespace hnbsec::ike
