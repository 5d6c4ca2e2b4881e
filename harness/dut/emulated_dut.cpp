#include "harness/dut/emulated_dut.h"

#include <csignal>
#include <cstdlib>
#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

#include "emulator/control/control_client.h"

namespace hnbsec::dut {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kBinaryName = "hnbsec-henb";

Status write_text(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    out.close();
    if (!out) return Error("cannot write " + path.string());
    return Ok{};
}

// A defect name goes into a command line: one word, nothing the line protocol could misread.
bool is_word(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '-' || c == '_' || c == '.';
        if (!ok) return false;
    }
    return true;
}

// The last lines of the emulator's output, for an error message.
std::string tail_of(const fs::path& file) {
    std::ifstream in(file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    constexpr std::size_t kTail = 1500;
    return text.size() > kTail ? "..." + text.substr(text.size() - kTail) : text;
}

}  // namespace

Result<fs::path> find_henb_binary() {
    if (const char* env = std::getenv("HNBSEC_HENB");
        env != nullptr && *env != '\0') {  // NOLINT(concurrency-mt-unsafe)
        if (::access(env, X_OK) != 0)
            return Error(std::string("HNBSEC_HENB=") + env + " is not an executable");
        return fs::path(env);
    }
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return Error("cannot read /proc/self/exe: " + ec.message());
    const fs::path candidate = self.parent_path() / kBinaryName;
    if (::access(candidate.c_str(), X_OK) != 0)
        return Error(std::string(kBinaryName) + " not found at " + candidate.string() +
                     " (build the hnbsec-henb target, or set HNBSEC_HENB)");
    return candidate;
}

EmulatedDut::EmulatedDut(EmulatedDutFiles files, fs::path binary, const net::NetworkPlan& plan,
                         EmulatedDutOptions options)
    : files_(std::move(files)),
      binary_(std::move(binary)),
      ns_(plan.dut_ns),
      interface_(plan.public_link),
      outer_address_(plan.dut_address),
      options_(std::move(options)) {}

EmulatedDut::~EmulatedDut() {
    (void)stop();
}

Result<std::unique_ptr<EmulatedDut>> EmulatedDut::create(const profile::Profile& profile,
                                                         const pki::Manifest& manifest,
                                                         const net::NetworkPlan& plan,
                                                         EmulatedDutOptions options) {
    if (plan.dut_ns.empty()) return Error("the network plan has no DUT namespace for the emulated DUT");
    fs::path binary;
    if (options.henb_binary) {
        binary = *options.henb_binary;
    } else {
        HNBSEC_TRY(binary, find_henb_binary());
    }
    EmulatedDutFiles files = emulated_dut_files(options.run_dir);
    std::error_code ec;
    fs::create_directories(files.state_dir, ec);
    if (ec) return Error("cannot create " + files.state_dir.string() + ": " + ec.message());
    ::chmod(files.run_dir.c_str(), 0700);
    ::chmod(files.state_dir.c_str(), 0700);
    HNBSEC_TRY(const std::string sha256, write_image(files.image));
    HNBSEC_TRY(const std::string text,
               render_henb_config(profile, manifest, plan, files, sha256, options.config));
    HNBSEC_CHECK(write_text(files.config, text));
    return std::unique_ptr<EmulatedDut>(
        new EmulatedDut(std::move(files), std::move(binary), plan, std::move(options)));
}

Result<std::string> EmulatedDut::command(const std::string& line,
                                         std::optional<std::chrono::milliseconds> timeout) {
    if (!process_ || !process_->running()) {
        std::string why = process_ && process_->exit_status()
                              ? " (it ended with " + process_->exit_status()->describe() + ")"
                              : "";
        return Error("hnbsec-henb is not running" + why + "; cannot send '" + line + "'");
    }
    return emulator::control::control_request(files_.control_socket, line,
                                              timeout.value_or(options_.control_timeout));
}

Result<ActionResult> EmulatedDut::act(const std::string& line) {
    HNBSEC_TRY(const std::string reply, command(line));
    return ActionResult::done("hnbsec-henb: " + line + (reply.empty() ? "" : " -> " + reply));
}

Result<ActionResult> EmulatedDut::start() {
    if (process_ && process_->running()) return ActionResult::done("hnbsec-henb already running");
    std::error_code ec;
    fs::remove(files_.control_socket, ec);  // a stale socket of an earlier start
    SpawnSpec spec;
    spec.argv = {binary_.string(), "--config", files_.config.string()};
    spec.netns = ns_;
    spec.cwd = files_.run_dir;
    spec.output = files_.output;
    HNBSEC_TRY(ChildProcess child, ChildProcess::spawn(spec));
    process_.emplace(std::move(child));

    // Up when the control socket answers `status`. Between attempts the wait is on the
    // process itself, so a crashing emulator ends the wait at once.
    const auto deadline = Clock::now() + options_.start_timeout;
    std::string last_error;
    for (;;) {
        if (auto exited = process_->wait_for(std::chrono::milliseconds(20))) {
            return Error("hnbsec-henb ended at start with " + exited->describe() + ":\n" +
                         tail_of(files_.output));
        }
        if (fs::exists(files_.control_socket)) {
            auto reply =
                emulator::control::control_request(files_.control_socket, "status", options_.control_timeout);
            if (reply.ok())
                return ActionResult::done("hnbsec-henb (pid " + std::to_string(process_->pid()) +
                                          ") started in " + ns_ + ": " + *reply);
            last_error = reply.error().message();
        }
        if (Clock::now() >= deadline) {
            process_->stop(options_.stop_timeout);
            return Error("hnbsec-henb's control socket " + files_.control_socket.string() +
                         " did not answer within " + std::to_string(options_.start_timeout.count()) + " ms" +
                         (last_error.empty() ? "" : " (" + last_error + ")") + ":\n" +
                         tail_of(files_.output));
        }
    }
}

Status EmulatedDut::stop() {
    if (!process_) return Ok{};
    const ExitStatus status = process_->stop(options_.stop_timeout);
    process_.reset();
    if (status.signal == SIGKILL)
        return Error("hnbsec-henb did not exit on SIGTERM within " +
                     std::to_string(options_.stop_timeout.count()) + " ms; killed");
    return Ok{};
}

Result<ActionResult> EmulatedDut::power_cycle() {
    return act("reboot");
}
Result<ActionResult> EmulatedDut::hpm_remove() {
    return act("hpm remove");
}
Result<ActionResult> EmulatedDut::hpm_insert() {
    return act("hpm insert");
}
Result<ActionResult> EmulatedDut::factory_reset() {
    return act("factory-reset");
}

Result<ActionResult> EmulatedDut::load_tampered_image() {
    HNBSEC_CHECK(tamper_image(files_.image));
    HNBSEC_TRY(ActionResult rebooted, act("reboot"));
    rebooted.detail = "image " + files_.image.string() + " tampered (one byte flipped); " + rebooted.detail;
    return rebooted;
}

Result<ActionResult> EmulatedDut::wait_ready(std::chrono::milliseconds timeout) {
    const std::string line = "wait in-service " + std::to_string(timeout.count());
    if (!process_ || !process_->running()) return command(line).error();
    // The emulator answers by itself at its deadline; ours is later so its answer arrives.
    auto reply =
        emulator::control::control_request(files_.control_socket, line, timeout + options_.control_timeout);
    if (reply.ok()) return ActionResult::done("hnbsec-henb is in service");
    // `err timeout (state=...)`: the device is not ready, which is an observation, not a fault.
    const std::string refused = "hnbsec-henb refused '" + line + "': ";
    if (reply.error().what().rfind(refused, 0) == 0)
        return ActionResult::inconclusive("hnbsec-henb not in service within " +
                                          std::to_string(timeout.count()) +
                                          " ms: " + reply.error().what().substr(refused.size()));
    return std::move(reply).error();
}

Result<ActionResult> EmulatedDut::set_defect(std::string_view name) {
    if (!is_word(name))
        return Error("'" + std::string(name) + "' is not a defect name (hnbsec-henb --list-defects)");
    return act("defect set " + std::string(name));
}

Result<ActionResult> EmulatedDut::clear_defect(std::string_view name) {
    if (!is_word(name))
        return Error("'" + std::string(name) + "' is not a defect name (hnbsec-henb --list-defects)");
    return act("defect clear " + std::string(name));
}

DutTraffic EmulatedDut::traffic() const {
    return DutTraffic{ns_, interface_, outer_address_};
}

std::vector<EvidenceFile> EmulatedDut::evidence() const {
    return {{"hnbsec-henb console log", files_.console_log},
            {"hnbsec-henb output", files_.output},
            {"hnbsec-henb configuration", files_.config}};
}

}  // namespace hnbsec::dut
