#include "pcap/timeline/esp_sa_decryptor.h"

#include <functional>

#include "pcap/dissect/hex_text.h"

namespace hnbsec::pcap {

esp::EspSaConfig esp_sa_config(const EspSaSecrets& row) {
    esp::EspSaConfig config;
    config.spi = row.spi;
    config.suite.encr = row.encr;
    config.suite.encr_key_bits = row.encr_key_bits;
    config.suite.integ = row.integ;
    config.encryption_key = row.encryption_key;
    config.integrity_key = row.integrity_key;
    return config;
}

struct EspSaDecryptor::Sas {
    struct Entry {
        std::optional<Address> source;  // nullopt: the row's address did not parse; match any
        std::optional<Address> destination;
        esp::InboundSa sa;
        // precompute()'s own contexts (an OpenSSL context serves one thread at a time).
        esp::EspTransform ahead;
    };
    std::multimap<std::uint32_t, Entry> by_spi;
    esp::TimePoint now = esp::Clock::now();  // one instant: captured SAs never expire here
    std::span<Ahead> ahead;                  // use_ahead()'s, consumed from the front
    std::size_t next_ahead = 0;

    // The SA a packet belongs to: the first row with its SPI whose addresses match. Both
    // threads look up; neither changes the map.
    Entry* find(std::uint32_t spi, const Address& source, const Address& destination) {
        auto [begin, end] = by_spi.equal_range(spi);
        for (auto it = begin; it != end; ++it) {
            Entry& entry = it->second;
            if (entry.source && source.version != 0 && *entry.source != source) continue;
            if (entry.destination && destination.version != 0 && *entry.destination != destination) continue;
            return &entry;
        }
        return nullptr;
    }
};

namespace {

std::uint32_t spi_of(std::span<const std::uint8_t> esp_packet) {
    return (std::uint32_t{esp_packet[0]} << 24) | (std::uint32_t{esp_packet[1]} << 16) |
           (std::uint32_t{esp_packet[2]} << 8) | esp_packet[3];
}

}  // namespace

EspSaDecryptor::EspSaDecryptor() : sas_(std::make_unique<Sas>()) {}
EspSaDecryptor::~EspSaDecryptor() = default;

Result<std::unique_ptr<EspSaDecryptor>> EspSaDecryptor::create(const std::vector<EspSaSecrets>& sas) {
    std::unique_ptr<EspSaDecryptor> decryptor(new EspSaDecryptor());
    for (const auto& row : sas) {
        // No traffic selectors: any inner packet passes (RFC 4301's check is for a receiver
        // that forwards, not for a capture's reader).
        const esp::EspSaConfig config = esp_sa_config(row);
        auto sa = esp::InboundSa::create(config, decryptor->sas_->now);
        auto ahead = esp::EspTransform::create(config.suite, config.encryption_key, config.integrity_key);
        if (!sa.ok() || !ahead.ok()) {
            return (sa.ok() ? std::move(ahead).error() : std::move(sa).error())
                .context("building the ESP SA with SPI " + hex_digits(row.spi, 8, true));
        }
        decryptor->sas_->by_spi.emplace(row.spi,
                                        Sas::Entry{parse_address(row.source), parse_address(row.destination),
                                                   std::move(sa).value(), std::move(ahead).value()});
    }
    return decryptor;
}

std::optional<Result<EspPlaintext>> EspSaDecryptor::decrypt(std::span<const std::uint8_t> esp_packet,
                                                            const Address& source, const Address& destination,
                                                            std::vector<std::uint8_t>& inner) {
    if (esp_packet.size() < 4) return std::nullopt;
    Sas::Entry* entry = sas_->find(spi_of(esp_packet), source, destination);
    if (entry == nullptr) return std::nullopt;
    // The outcome computed ahead for this very packet, if any (they come in capture order).
    std::optional<bool> authentic;
    auto& ahead = sas_->ahead;
    while (sas_->next_ahead < ahead.size() &&
           std::less<>{}(ahead[sas_->next_ahead].packet, esp_packet.data())) {
        ++sas_->next_ahead;
    }
    if (sas_->next_ahead < ahead.size() && ahead[sas_->next_ahead].packet == esp_packet.data() &&
        ahead[sas_->next_ahead].size == esp_packet.size()) {
        Ahead& a = ahead[sas_->next_ahead++];
        authentic = a.authentic;
        if (a.authentic) inner.swap(a.plaintext);
    }
    esp::InboundResult result = entry->sa.open_into(esp_packet, sas_->now, inner, authentic);
    if (result.outcome == esp::InboundOutcome::kAccepted ||
        result.outcome == esp::InboundOutcome::kTsMismatch) {
        EspPlaintext plain;
        plain.next_header = !inner.empty() && (inner[0] >> 4) == 6 ? 41 : 4;
        return Result<EspPlaintext>(plain);
    }
    return Result<EspPlaintext>(Error(std::string(esp::inbound_outcome_name(result.outcome)) +
                                      (result.reason.empty() ? "" : ": " + result.reason)));
}

void EspSaDecryptor::precompute(std::span<const std::uint8_t> esp_packet, const Address& source,
                                const Address& destination, Ahead& out) const {
    out.packet = nullptr;
    if (esp_packet.size() < 8) return;
    Sas::Entry* entry = sas_->find(spi_of(esp_packet), source, destination);
    if (entry == nullptr || !entry->ahead.fits(esp_packet.size())) return;
    // The rows carry no ESN: the sequence number is the packet's 32 bits (RFC 4303 §2.2).
    const std::uint32_t seq = spi_of(esp_packet.subspan(4));
    out.authentic = entry->ahead.open(esp_packet, seq, false, out.plaintext);
    out.packet = esp_packet.data();
    out.size = esp_packet.size();
}

void EspSaDecryptor::use_ahead(std::span<Ahead> results) {
    sas_->ahead = results;
    sas_->next_ahead = 0;
}

}  // namespace hnbsec::pcap
