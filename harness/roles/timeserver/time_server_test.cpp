// The time server over real UDP on loopback: a local client socket sends requests,
// the test waits for the answer and the event with deadlines, knobs turn at runtime.
#include "harness/roles/timeserver/time_server.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include "proto/ntp/kiss_of_death.h"

namespace hnbsec::timeserver {
namespace {

using namespace std::chrono_literals;

class EventQueue {
public:
    void push(const RequestEvent& event) {
        std::lock_guard lock(mutex_);
        events_.push_back(event);
        ready_.notify_all();
    }
    std::optional<RequestEvent> pop(std::chrono::milliseconds deadline = 5s) {
        std::unique_lock lock(mutex_);
        if (!ready_.wait_for(lock, deadline, [this] { return !events_.empty(); })) return std::nullopt;
        RequestEvent event = events_.front();
        events_.pop_front();
        return event;
    }

private:
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<RequestEvent> events_;
};

class TimeServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = std::make_unique<TimeServer>(io_, ServerKnobs{},
                                               [this](const RequestEvent& e) { events_.push(e); });
        ASSERT_TRUE(server_->listen({"127.0.0.1", 0, Path::kPublic}).ok());
        server_->start();
        thread_ = std::thread([this] { io_.run(); });
        client_.open(asio::ip::udp::v4());
        client_.bind({asio::ip::make_address("127.0.0.1"), 0});
    }
    void TearDown() override {
        server_->stop();
        work_.reset();
        thread_.join();
    }

    void send(const ntp::Bytes& bytes, const asio::ip::udp::endpoint& to) {
        client_.send_to(asio::buffer(bytes), to);
    }
    // Waits up to `deadline` for one datagram on the client socket.
    std::optional<ntp::Bytes> receive(std::chrono::milliseconds deadline = 5s) {
        pollfd fd{client_.native_handle(), POLLIN, 0};
        if (::poll(&fd, 1, static_cast<int>(deadline.count())) != 1) return std::nullopt;
        ntp::Bytes buffer(2048);
        asio::ip::udp::endpoint from;
        buffer.resize(client_.receive_from(asio::buffer(buffer), from));
        return buffer;
    }
    asio::ip::udp::endpoint server_endpoint() const { return server_->local_endpoints().front(); }

    static ntp::Bytes request() {
        ntp::Packet packet;
        packet.transmit = ntp::to_ntp(ntp::SystemTime(std::chrono::seconds(1'790'000'000)));
        return ntp::encode_packet(packet).value();
    }

    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
    std::unique_ptr<TimeServer> server_;
    std::thread thread_;
    EventQueue events_;
    asio::ip::udp::socket client_{io_};
};

TEST_F(TimeServerTest, AnswersAndReportsEachRequest) {
    send(request(), server_endpoint());
    auto answer = receive();
    ASSERT_TRUE(answer.has_value());
    auto packet = ntp::decode_packet(*answer);
    ASSERT_TRUE(packet.ok()) << packet.error().message();
    EXPECT_EQ(packet->mode, ntp::Mode::kServer);
    EXPECT_LT(
        std::chrono::abs(ntp::from_ntp(packet->transmit,
                                       ntp::SystemTime(std::chrono::system_clock::now().time_since_epoch())) -
                         ntp::SystemTime(std::chrono::system_clock::now().time_since_epoch())),
        5s);

    auto event = events_.pop();
    ASSERT_TRUE(event.has_value());
    EXPECT_TRUE(event->answered);
    EXPECT_EQ(event->path, Path::kPublic);
    EXPECT_EQ(event->client, to_string(client_.local_endpoint()));
    EXPECT_EQ(event->listener, to_string(server_endpoint()));
    EXPECT_EQ(event->client_transmit, ntp::to_ntp(ntp::SystemTime(std::chrono::seconds(1'790'000'000))));
    EXPECT_NE(to_string(*event).find(" in clear to "), std::string::npos);
}

TEST_F(TimeServerTest, KnobsTurnAtRuntime) {
    server_->knobs().update([](ServerKnobs& k) { k.kiss_code = "RATE"; });
    send(request(), server_endpoint());
    auto kod = receive();
    ASSERT_TRUE(kod.has_value());
    EXPECT_EQ(ntp::kiss_code(ntp::decode_packet(*kod).value()), "RATE");
    ASSERT_TRUE(events_.pop().has_value());

    server_->knobs().update([](ServerKnobs& k) {
        k.kiss_code.reset();
        k.no_answer = true;
    });
    send(request(), server_endpoint());
    auto silent = events_.pop();  // the event proves the request was handled
    ASSERT_TRUE(silent.has_value());
    EXPECT_FALSE(silent->answered);
    EXPECT_FALSE(receive(0ms).has_value());

    server_->knobs().update([](ServerKnobs& k) {
        k.no_answer = false;
        k.offset = 1000s;
    });
    send(request(), server_endpoint());
    auto shifted = receive();
    ASSERT_TRUE(shifted.has_value());
    const auto now = ntp::SystemTime(std::chrono::system_clock::now().time_since_epoch());
    const auto their_time = ntp::from_ntp(ntp::decode_packet(*shifted).value().transmit, now);
    EXPECT_LT(std::chrono::abs(their_time - now - 1000s), 5s);
    ASSERT_TRUE(events_.pop().has_value());
}

TEST_F(TimeServerTest, AnswerDelayHoldsTheAnswer) {
    server_->knobs().update([](ServerKnobs& k) { k.answer_delay = 300ms; });
    const auto start = std::chrono::steady_clock::now();
    send(request(), server_endpoint());
    ASSERT_TRUE(receive().has_value());
    EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
    ASSERT_TRUE(events_.pop().has_value());
}

TEST_F(TimeServerTest, MalformedDatagramIsReported) {
    send(ntp::Bytes{0xff, 0x00}, server_endpoint());
    auto event = events_.pop();
    ASSERT_TRUE(event.has_value());
    EXPECT_FALSE(event->malformed.empty());
    EXPECT_FALSE(event->answered);
    // Still serving afterwards.
    send(request(), server_endpoint());
    EXPECT_TRUE(receive().has_value());
}

TEST(TimeServerAdopt, ServesOnAHandedOverSocketTaggedInsideTunnel) {
    asio::io_context io;
    EventQueue events;
    TimeServer server(io, ServerKnobs{}, [&events](const RequestEvent& e) { events.push(e); });
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
    ASSERT_TRUE(server.adopt(fd, Path::kInsideTunnel).ok());
    EXPECT_FALSE(server.adopt(-1, Path::kPublic).ok());
    server.start();
    auto guard = asio::make_work_guard(io);
    std::thread thread([&io] { io.run(); });

    asio::ip::udp::socket client(io, {asio::ip::make_address("127.0.0.1"), 0});
    ntp::Packet packet;
    client.send_to(asio::buffer(ntp::encode_packet(packet).value()), server.local_endpoints().front());
    auto event = events.pop();
    ASSERT_TRUE(event.has_value());
    EXPECT_EQ(event->path, Path::kInsideTunnel);
    EXPECT_NE(to_string(*event).find(" inside ESP to "), std::string::npos);
    server.stop();
    guard.reset();
    thread.join();
}

TEST(TimeServerListen, ParsesAddresses) {
    auto v4 = parse_listen_address("10.78.0.123:11123", Path::kInsideTunnel);
    ASSERT_TRUE(v4.ok());
    EXPECT_EQ(v4->address, "10.78.0.123");
    EXPECT_EQ(v4->port, 11123);
    auto v6 = parse_listen_address("[::1]:123", Path::kPublic);
    ASSERT_TRUE(v6.ok());
    EXPECT_EQ(v6->address, "::1");
    auto bare = parse_listen_address("127.0.0.1", Path::kPublic);
    ASSERT_TRUE(bare.ok());
    EXPECT_EQ(bare->port, 123);
    EXPECT_FALSE(parse_listen_address("host.example:123", Path::kPublic).ok());
    EXPECT_FALSE(parse_listen_address("127.0.0.1:70000", Path::kPublic).ok());
}

}  // namespace
}  // namespace hnbsec::timeserver
