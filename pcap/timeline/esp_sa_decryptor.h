#pragma once
// The dissector's EspDecryptor built on proto/esp (the SeGW's own inbound ESP): one
// InboundSa per esp_sa row, found by SPI and outer addresses. A capture is evidence, not
// traffic to accept: inner packets outside any traffic selector are still shown (the
// SAs here accept any selector), and the ESP layer's outcome names every refusal.

#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "core/result.h"
#include "pcap/dissect/esp_decryptor.h"
#include "pcap/keys/wireshark_uat.h"
#include "proto/esp/esp_sa.h"

namespace hnbsec::pcap {

// The proto/esp configuration of one esp_sa row: SPI, transforms and keys (no traffic
// selectors, no lifetime limits, no ESN: the row has none).
esp::EspSaConfig esp_sa_config(const EspSaSecrets& row);

class EspSaDecryptor : public EspDecryptor {
public:
    // Fails for a row proto/esp cannot run (naming the SPI and the reason).
    static Result<std::unique_ptr<EspSaDecryptor>> create(const std::vector<EspSaSecrets>& sas);
    ~EspSaDecryptor() override;

    std::optional<Result<EspPlaintext>> decrypt(std::span<const std::uint8_t> esp_packet,
                                                const Address& source, const Address& destination,
                                                std::vector<std::uint8_t>& inner) override;

    // Decryption ahead, for a reader with a second thread (`hnbsec pcap inspect`): on that
    // thread, precompute() runs the ICV check and decryption of one ESP packet with a
    // second set of its SA's OpenSSL contexts; decrypt(), given the same packet (the same
    // octets in memory) later, takes the outcome instead of computing it. Everything else
    // (which SA, replay window, padding, the inner packet's checks) stays in decrypt(), in
    // capture order, so the result is the same.
    struct Ahead {
        const std::uint8_t* packet = nullptr;  // nullptr: nothing was computed
        std::size_t size = 0;
        bool authentic = false;
        std::vector<std::uint8_t> plaintext;  // when authentic
    };
    void precompute(std::span<const std::uint8_t> esp_packet, const Address& source,
                    const Address& destination, Ahead& out) const;
    // The outcomes decrypt() may take from now on, in capture order; they must stay alive
    // until the next call (an empty span: none).
    void use_ahead(std::span<Ahead> results);

private:
    struct Sas;
    EspSaDecryptor();
    std::unique_ptr<Sas> sas_;
};

}  // namespace hnbsec::pcap
