// Our timeline against tshark on the same captures with the same keys (label interop):
// captures of our SeGW against strongSwan (pcap/testdata), compared field by field —
// IKE exchange types, message IDs, flags, SPIs, payload types including the decrypted
// inner payloads (also of reassembled RFC 7383 fragments), Notify types, ESP SPIs and
// sequence numbers, and the decrypted inner packets' addresses.

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/testing/shell.h"
#include "pcap/dissect/hex_text.h"
#include "pcap/timeline/esp_sa_decryptor.h"
#include "pcap/timeline/timeline.h"

namespace hnbsec::pcap {
namespace {

std::filesystem::path testdata() {
    return HNBSEC_PCAP_TESTDATA_DIR;
}

std::string run(const std::string& command, int* status) {
    auto result = test_support::run_shell(command, test_support::Stderr::kDiscarded);
    *status = result.exit_code;
    return result.output;
}

std::vector<std::string> lines_of(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line[0] != '#') lines.push_back(line);
    }
    return lines;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, sep);) out.push_back(item);
    if (!s.empty() && s.back() == sep) out.emplace_back();
    return out;
}

std::vector<unsigned long> numbers(const std::string& field, int base = 10) {
    std::vector<unsigned long> out;
    if (field.empty()) return out;
    for (const auto& item : split(field, ',')) out.push_back(std::stoul(item, nullptr, base));
    return out;
}

std::string hex64(std::uint64_t v) {
    return hex_digits(v, 16, false);
}

enum Field {
    kFrame,
    kExchange,
    kMessageId,
    kFlagR,
    kIspi,
    kRspi,
    kPayloads,
    kNotifies,
    kEspSpi,
    kEspSeq,
    kIpSrc,
    kCount
};

class TsharkCrossCheck : public ::testing::TestWithParam<std::string> {};

TEST_P(TsharkCrossCheck, TimelineMatchesTsharkFieldByField) {
    const auto dir = testdata() / GetParam();
    const auto capture = dir / "outer.pcapng";

    std::string options = " -o esp.enable_encryption_decode:TRUE";
    for (const auto& row : lines_of(dir / "ikev2_decryption_table"))
        options += " -o 'uat:ikev2_decryption_table:" + row + "'";
    for (const auto& row : lines_of(dir / "esp_sa")) options += " -o 'uat:esp_sa:" + row + "'";
    int status = -1;
    const std::string out = run("tshark -n -2 -r " + capture.string() + options +
                                    " -T fields -e frame.number -e isakmp.exchangetype -e isakmp.messageid"
                                    " -e isakmp.flag_r -e isakmp.ispi -e isakmp.rspi -e isakmp.typepayload"
                                    " -e isakmp.notify.msgtype -e esp.spi -e esp.sequence -e ip.src",
                                &status);
    ASSERT_EQ(status, 0) << "tshark missing or failed";
    std::vector<std::vector<std::string>> rows;
    for (const auto& line : split(out, '\n')) {
        if (line.empty()) continue;
        auto fields = split(line, '\t');
        fields.resize(kCount);
        rows.push_back(std::move(fields));
    }

    auto keys = load_decryption_keys(dir);
    ASSERT_TRUE(keys.ok()) << keys.error().message();
    auto esp = EspSaDecryptor::create(keys->esp);
    ASSERT_TRUE(esp.ok()) << esp.error().message();
    TimelineOptions timeline;
    timeline.ike_keys = keys->ike;
    timeline.esp = esp->get();
    timeline.dut = parse_address("192.168.77.2");
    auto records = read_timeline(capture, timeline);
    ASSERT_TRUE(records.ok()) << records.error().message();

    std::vector<const TimelineRecord*> outer;
    std::vector<const TimelineRecord*> inner;
    for (const auto& r : *records) (r.inner() ? inner : outer).push_back(&r);
    ASSERT_EQ(outer.size(), rows.size());
    std::size_t ike_messages = 0;
    std::size_t decrypted = 0;
    std::size_t esp_packets = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& t = rows[i];
        const TimelineRecord& r = *outer[i];
        SCOPED_TRACE("frame " + t[kFrame] + ": " + r.dissection.summary);
        EXPECT_EQ(std::to_string(r.number), t[kFrame]);
        ASSERT_EQ(r.dissection.ike.has_value(), !t[kExchange].empty());
        ASSERT_EQ(r.dissection.esp.has_value(), !t[kEspSpi].empty());
        if (r.dissection.ike) {
            ++ike_messages;
            const IkeInfo& ike = *r.dissection.ike;
            EXPECT_TRUE(ike.error.empty()) << ike.error;
            EXPECT_EQ(std::to_string(ike.exchange_type), t[kExchange]);
            EXPECT_EQ(ike.message_id, std::stoul(t[kMessageId], nullptr, 16));
            EXPECT_EQ(ike.response, t[kFlagR] == "1");
            EXPECT_EQ(hex64(ike.spi_i), t[kIspi]);
            EXPECT_EQ(hex64(ike.spi_r), t[kRspi]);
            // tshark lists proposal (2) and transform (3) substructures among the payloads.
            std::vector<unsigned long> theirs;
            for (auto type : numbers(t[kPayloads])) {
                if (type != 2 && type != 3) theirs.push_back(type);
            }
            std::vector<unsigned long> ours(ike.payloads.begin(), ike.payloads.end());
            if (ike.decryption == IkeDecryption::kDecrypted) {
                ++decrypted;
                ours.insert(ours.end(), ike.inner_payloads.begin(), ike.inner_payloads.end());
            } else {
                EXPECT_TRUE(ike.decryption == IkeDecryption::kNotProtected ||
                            ike.decryption == IkeDecryption::kFragmentPending)
                    << ike_decryption_name(ike.decryption);
            }
            EXPECT_EQ(ours, theirs);
            const std::vector<unsigned long> our_notifies(ike.notify_types.begin(), ike.notify_types.end());
            EXPECT_EQ(our_notifies, numbers(t[kNotifies]));
        }
        if (r.dissection.esp) {
            ++esp_packets;
            EXPECT_EQ(r.dissection.esp->spi, std::stoul(t[kEspSpi], nullptr, 16));
            EXPECT_EQ(std::to_string(r.dissection.esp->sequence), t[kEspSeq]);
            EXPECT_EQ(r.dissection.esp->decryption, EspDecryption::kDecrypted) << r.dissection.esp->error;
            // tshark's ip.src: the outer source, then the decrypted inner packet's.
            const auto sources = split(t[kIpSrc], ',');
            ASSERT_EQ(sources.size(), 2U) << t[kIpSrc];
            const TimelineRecord* in = nullptr;
            for (const auto* candidate : inner) {
                if (candidate->outer_number == r.number) in = candidate;
            }
            ASSERT_NE(in, nullptr);
            EXPECT_EQ(in->dissection.source.to_string(), sources[1]);
            EXPECT_TRUE(in->dissection.has(Layer::kIcmp));
            EXPECT_EQ(in->direction, Direction::kFromDut);
        }
    }
    // The captures hold IKE_SA_INIT, fragmented IKE_AUTH both ways and ESP.
    EXPECT_GE(ike_messages, 5U);
    EXPECT_EQ(decrypted, 2U);  // the two reassembled IKE_AUTH messages
    EXPECT_GE(esp_packets, 1U);
}

INSTANTIATE_TEST_SUITE_P(SegwAgainstStrongswan, TsharkCrossCheck,
                         ::testing::Values("segw-strongswan-cbc", "segw-strongswan-gcm"));

}  // namespace
}  // namespace hnbsec::pcap
