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

namespace hnbsec::pcap {

class EspSaDecryptor : public EspDecryptor {
public:
    // Fails for a row proto/esp cannot run (naming the SPI and the reason).
    static Result<std::unique_ptr<EspSaDecryptor>> create(const std::vector<EspSaSecrets>& sas);
    ~EspSaDecryptor() override;

    std::optional<Result<EspPlaintext>> decrypt(std::span<const std::uint8_t> esp_packet,
                                                const Address& source, const Address& destination) override;

private:
    struct Sas;
    EspSaDecryptor();
    std::unique_ptr<Sas> sas_;
};

}  // namespace hnbsec::pcap
