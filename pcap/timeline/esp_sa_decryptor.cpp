#include "pcap/timeline/esp_sa_decryptor.h"

#include "pcap/dissect/hex_text.h"
#include "proto/esp/esp_sa.h"

namespace hnbsec::pcap {
namespace {

std::vector<ike::TrafficSelector> any_selector() {
    ike::TrafficSelector v4;
    v4.type = ike::TsType::kIpv4AddrRange;
    v4.start_address = ike::Bytes(4, 0);
    v4.end_address = ike::Bytes(4, 0xff);
    ike::TrafficSelector v6;
    v6.type = ike::TsType::kIpv6AddrRange;
    v6.start_address = ike::Bytes(16, 0);
    v6.end_address = ike::Bytes(16, 0xff);
    return {v4, v6};
}

}  // namespace

struct EspSaDecryptor::Sas {
    struct Entry {
        std::optional<Address> source;  // nullopt: the row's address did not parse; match any
        std::optional<Address> destination;
        esp::InboundSa sa;
    };
    std::multimap<std::uint32_t, Entry> by_spi;
    esp::TimePoint now = esp::Clock::now();  // one instant: captured SAs never expire here
};

EspSaDecryptor::EspSaDecryptor() : sas_(std::make_unique<Sas>()) {}
EspSaDecryptor::~EspSaDecryptor() = default;

Result<std::unique_ptr<EspSaDecryptor>> EspSaDecryptor::create(const std::vector<EspSaSecrets>& sas) {
    std::unique_ptr<EspSaDecryptor> decryptor(new EspSaDecryptor());
    for (const auto& row : sas) {
        esp::EspSaConfig config;
        config.spi = row.spi;
        config.suite.encr = row.encr;
        config.suite.encr_key_bits = row.encr_key_bits;
        config.suite.integ = row.integ;
        config.encryption_key = row.encryption_key;
        config.integrity_key = row.integrity_key;
        config.ts_local = any_selector();
        config.ts_remote = any_selector();
        auto sa = esp::InboundSa::create(config, decryptor->sas_->now);
        if (!sa.ok()) {
            return std::move(sa).error().context("building the ESP SA with SPI " +
                                                 hex_digits(row.spi, 8, true));
        }
        decryptor->sas_->by_spi.emplace(
            row.spi,
            Sas::Entry{parse_address(row.source), parse_address(row.destination), std::move(sa).value()});
    }
    return decryptor;
}

std::optional<Result<EspPlaintext>> EspSaDecryptor::decrypt(std::span<const std::uint8_t> esp_packet,
                                                            const Address& source,
                                                            const Address& destination) {
    if (esp_packet.size() < 4) return std::nullopt;
    const std::uint32_t spi = (std::uint32_t{esp_packet[0]} << 24) | (std::uint32_t{esp_packet[1]} << 16) |
                              (std::uint32_t{esp_packet[2]} << 8) | esp_packet[3];
    auto [begin, end] = sas_->by_spi.equal_range(spi);
    for (auto it = begin; it != end; ++it) {
        Sas::Entry& entry = it->second;
        if (entry.source && source.version != 0 && *entry.source != source) continue;
        if (entry.destination && destination.version != 0 && *entry.destination != destination) continue;
        esp::InboundResult result = entry.sa.open(esp_packet, sas_->now);
        if (result.outcome == esp::InboundOutcome::kAccepted ||
            result.outcome == esp::InboundOutcome::kTsMismatch) {
            EspPlaintext plain;
            plain.next_header = !result.inner.empty() && (result.inner[0] >> 4) == 6 ? 41 : 4;
            plain.payload = std::move(result.inner);
            return Result<EspPlaintext>(std::move(plain));
        }
        return Result<EspPlaintext>(Error(std::string(esp::inbound_outcome_name(result.outcome)) +
                                          (result.reason.empty() ? "" : ": " + result.reason)));
    }
    return std::nullopt;
}

}  // namespace hnbsec::pcap
