#pragma once
// Fakes for the device's network clients: a FakeWorld records every link started, closed,
// NTP query and Inform, and scripts their outcomes; FakeLink is one scripted SegwLink.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "emulator/config/henb_config.h"
#include "emulator/device/device.h"
#include "emulator/tre/test_support.h"

namespace hnbsec::emulator::testing {

using namespace std::chrono_literals;

constexpr const char* kAbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* kInner = "10.78.1.2";

class FakeWorld;

class FakeLink : public SegwLink {
public:
    FakeLink(FakeWorld& world, Result<TunnelInfo> outcome) : world_(world), outcome_(std::move(outcome)) {}
    ~FakeLink() override;
    FakeLink(const FakeLink&) = delete;
    FakeLink& operator=(const FakeLink&) = delete;
    Result<TunnelInfo> wait_up(std::chrono::milliseconds timeout) override;
    Result<std::string> wait_down(std::chrono::milliseconds timeout) override;
    bool up() const override;
    void close(bool send_delete) override;

    bool lost = false;  // guarded by the world's mutex
    bool closed = false;

private:
    FakeWorld& world_;
    Result<TunnelInfo> outcome_;
};

class FakeWorld {
public:
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::string> events;  // "ntp ...", "link", "close delete|silent", "inform ..."
    std::vector<TimeQuery> time_queries;
    std::vector<InformRequest> informs;
    std::vector<bool> closes;
    int links_started = 0;
    FakeLink* current = nullptr;
    bool link_params_ok = true;
    std::function<std::time_t()> device_clock;
    std::deque<Result<TunnelInfo>> outcomes;  // per attempt; empty = up with kInner
    std::chrono::milliseconds offset{5000};
    bool block_inform_until_closed = false;
    int failing_informs = 0;  // the first N Informs fail (connection refused)

    DeviceDeps deps() {
        return DeviceDeps{
            [this](SegwLinkParams params) -> Result<std::unique_ptr<SegwLink>> {
                const std::lock_guard lock(mutex);
                ++links_started;
                events.emplace_back("link");
                link_params_ok = params.config != nullptr && params.defects != nullptr &&
                                 params.log != nullptr && params.device_key != nullptr &&
                                 params.device_chain.size() == 1;
                device_clock = params.device_clock;
                Result<TunnelInfo> outcome = TunnelInfo{kInner, "henb0"};
                if (!outcomes.empty()) {
                    outcome = std::move(outcomes.front());
                    outcomes.pop_front();
                }
                auto link = std::make_unique<FakeLink>(*this, std::move(outcome));
                current = link.get();
                changed.notify_all();
                return std::unique_ptr<SegwLink>(std::move(link));
            },
            [this](const TimeQuery& query) -> Result<TimeSample> {
                const std::lock_guard lock(mutex);
                time_queries.push_back(query);
                events.emplace_back("ntp " + (query.bind_address ? *query.bind_address
                                                                 : "dev:" + query.bind_device.value_or("")));
                changed.notify_all();
                return TimeSample{std::chrono::system_clock::now() + offset, offset, 2};
            },
            [this](const InformRequest& request) -> Result<InformResult> {
                std::unique_lock lock(mutex);
                informs.push_back(request);
                events.emplace_back("inform " + request.url);
                changed.notify_all();
                if (failing_informs > 0) {
                    --failing_informs;
                    return Error("connect to 10.78.0.10:7547: connection refused");
                }
                if (block_inform_until_closed) {
                    changed.wait_for(lock, 5s, [&] { return current == nullptr || current->closed; });
                    return Error("connection reset: tunnel gone");
                }
                return InformResult{"TLSv1.3", "TLS_AES_256_GCM_SHA384", "CN=hems", 200, true, 204};
            },
        };
    }

    // Waits (up to 5 s) until `pred` holds under the world's lock.
    bool wait(const std::function<bool()>& pred) { return wait_for_ms(5000, pred); }
    bool wait_for_ms(int ms, const std::function<bool()>& pred) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, std::chrono::milliseconds(ms), pred);
    }

    void lose_link() {
        const std::lock_guard lock(mutex);
        if (current != nullptr) current->lost = true;
        changed.notify_all();
    }
};

inline FakeLink::~FakeLink() {
    const std::lock_guard lock(world_.mutex);
    if (world_.current == this) world_.current = nullptr;
}

inline Result<TunnelInfo> FakeLink::wait_up(std::chrono::milliseconds timeout) {
    std::unique_lock lock(world_.mutex);
    if (!outcome_) {
        // A failed attempt takes a moment, like a timeout would; close() ends it early.
        world_.changed.wait_for(lock, std::min(timeout, std::chrono::milliseconds(5)),
                                [&] { return closed; });
        return Error(outcome_.error().what());
    }
    if (closed) return Error("closed");
    return outcome_.value();
}

inline Result<std::string> FakeLink::wait_down(std::chrono::milliseconds timeout) {
    std::unique_lock lock(world_.mutex);
    if (world_.changed.wait_for(lock, timeout, [&] { return lost || closed; })) {
        return std::string(lost ? "peer DELETE" : "closed");
    }
    return Error("still up");
}

inline bool FakeLink::up() const {
    const std::lock_guard lock(world_.mutex);
    return outcome_.ok() && !lost && !closed;
}

inline void FakeLink::close(bool send_delete) {
    const std::lock_guard lock(world_.mutex);
    if (closed) return;
    closed = true;
    world_.closes.push_back(send_delete);
    world_.events.emplace_back(send_delete ? "close delete" : "close silent");
    if (world_.current == this) world_.current = nullptr;
    world_.changed.notify_all();
}

inline HenbConfig make_config(const std::filesystem::path& dir) {
    HenbConfig config;
    config.device.identity = "00A0C9000001.hnb.lab.test";
    config.device.state_dir = dir;
    config.device.control_socket = dir / "control.sock";
    config.device.image = dir / "image.bin";
    config.device.image_sha256 = kAbcSha256;
    config.certificates.device_chain = dir / "chain.pem";
    config.certificates.trust_anchors = dir / "trust.pem";
    config.segw.address = "192.168.77.1";
    config.segw.fqdn = "segw.lab.test";
    config.segw.retry_base = 20ms;
    config.segw.retry_max = 80ms;
    config.segw.ike_timeout = 500ms;
    config.backhaul.interface = "veth-dut";
    config.backhaul.address = "192.168.77.2";
    config.time = TimeSection{"10.78.0.123", 123, true, 300ms};
    config.hems = HemsSection{"https://10.78.0.10:7547/cwmp", true, std::nullopt, 300ms};
    return config;
}

// A device with fakes, a real TrE (image "abc" unless told otherwise) and a log file.
class DeviceTest : public ::testing::Test {
protected:
    void SetUp() override {
        config_ = make_config(dir_.path());
        dir_.write("chain.pem", self_signed_pem("device"));
        dir_.write("image.bin", "abc");
        log_.quiet_stderr();
        ASSERT_TRUE(log_.open_file(dir_.path() / "console.log"));
    }
    void TearDown() override {
        if (device_) device_->shutdown();
    }

    Device& start() {
        tre_ = std::make_unique<tre::Tre>(
            tre::TreSettings{config_.device.image, config_.device.image_sha256,
                             config_.certificates.device_chain},
            [] { return Result<tre::DeviceKey>(tre::DeviceKey::from_software_key(make_ec_key())); });
        device_ = std::make_unique<Device>(config_, defects_, log_, *tre_, world_.deps());
        device_->start();
        return *device_;
    }

    std::string log_text() const {
        std::ifstream in(dir_.path() / "console.log");
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }

    // The log's `state` lines, in order.
    std::vector<std::string> states() const {
        std::vector<std::string> out;
        std::istringstream in(log_text());
        std::string time;
        std::string step;
        std::string rest;
        while (in >> time >> step && std::getline(in, rest)) {
            if (step == "state") out.push_back(rest.substr(1));
        }
        return out;
    }

    TempDir dir_;
    HenbConfig config_;
    DefectSet defects_;
    ConsoleLog log_;
    FakeWorld world_;
    std::unique_ptr<tre::Tre> tre_;
    std::unique_ptr<Device> device_;
};

}  // namespace hnbsec::emulator::testing
