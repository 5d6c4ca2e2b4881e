#include "emulator/services/acs_reply.h"

#include <gtest/gtest.h>

#include "proto/cwmp/envelope.h"

namespace hnbsec::emulator {
namespace {

http::Response ok_with(const cwmp::Rpc& rpc, const std::string& id = "1") {
    http::Response response;
    response.status = 200;
    response.body = cwmp::encode_envelope(cwmp::Envelope{id, 0, false, rpc});
    return response;
}

TEST(AcsReplyTest, InformResponseIsAccepted) {
    EXPECT_TRUE(check_inform_reply(ok_with(cwmp::InformResponse{})).ok());
}

TEST(AcsReplyTest, InformRefusalsNameTheStatusOrTheBody) {
    http::Response unauthorised;
    unauthorised.status = 401;
    auto refused = check_inform_reply(unauthorised);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().what().find("HTTP 401 Unauthorized"), std::string::npos)
        << refused.error().what();

    cwmp::Fault fault;
    fault.cwmp = {8002, "Internal error"};
    refused = check_inform_reply(ok_with(fault));
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().what().find("8002"), std::string::npos) << refused.error().what();

    http::Response garbage;
    garbage.body = "<not-soap/>";
    EXPECT_FALSE(check_inform_reply(garbage).ok());
}

TEST(AcsReplyTest, NoContentOrEmptyOkEndsTheSession) {
    http::Response no_content;
    no_content.status = 204;
    auto turn = next_acs_turn(no_content);
    ASSERT_TRUE(turn.ok());
    EXPECT_TRUE(turn->session_end);
    http::Response empty_ok;
    turn = next_acs_turn(empty_ok);
    ASSERT_TRUE(turn.ok());
    EXPECT_TRUE(turn->session_end);
}

TEST(AcsReplyTest, AnAcsRequestIsAnsweredWithFault9000) {
    auto turn = next_acs_turn(ok_with(cwmp::GetParameterValues{{"Device.DeviceInfo."}}, "req-7"));
    ASSERT_TRUE(turn.ok()) << turn.error().message();
    EXPECT_FALSE(turn->session_end);
    EXPECT_EQ(turn->request_name, "GetParameterValues");
    auto answer = cwmp::decode_envelope(turn->answer);
    ASSERT_TRUE(answer.ok()) << answer.error().message();
    EXPECT_EQ(answer->id, "req-7");
    const auto* fault = std::get_if<cwmp::Fault>(&answer->rpc);
    ASSERT_NE(fault, nullptr);
    EXPECT_EQ(fault->cwmp.fault_code, 9000U);
}

TEST(AcsReplyTest, ResponsesOrErrorsInPlaceOfARequestAreRefused) {
    EXPECT_FALSE(next_acs_turn(ok_with(cwmp::InformResponse{})).ok());
    http::Response server_error;
    server_error.status = 500;
    auto refused = next_acs_turn(server_error);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().what().find("500"), std::string::npos);
}

}  // namespace
}  // namespace hnbsec::emulator
