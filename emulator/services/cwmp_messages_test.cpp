#include "emulator/services/cwmp_messages.h"

#include <gtest/gtest.h>

#include "proto/http/serialize.h"

namespace hnbsec::emulator {
namespace {

CwmpDeviceId device() {
    CwmpDeviceId id;
    id.oui = "00A0C9";
    id.serial_number = "00A0C9000001";
    return id;
}

constexpr std::chrono::system_clock::time_point kNow{std::chrono::seconds(1'795'000'000)};

TEST(CwmpMessagesTest, DateTimeIsUtcXsdDateTime) {
    EXPECT_EQ(cwmp_date_time(kNow), "2026-11-18T11:06:40Z");
}

TEST(CwmpMessagesTest, BootInformCarriesDeviceIdEventAndParameters) {
    const cwmp::Envelope envelope = make_boot_inform(device(), "http://10.78.0.2:7547/", kNow, "42");
    EXPECT_EQ(envelope.id, "42");
    const auto* inform = std::get_if<cwmp::Inform>(&envelope.rpc);
    ASSERT_NE(inform, nullptr);
    EXPECT_EQ(inform->device_id.manufacturer, "hnbsec");
    EXPECT_EQ(inform->device_id.oui, "00A0C9");
    EXPECT_EQ(inform->device_id.product_class, "emulated-HeNB");
    EXPECT_EQ(inform->device_id.serial_number, "00A0C9000001");
    ASSERT_EQ(inform->events.size(), 1U);
    EXPECT_EQ(inform->events[0].event_code, "1 BOOT");
    EXPECT_EQ(inform->max_envelopes, 1U);
    EXPECT_EQ(inform->retry_count, 0U);
    EXPECT_EQ(inform->current_time, "2026-11-18T11:06:40Z");
    bool has_url = false;
    for (const auto& p : inform->parameters) {
        if (p.name == "Device.ManagementServer.ConnectionRequestURL") {
            has_url = true;
            EXPECT_EQ(p.value, "http://10.78.0.2:7547/");
        }
    }
    EXPECT_TRUE(has_url);

    // It survives our own decoder: what an ACS built on proto/cwmp will read.
    auto decoded = cwmp::decode_envelope(cwmp::encode_envelope(envelope));
    ASSERT_TRUE(decoded.ok()) << decoded.error().message();
    EXPECT_EQ(*decoded, envelope);
}

TEST(CwmpMessagesTest, MethodNotSupportedEchoesTheId) {
    cwmp::Envelope request{"abc", 2, false, cwmp::Reboot{"k"}};
    const cwmp::Envelope fault = make_method_not_supported(request);
    EXPECT_EQ(fault.id, "abc");
    EXPECT_EQ(fault.cwmp_minor, 2);
    const auto* f = std::get_if<cwmp::Fault>(&fault.rpc);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->soap_fault_code, "Server");
    EXPECT_EQ(f->cwmp.fault_code, 9000U);
}

TEST(CwmpMessagesTest, PostWithBodyHasSoapHeaders) {
    auto url = parse_cwmp_url("https://hems.lab.test:7547/cwmp");
    ASSERT_TRUE(url.ok());
    const http::Request post = make_cwmp_post(*url, "<xml/>", "urn:dslforum-org:cwmp-1-0#Inform", {"s=1"});
    const std::string wire = http::serialize(post);
    EXPECT_EQ(wire.rfind("POST /cwmp HTTP/1.1\r\n", 0), 0U) << wire;
    EXPECT_NE(wire.find("Host: hems.lab.test:7547\r\n"), std::string::npos);
    EXPECT_NE(wire.find("Content-Type: text/xml; charset=\"utf-8\"\r\n"), std::string::npos);
    EXPECT_NE(wire.find("SOAPAction: \"urn:dslforum-org:cwmp-1-0#Inform\"\r\n"), std::string::npos);
    EXPECT_NE(wire.find("Cookie: s=1\r\n"), std::string::npos);
    EXPECT_NE(wire.find("Connection: keep-alive\r\n"), std::string::npos);
    EXPECT_NE(wire.find("Content-Length: 6\r\n"), std::string::npos);
}

TEST(CwmpMessagesTest, EmptyPostHasZeroLengthAndNoSoapAction) {
    auto url = parse_cwmp_url("https://10.78.0.10/");
    ASSERT_TRUE(url.ok());
    const std::string wire = http::serialize(make_cwmp_post(*url, "", "", {}));
    EXPECT_NE(wire.find("Content-Length: 0\r\n"), std::string::npos) << wire;
    EXPECT_EQ(wire.find("SOAPAction"), std::string::npos);
    EXPECT_EQ(wire.find("Content-Type"), std::string::npos);
}

TEST(CwmpMessagesTest, CookiesAreRememberedByName) {
    http::Response response;
    response.headers = {{"Set-Cookie", "session=1; Path=/; HttpOnly"}, {"set-cookie", "other=x"}};
    std::vector<std::string> cookies;
    remember_cookies(response, cookies);
    EXPECT_EQ(cookies, (std::vector<std::string>{"session=1", "other=x"}));
    response.headers = {{"Set-Cookie", "session=2"}};
    remember_cookies(response, cookies);
    EXPECT_EQ(cookies, (std::vector<std::string>{"other=x", "session=2"}));
}

}  // namespace
}  // namespace hnbsec::emulator
