// CWMP envelopes: committed samples decode to the expected values, every RPC round-trips
// through encode/decode, and malformed envelopes fail with an error naming the element.

#include "proto/cwmp/envelope.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace hnbsec::cwmp {
namespace {

std::string sample(const std::string& name) {
    std::ifstream in(std::filesystem::path(HNBSEC_CWMP_TESTDATA_DIR) / name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

Envelope decoded(const std::string& name) {
    auto envelope = decode_envelope(sample(name));
    EXPECT_TRUE(envelope.ok()) << (envelope.ok() ? "" : envelope.error().message());
    return envelope.ok() ? *envelope : Envelope{};
}

void expect_round_trip(const Envelope& envelope) {
    const std::string xml = encode_envelope(envelope);
    auto again = decode_envelope(xml);
    ASSERT_TRUE(again.ok()) << again.error().message() << "\n" << xml;
    EXPECT_EQ(*again, envelope) << xml;
}

TEST(CwmpEnvelope, DecodesInformWithUpperCasePrefixesAndLocationParameters) {
    const Envelope e = decoded("inform_boot.xml");
    EXPECT_EQ(e.id, "hnb-1");
    EXPECT_EQ(e.cwmp_minor, 0);
    const auto* inform = std::get_if<Inform>(&e.rpc);
    ASSERT_NE(inform, nullptr);
    EXPECT_EQ(inform->device_id, (DeviceId{"Example Femto Ltd", "0001A2", "HeNB-Indoor", "SN0001"}));
    ASSERT_EQ(inform->events.size(), 2U);
    EXPECT_EQ(inform->events[0].event_code, "1 BOOT");
    EXPECT_EQ(inform->events[1], (EventStruct{"7 TRANSFER COMPLETE", "fw-42"}));
    EXPECT_EQ(inform->max_envelopes, 1U);
    EXPECT_EQ(inform->current_time, "2026-11-28T19:30:00Z");
    ASSERT_EQ(inform->parameters.size(), 4U);
    EXPECT_EQ(inform->parameters[3],
              (ParameterValue{"Device.FAP.GPS.LockedLatitude", "48858370", "xsd:int"}));
    expect_round_trip(e);
}

TEST(CwmpEnvelope, DecodesBootstrapInCwmp12WithOtherPrefixes) {
    const Envelope e = decoded("inform_bootstrap_cwmp12.xml");
    EXPECT_EQ(e.cwmp_minor, 2);
    EXPECT_EQ(e.id, "42");
    const auto& inform = std::get<Inform>(e.rpc);
    ASSERT_EQ(inform.events.size(), 1U);
    EXPECT_EQ(inform.events[0].event_code, "0 BOOTSTRAP");
    EXPECT_EQ(inform.retry_count, 3U);
    EXPECT_EQ(inform.max_envelopes, 1U);  // surrounding whitespace accepted
    expect_round_trip(e);
}

TEST(CwmpEnvelope, DecodesResponsesAndFaults) {
    const auto gpv = decoded("get_parameter_values_response.xml");
    EXPECT_EQ(gpv.cwmp_minor, 4);
    const auto& params = std::get<GetParameterValuesResponse>(gpv.rpc).parameters;
    ASSERT_EQ(params.size(), 2U);
    EXPECT_EQ(params[0].value, "");
    EXPECT_EQ(params[1].value, "6300");
    expect_round_trip(gpv);

    const auto tc = decoded("transfer_complete_fault.xml");
    EXPECT_EQ(std::get<TransferComplete>(tc.rpc).fault, (FaultStruct{9019, "File authentication failure"}));
    expect_round_trip(tc);

    const auto fault = decoded("fault_9005.xml");
    EXPECT_EQ(std::get<Fault>(fault.rpc).cwmp.fault_code, 9005U);
    EXPECT_EQ(std::string(rpc_name(fault.rpc)), "Fault");
    expect_round_trip(fault);

    EXPECT_EQ(std::get<SetParameterValuesResponse>(decoded("set_parameter_values_response.xml").rpc).status,
              1);
    EXPECT_EQ(std::get<DownloadResponse>(decoded("download_response.xml").rpc).status, 1);
}

TEST(CwmpEnvelope, EveryRpcRoundTrips) {
    Download download;
    download.command_key = "fw-42";
    download.url = "https://files.lab.test/fw.bin";
    download.file_size = 1048576;
    download.target_file_name = "fw.bin";
    const std::vector<Rpc> rpcs = {
        InformResponse{1},
        GetParameterValues{{"Device.DeviceInfo.", "Device.ManagementServer.URL"}},
        GetParameterValuesResponse{{{"Device.DeviceInfo.SerialNumber", "SN1", "xsd:string"}}},
        SetParameterValues{{{"Device.ManagementServer.PeriodicInformInterval", "60", "xsd:unsignedInt"}},
                           "k1"},
        SetParameterValuesResponse{0},
        Reboot{"reboot-1"},
        RebootResponse{},
        FactoryReset{},
        FactoryResetResponse{},
        download,
        DownloadResponse{},
        TransferComplete{"fw-42", {0, ""}, "2026-01-01T00:00:00Z", "2026-01-01T00:00:09Z"},
        TransferCompleteResponse{},
        Fault{"Server", "CWMP fault", {9002, "Internal error"}},
    };
    for (int minor = kMinNamespaceMinor; minor <= kMaxNamespaceMinor; ++minor) {
        for (const auto& rpc : rpcs) {
            SCOPED_TRACE(rpc_name(rpc));
            expect_round_trip(Envelope{"id-" + std::to_string(minor), minor, minor == 1, rpc});
        }
    }
}

TEST(CwmpEnvelope, NamesTheMissingElement) {
    auto e = decode_envelope(sample("inform_missing_oui.xml"));
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().what(), "CWMP envelope: missing element Inform/DeviceId/OUI");
}

TEST(CwmpEnvelope, RefusesMalformedEnvelopes) {
    const std::string soap = "http://schemas.xmlsoap.org/soap/envelope/";
    const auto error_of = [](const std::string& xml) {
        auto e = decode_envelope(xml);
        return e.ok() ? std::string("decoded") : e.error().what();
    };
    EXPECT_NE(error_of("<a><b></a>").find("not well-formed"), std::string::npos);
    EXPECT_NE(error_of("").find("not well-formed"), std::string::npos);
    EXPECT_NE(error_of("<Envelope/>").find("not a SOAP 1.1 Envelope"), std::string::npos);
    EXPECT_EQ(error_of("<s:Envelope xmlns:s='" + soap + "'/>"),
              "CWMP envelope: missing element Envelope/Body");
    EXPECT_EQ(error_of("<s:Envelope xmlns:s='" + soap + "'><s:Body/></s:Envelope>"),
              "CWMP envelope: missing element Envelope/Body/<RPC>");
    EXPECT_NE(error_of("<s:Envelope xmlns:s='" + soap +
                       "' xmlns:c='urn:dslforum-org:cwmp-1-5'><s:Body><c:Reboot>"
                       "<CommandKey/></c:Reboot></s:Body></s:Envelope>")
                  .find("expected urn:dslforum-org:cwmp-1-0 .. 1-4"),
              std::string::npos);
    EXPECT_EQ(error_of("<s:Envelope xmlns:s='" + soap +
                       "' xmlns:c='urn:dslforum-org:cwmp-1-0'><s:Body><c:Upload/>"
                       "</s:Body></s:Envelope>"),
              "CWMP envelope: unsupported RPC <Upload>");
    EXPECT_EQ(
        error_of(
            "<s:Envelope xmlns:s='" + soap +
            "' xmlns:c='urn:dslforum-org:cwmp-1-0'><s:Body>"
            "<c:InformResponse><MaxEnvelopes>-1</MaxEnvelopes></c:InformResponse></s:Body></s:Envelope>"),
        "CWMP envelope: InformResponse/MaxEnvelopes is '-1', expected an unsigned number");
    EXPECT_NE(
        error_of("<s:Envelope xmlns:s='" + soap +
                 "' xmlns:a='urn:dslforum-org:cwmp-1-0' xmlns:b='urn:dslforum-org:cwmp-1-2'><s:Header><a:ID>1"
                 "</a:ID></s:Header><s:Body><b:RebootResponse/></s:Body></s:Envelope>")
            .find("but the header uses cwmp-1-0"),
        std::string::npos);
    EXPECT_NE(error_of(std::string(kMaxEnvelopeBytes + 1, ' ')).find("accepted"), std::string::npos);
}

}  // namespace
}  // namespace hnbsec::cwmp
