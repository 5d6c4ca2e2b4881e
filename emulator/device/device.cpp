#include "emulator/device/device.h"

#include <algorithm>
#include <future>
#include <utility>

#include <fmt/format.h>

#include "emulator/device/requests.h"

namespace hnbsec::emulator {
namespace {

using std::chrono::milliseconds;

// How often a blocked step looks at the switches: short enough that `hpm remove` or
// `power off` acts within a blink, long enough to cost nothing.
constexpr milliseconds kPollSlice{20};
// Supervision asks the link whether it went down in slices of this length.
constexpr milliseconds kSupervisionSlice{100};
// Idle waits (off, integrity-failed, hpm-removed) re-check their condition this often.
constexpr milliseconds kIdleSlice{1000};

// The console log is one line per event: an error's context layers go on the same line.
std::string one_line(const Error& error) {
    std::string text = error.message();
    std::string out;
    for (std::size_t pos = 0; pos < text.size();) {
        const std::size_t newline = text.find('\n', pos);
        if (newline == std::string::npos) {
            out += text.substr(pos);
            break;
        }
        out += text.substr(pos, newline - pos);
        out += ";";
        pos = newline + 1;
        while (pos < text.size() && text[pos] == ' ') ++pos;
        out += " ";
    }
    return out;
}

}  // namespace

template <typename F>
std::optional<std::invoke_result_t<F>> Device::blocking(std::uint64_t epoch, bool hpm_matters, F&& fn) {
    auto future = std::async(std::launch::async, std::forward<F>(fn));
    bool interrupted = false;
    while (future.wait_for(kPollSlice) != std::future_status::ready) {
        if (interrupted) continue;
        const Interrupt why = interrupt(epoch, hpm_matters);
        if (why == Interrupt::kNone) continue;
        interrupted = true;
        drop_link(why);
    }
    auto value = future.get();
    if (interrupted) return std::nullopt;
    return value;
}

Device::Device(const HenbConfig& config, DefectSet& defects, ConsoleLog& log, tre::Tre& tre, DeviceDeps deps)
    : config_(config),
      defects_(defects),
      log_(log),
      tre_(tre),
      deps_(std::move(deps)),
      backoff_(config.segw.retry_base, config.segw.retry_max) {}

Device::~Device() {
    shutdown();
}

void Device::start() {
    const std::lock_guard lock(mutex_);
    if (thread_.joinable()) return;
    power_ = config_.boot.power_on;
    hpm_present_ = config_.boot.hpm_present;
    log_.line("power", power_ ? "on" : "off (waiting for `power on`)");
    if (!hpm_present_) log_.line("hpm", "removed at start");
    thread_ = std::thread([this] { run(); });
}

void Device::shutdown() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable()) thread_.join();
}

// ---- control channel actions ------------------------------------------------------------

void Device::power_on() {
    {
        const std::lock_guard lock(mutex_);
        if (power_) return;
        power_ = true;
        ++epoch_;
        log_.line("power", "on");
    }
    changed_.notify_all();
}

void Device::power_off() {
    {
        const std::lock_guard lock(mutex_);
        if (!power_) return;
        power_ = false;
        ++epoch_;
        log_.line("power", "off");
    }
    changed_.notify_all();
}

void Device::reboot() {
    {
        const std::lock_guard lock(mutex_);
        power_ = true;
        ++epoch_;
        log_.line("power", "reboot");
    }
    changed_.notify_all();
}

void Device::factory_reset() {
    {
        const std::lock_guard lock(mutex_);
        power_ = true;
        reset_pending_ = true;
        ++epoch_;
        log_.line("power", "factory reset");
    }
    changed_.notify_all();
}

void Device::hpm_remove() {
    {
        const std::lock_guard lock(mutex_);
        if (!hpm_present_) return;
        hpm_present_ = false;
        // The defect is read when the device acts on the removal, i.e. now.
        hpm_ignored_ = defects_.has(Defect::kIgnoreHpmRemoval);
        log_.line("hpm", "removed");
        if (hpm_ignored_) log_.line("defect", "ignore-hpm-removal: link and traffic kept");
    }
    changed_.notify_all();
}

void Device::hpm_insert() {
    {
        const std::lock_guard lock(mutex_);
        if (hpm_present_) return;
        hpm_present_ = true;
        hpm_ignored_ = false;
        log_.line("hpm", "inserted");
    }
    changed_.notify_all();
}

DeviceStatus Device::status() const {
    const std::lock_guard lock(mutex_);
    return DeviceStatus{power_, hpm_present_, state_, inner_address_, defects_.names()};
}

DeviceState Device::state() const {
    const std::lock_guard lock(mutex_);
    return state_;
}

bool Device::wait_for(DeviceState state, milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return state_ == state; });
}

std::time_t Device::device_time() const {
    return std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + clock_offset());
}

// ---- the boot thread ----------------------------------------------------------------------

void Device::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (!power_) {
            lock.unlock();
            set_state(DeviceState::kOff);
            lock.lock();
            changed_.wait_for(lock, kIdleSlice, [&] { return stopping_ || power_; });
            continue;
        }
        const std::uint64_t epoch = epoch_;
        if (reset_pending_) {
            reset_pending_ = false;
            inner_address_.clear();
            offset_ms_ = 0;
            log_.line("power", "factory reset: time offset and inner address forgotten");
        }
        lock.unlock();
        boot(epoch);
        // Power cut, reboot or shutdown: whatever the boot did, the device is off now.
        set_state(DeviceState::kOff);
        lock.lock();
    }
}

void Device::boot(std::uint64_t epoch) {
    set_state(DeviceState::kIntegrityCheck);
    const Status integrity = tre_.check_integrity();
    if (integrity) {
        log_.line("integrity", "ok: image SHA-256 matches its reference value");
    } else {
        log_.line("integrity", "FAILED: " + one_line(integrity.error()));
        if (!defects_.has(Defect::kIgnoreIntegrityFailure)) {
            // TRE-005: the TrE keeps the key; the device stays off the network until a
            // power cycle runs the check again.
            log_.line("integrity", "device key withheld; no network access");
            set_state(DeviceState::kIntegrityFailed);
            while (interrupt(epoch, false) == Interrupt::kNone) sleep_for(kIdleSlice, epoch, false);
            return;
        }
        log_.line("defect", "ignore-integrity-failure: booting anyway");
    }
    if (config_.time && !config_.time->inside) {
        set_state(DeviceState::kTimeSync);
        sync_time(outside_time_query(*config_.time, config_.backhaul, defects_), epoch, false);
    }
    connect_loop(epoch);
}

void Device::connect_loop(std::uint64_t epoch) {
    backoff_.reset();
    while (true) {
        const Interrupt why = interrupt(epoch, true);
        if (why == Interrupt::kStop || why == Interrupt::kPower) return;
        if (why == Interrupt::kHpm) {
            set_state(DeviceState::kHpmRemoved);
            std::unique_lock lock(mutex_);
            changed_.wait_for(lock, kIdleSlice, [&] {
                return hpm_present_ || interrupt_locked(epoch, false) != Interrupt::kNone;
            });
            continue;
        }
        const Attempt result = attempt(epoch);
        if (result == Attempt::kInterrupted) continue;
        const milliseconds delay = backoff_.next();
        set_state(DeviceState::kBackoff);
        log_.line("ike", fmt::format("next attempt in {} ms", delay.count()));
        sleep_for(delay, epoch, true);
    }
}

Device::Attempt Device::attempt(std::uint64_t epoch) {
    if (defects_.has(Defect::kTrafficBeforeAuth)) {
        if (config_.time) {
            log_.line("defect",
                      fmt::format("traffic-before-auth: NTP to {} before IKE_AUTH", config_.time->server));
            const TimeQuery probe = pre_auth_probe_query(*config_.time, config_.backhaul);
            if (!blocking(epoch, true, [&] { return deps_.query_time(probe); })) return Attempt::kInterrupted;
        } else {
            log_.line("defect", "traffic-before-auth: no [time] server configured, nothing to send");
        }
    }
    set_state(DeviceState::kIke);
    auto credentials = tre_.release(defects_.has(Defect::kIgnoreIntegrityFailure));
    if (!credentials) {
        log_.line("ike", "FAILED: " + one_line(credentials.error()));
        return Attempt::kFailed;
    }
    log_.line("ike", fmt::format("connecting to SeGW {} at {} as {}", config_.segw.fqdn, config_.segw.address,
                                 config_.device.identity));
    SegwLinkParams params;
    params.config = &config_;
    params.defects = &defects_;
    params.log = &log_;
    params.device_key = credentials->key;
    params.device_chain = credentials->chain;
    params.device_clock = [this] { return device_time(); };
    auto link = deps_.start_link(std::move(params));
    if (!link) {
        log_.line("ike", "FAILED: " + one_line(link.error()));
        return Attempt::kFailed;
    }
    link_ = std::move(link).value();
    link_closed_ = false;

    auto up = blocking(epoch, true, [&] { return link_->wait_up(config_.segw.ike_timeout); });
    if (!up) {
        end_link();
        return Attempt::kInterrupted;
    }
    if (!*up) {
        log_.line("ike", "FAILED: " + one_line(up->error()));
        link_->close(false);
        end_link();
        return Attempt::kFailed;
    }
    const TunnelInfo tunnel = std::move(*up).value();
    set_inner_address(tunnel.inner_address);
    set_state(DeviceState::kTunnelUp);

    if (config_.time && config_.time->inside) {
        set_state(DeviceState::kTimeSync);
        if (defects_.has(Defect::kNtpOutsideTunnel)) {
            log_.line("defect",
                      fmt::format("ntp-outside-tunnel: NTP in clear on {}", config_.backhaul.interface));
        }
        sync_time(inside_time_query(*config_.time, config_.backhaul, defects_, tunnel.inner_address), epoch,
                  true);
    }
    bool informed = !config_.hems.has_value();
    if (config_.hems && interrupt(epoch, true) == Interrupt::kNone) {
        set_state(DeviceState::kCwmp);
        informed = inform(epoch, *credentials);
    }
    if (const Interrupt why = interrupt(epoch, true); why != Interrupt::kNone) {
        drop_link(why);
        end_link();
        return Attempt::kInterrupted;
    }
    set_state(DeviceState::kInService);
    backoff_.reset();

    // A failed Inform is retried while the tunnel stands (TR-069 §3.2.1.1: a CPE retries its
    // session), waiting retry_base, doubling up to retry_max.
    auto inform_wait = config_.segw.retry_base;
    auto next_inform = std::chrono::steady_clock::now() + inform_wait;
    while (true) {
        if (const Interrupt why = interrupt(epoch, true); why != Interrupt::kNone) {
            drop_link(why);
            end_link();
            return Attempt::kInterrupted;
        }
        if (!informed && std::chrono::steady_clock::now() >= next_inform) {
            log_.line("cwmp", "retrying the Inform");
            informed = inform(epoch, *credentials);
            inform_wait = std::min(inform_wait * 2, config_.segw.retry_max);
            next_inform = std::chrono::steady_clock::now() + inform_wait;
            continue;
        }
        auto down = link_->wait_down(kSupervisionSlice);
        if (down || !link_->up()) {
            log_.line("ike", "link lost: " + (down ? *down : std::string("link down")));
            end_link();
            return Attempt::kLost;
        }
    }
}

void Device::sync_time(const TimeQuery& query, std::uint64_t epoch, bool hpm_matters) {
    std::string from;
    if (query.bind_address) from = " from " + *query.bind_address;
    if (query.bind_device) from = " on " + *query.bind_device;
    log_.line("ntp", fmt::format("query {}:{}{}", query.server, query.port, from));
    auto sample = blocking(epoch, hpm_matters, [&] { return deps_.query_time(query); });
    if (!sample) return;
    if (!*sample) {
        log_.line("ntp", "FAILED: " + one_line(sample->error()));
        return;
    }
    offset_ms_ = (*sample)->offset.count();
    log_.line("time", fmt::format("device clock set: offset {} ms (stratum {})", (*sample)->offset.count(),
                                  (*sample)->stratum));
}

bool Device::inform(std::uint64_t epoch, const tre::Credentials& credentials) {
    std::string inner;
    {
        const std::lock_guard lock(mutex_);
        inner = inner_address_;
    }
    const InformRequest request = inform_request(config_, defects_, inner, credentials);
    for (const Defect d :
         {Defect::kCwmpOutsideTunnel, Defect::kCwmpPlainHttp, Defect::kAcceptTls10,
          Defect::kAcceptUntrustedHemsCert, Defect::kSkipHemsHostnameCheck, Defect::kNoTlsClientCert}) {
        if (defects_.has(d)) log_.line("defect", fmt::format("{}: {}", info(d).name, info(d).wire_effect));
    }
    log_.line("cwmp", fmt::format("Inform 1 BOOT to {}", request.url));
    auto result = blocking(epoch, true, [&] { return deps_.send_inform(request); });
    if (!result) return false;
    if (!*result) {
        log_.line("cwmp", "FAILED: " + one_line(result->error()));
        return false;
    }
    const InformResult& r = **result;
    log_.line("cwmp", fmt::format("Inform answered: HTTP {}{}, {} {}, session end HTTP {}", r.inform_status,
                                  r.inform_response ? " InformResponse" : " (no InformResponse)",
                                  r.tls_version, r.cipher, r.close_status));
    return r.inform_response;
}

// ---- helpers --------------------------------------------------------------------------------

Device::Interrupt Device::interrupt(std::uint64_t epoch, bool hpm_matters) const {
    const std::lock_guard lock(mutex_);
    return interrupt_locked(epoch, hpm_matters);
}

Device::Interrupt Device::interrupt_locked(std::uint64_t epoch, bool hpm_matters) const {
    if (stopping_) return Interrupt::kStop;
    if (!power_ || epoch != epoch_) return Interrupt::kPower;
    if (hpm_matters && !hpm_present_ && !hpm_ignored_) return Interrupt::kHpm;
    return Interrupt::kNone;
}

Device::Interrupt Device::sleep_for(milliseconds duration, std::uint64_t epoch, bool hpm_matters) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, duration,
                      [&] { return interrupt_locked(epoch, hpm_matters) != Interrupt::kNone; });
    return interrupt_locked(epoch, hpm_matters);
}

void Device::set_state(DeviceState state) {
    {
        const std::lock_guard lock(mutex_);
        if (state_ == state) return;
        state_ = state;
        log_.line("state", to_string(state));
    }
    changed_.notify_all();
}

void Device::set_inner_address(std::string address) {
    const std::lock_guard lock(mutex_);
    inner_address_ = std::move(address);
}

void Device::drop_link(Interrupt why) {
    if (!link_ || link_closed_) return;
    link_closed_ = true;
    switch (why) {
        case Interrupt::kStop:
            log_.line("ike", "shutting down: DELETE of the IKE SA");
            link_->close(true);
            break;
        case Interrupt::kHpm:
            log_.line("hpm", "air interface off, DELETE of the IKE SA, tunnel down");
            link_->close(true);
            break;
        case Interrupt::kPower:
        case Interrupt::kNone:
            // A device whose power is cut says nothing.
            log_.line("power", "link dropped without DELETE");
            link_->close(false);
            break;
    }
}

void Device::end_link() {
    link_.reset();
    link_closed_ = false;
    set_inner_address({});
}

}  // namespace hnbsec::emulator
