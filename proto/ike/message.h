#pragma once
// An IKE message: the header and the payload chain in wire order. For a protected
// message the chain is the SK (or SKF) payload; its inner payloads are decoded with
// decode_payloads() once the crypto layer has decrypted them.

#include <vector>

#include "proto/ike/header.h"
#include "proto/ike/payloads.h"

namespace hnbsec::ike {

struct Message {
    IkeHeader header;
    std::vector<Payload> payloads;

    // The first payload of `type`, or nullptr.
    const Payload* find(PayloadType type) const {
        for (const auto& p : payloads) {
            if (p.type == type) return &p;
        }
        return nullptr;
    }

    bool operator==(const Message&) const = default;
};

}  // namespace hnbsec::ike
