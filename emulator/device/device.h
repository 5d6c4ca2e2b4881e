#pragma once
// The emulated H(e)NB's life: power, the boot sequence of emulator/README.md ("Boot"), HPM
// removal and insertion, supervision of the link with back-off. One boot thread runs the
// sequence and is the one place that decides what happens next; the control channel only
// changes the switches (power, HPM, an epoch for reboots) and wakes it. Every step that can
// block runs so the boot thread still notices a switch within tens of milliseconds and
// reacts (cuts the link silently on power loss, sends DELETE on HPM removal or shutdown).
//
// The network clients come in as std::functions, so unit tests run the state machine with
// fakes and the main wires in SegwLink::start, query_time and send_inform.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "core/result.h"
#include "emulator/config/henb_config.h"
#include "emulator/defects/defect.h"
#include "emulator/device/backoff.h"
#include "emulator/device/device_state.h"
#include "emulator/log/console_log.h"
#include "emulator/segw_link/segw_link.h"
#include "emulator/services/cwmp_client.h"
#include "emulator/services/time_client.h"
#include "emulator/tre/tre.h"

namespace hnbsec::emulator {

struct DeviceDeps {
    std::function<Result<std::unique_ptr<SegwLink>>(SegwLinkParams)> start_link;
    std::function<Result<TimeSample>(const TimeQuery&)> query_time;
    std::function<Result<InformResult>(const InformRequest&)> send_inform;
};

struct DeviceStatus {
    bool power = false;
    bool hpm_present = true;
    DeviceState state = DeviceState::kOff;
    std::string inner_address;  // empty without a tunnel
    std::vector<std::string> defects;
};

class Device {
public:
    // Everything passed by reference must outlive the Device.
    Device(const HenbConfig& config, DefectSet& defects, ConsoleLog& log, tre::Tre& tre, DeviceDeps deps);
    ~Device();
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    // Starts the boot thread with power and HPM as [boot] says.
    void start();
    // Clean exit (SIGTERM): DELETE of the IKE SA if there is one, then the thread ends.
    // Idempotent; the destructor calls it.
    void shutdown();

    // Control channel actions; each returns at once, the boot thread acts on it.
    void power_on();
    void power_off();
    void reboot();
    void factory_reset();
    void hpm_remove();
    void hpm_insert();

    DeviceStatus status() const;
    DeviceState state() const;
    // True once the device is in `state` (at once if it already is), false after `timeout`.
    bool wait_for(DeviceState state, std::chrono::milliseconds timeout) const;

    // The device clock: system clock + the offset its last NTP exchange measured.
    std::time_t device_time() const;
    std::chrono::milliseconds clock_offset() const { return std::chrono::milliseconds(offset_ms_.load()); }

private:
    // Why the boot thread must leave what it is doing.
    enum class Interrupt { kNone, kStop, kPower, kHpm };
    // How an attempt at the link ended.
    enum class Attempt { kFailed, kLost, kInterrupted };

    void run();
    void boot(std::uint64_t epoch);
    void connect_loop(std::uint64_t epoch);
    Attempt attempt(std::uint64_t epoch);
    void sync_time(const TimeQuery& query, std::uint64_t epoch, bool hpm_matters);
    // One Inform session; true when the H(e)MS answered it with an InformResponse.
    bool inform(std::uint64_t epoch, const tre::Credentials& credentials);

    Interrupt interrupt(std::uint64_t epoch, bool hpm_matters) const;
    Interrupt interrupt_locked(std::uint64_t epoch, bool hpm_matters) const;
    // Sleeps up to `duration`; returns early with the interrupt that woke it.
    Interrupt sleep_for(std::chrono::milliseconds duration, std::uint64_t epoch, bool hpm_matters);
    void set_state(DeviceState state);
    void set_inner_address(std::string address);
    // Closes the link as the interrupt demands (once); the link object stays until end_link.
    void drop_link(Interrupt why);
    void end_link();

    // Runs `fn` on a helper thread and polls for interrupts while it blocks; on one, drops
    // the link (which ends the link's waits and the tunnel's traffic) and waits for `fn` to
    // return. nullopt when interrupted.
    template <typename F>
    std::optional<std::invoke_result_t<F>> blocking(std::uint64_t epoch, bool hpm_matters, F&& fn);

    const HenbConfig& config_;
    DefectSet& defects_;
    ConsoleLog& log_;
    tre::Tre& tre_;
    DeviceDeps deps_;

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;  // any switch or state change
    bool stopping_ = false;
    bool power_ = false;
    bool hpm_present_ = true;
    bool hpm_ignored_ = false;  // removed while ignore-hpm-removal was set
    bool reset_pending_ = false;
    std::uint64_t epoch_ = 0;  // bumped by every power change, reboot and reset
    DeviceState state_ = DeviceState::kOff;
    std::string inner_address_;

    // Boot thread only.
    std::unique_ptr<SegwLink> link_;
    bool link_closed_ = false;
    Backoff backoff_;

    std::atomic<std::int64_t> offset_ms_{0};
    std::thread thread_;
};

}  // namespace hnbsec::emulator
