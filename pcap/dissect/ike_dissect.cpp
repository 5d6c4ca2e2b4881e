#include "pcap/dissect/ike_dissect.h"

#include "proto/ike/crypto/sk_protection.h"
#include "proto/ike/decode.h"

namespace hnbsec::pcap {
namespace {

// Bounds on held fragments: 16 messages in reassembly, each at most 64 fragments and
// 256 KiB of plaintext (an IKE message is at most 64 KiB anyway).
constexpr std::size_t kMaxFragmentSets = 16;
constexpr std::uint16_t kMaxFragments = 64;
constexpr std::size_t kMaxReassembled = std::size_t{256} * 1024;

void collect_notifies(const std::vector<ike::Payload>& payloads, IkeInfo& info) {
    for (const auto& p : payloads) {
        if (const auto* n = p.as<ike::Notify>())
            info.notify_types.push_back(static_cast<std::uint16_t>(n->type));
    }
}

void inner_types(const std::vector<ike::Payload>& payloads, IkeInfo& info) {
    info.inner_payloads.clear();
    for (const auto& p : payloads) info.inner_payloads.push_back(static_cast<std::uint8_t>(p.type));
    collect_notifies(payloads, info);
}

}  // namespace

void IkeDissector::add_key(IkeDecryptionKey key) {
    keys_.push_back(std::move(key));
}

const IkeDecryptionKey* IkeDissector::find_key(std::uint64_t spi_i, std::uint64_t spi_r) const {
    for (const auto& k : keys_) {
        if (k.spi_i == spi_i && k.spi_r == spi_r) return &k;
    }
    return nullptr;
}

IkeDissector::FragmentSet& IkeDissector::fragment_set(const IkeInfo& info, std::uint16_t total) {
    for (auto& set : fragments_) {
        if (set.spi_i == info.spi_i && set.spi_r == info.spi_r && set.message_id == info.message_id &&
            set.response == info.response && set.total == total)
            return set;
    }
    if (fragments_.size() >= kMaxFragmentSets) fragments_.pop_front();
    fragments_.push_back(FragmentSet{info.spi_i, info.spi_r, info.message_id, info.response, total, 0, {}});
    return fragments_.back();
}

IkeInfo IkeDissector::dissect(std::span<const std::uint8_t> message, bool over_4500) {
    IkeInfo info;
    info.over_4500 = over_4500;
    auto decoded = ike::decode_message(message);
    if (!decoded.ok()) {
        info.error = decoded.error().message();
        auto header = ike::decode_header(message);
        if (header.ok()) {
            info.spi_i = header->spi_i;
            info.spi_r = header->spi_r;
            info.exchange_type = static_cast<std::uint8_t>(header->exchange_type);
            info.message_id = header->message_id;
            info.flags = header->flags;
            info.response = header->response();
            info.initiator = header->initiator();
        }
        return info;
    }
    const ike::IkeHeader& h = decoded->header;
    info.spi_i = h.spi_i;
    info.spi_r = h.spi_r;
    info.exchange_type = static_cast<std::uint8_t>(h.exchange_type);
    info.message_id = h.message_id;
    info.flags = h.flags;
    info.response = h.response();
    info.initiator = h.initiator();
    for (const auto& p : decoded->payloads) info.payloads.push_back(static_cast<std::uint8_t>(p.type));
    collect_notifies(decoded->payloads, info);

    const ike::Payload* last = decoded->payloads.empty() ? nullptr : &decoded->payloads.back();
    const auto* sk = last != nullptr ? last->as<ike::Sk>() : nullptr;
    const auto* skf = last != nullptr ? last->as<ike::Skf>() : nullptr;
    if (sk == nullptr && skf == nullptr) return info;
    if (skf != nullptr) {
        info.fragment_number = skf->fragment_number;
        info.total_fragments = skf->total_fragments;
    }
    const IkeDecryptionKey* key = find_key(h.spi_i, h.spi_r);
    if (key == nullptr) {
        info.decryption = IkeDecryption::kNoKey;
        return info;
    }
    // The encrypted bytes are the tail of the message; everything before them is the
    // prefix the ICV covers (RFC 7296 §3.14, RFC 7383 §2.5).
    const std::size_t body_size = sk != nullptr ? sk->encrypted.size() : skf->encrypted.size();
    const auto prefix = message.first(message.size() - body_size);
    const auto body = message.last(body_size);
    const ike::SkKeys keys =
        ike::sk_keys(key->keys, h.initiator() ? ike::Sender::kInitiator : ike::Sender::kResponder);
    auto plain = ike::sk_unprotect(key->suite, keys, prefix, body);
    if (!plain.ok()) {
        info.decryption = IkeDecryption::kFailed;
        info.error = plain.error().message();
        return info;
    }
    if (sk != nullptr) {
        auto inner =
            ike::decode_payloads(sk->first_inner, plain->plaintext, ike::message_name(h) + " (decrypted)");
        if (!inner.ok()) {
            info.decryption = IkeDecryption::kFailed;
            info.error = inner.error().message();
            return info;
        }
        info.decryption = IkeDecryption::kDecrypted;
        inner_types(*inner, info);
        return info;
    }
    if (skf->total_fragments == 0 || skf->total_fragments > kMaxFragments || skf->fragment_number == 0 ||
        skf->fragment_number > skf->total_fragments) {
        info.decryption = IkeDecryption::kFailed;
        info.error = "SKF: Fragment Number " + std::to_string(skf->fragment_number) + " of " +
                     std::to_string(skf->total_fragments) + " is out of range (RFC 7383 §2.5)";
        return info;
    }
    FragmentSet& set = fragment_set(info, skf->total_fragments);
    if (skf->fragment_number == 1) set.first_inner = static_cast<std::uint8_t>(skf->first_inner);
    set.plaintexts[skf->fragment_number] = std::move(plain->plaintext);
    std::size_t held = 0;
    for (const auto& [number, part] : set.plaintexts) held += part.size();
    if (held > kMaxReassembled) {
        set.plaintexts.clear();
        info.decryption = IkeDecryption::kFailed;
        info.error =
            "SKF: more than " + std::to_string(kMaxReassembled) + " bytes of fragments for one message";
        return info;
    }
    if (set.plaintexts.size() < set.total) {
        info.decryption = IkeDecryption::kFragmentPending;
        return info;
    }
    std::vector<std::uint8_t> whole;
    for (const auto& [number, part] : set.plaintexts) whole.insert(whole.end(), part.begin(), part.end());
    const auto first = static_cast<ike::PayloadType>(set.first_inner);
    for (auto it = fragments_.begin(); it != fragments_.end(); ++it) {
        if (&*it == &set) {
            fragments_.erase(it);
            break;
        }
    }
    auto inner = ike::decode_payloads(first, whole, ike::message_name(h) + " (reassembled)");
    if (!inner.ok()) {
        info.decryption = IkeDecryption::kFailed;
        info.error = inner.error().message();
        return info;
    }
    info.decryption = IkeDecryption::kDecrypted;
    inner_types(*inner, info);
    return info;
}

}  // namespace hnbsec::pcap
