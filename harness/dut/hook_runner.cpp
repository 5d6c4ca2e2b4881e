#include "harness/dut/hook_runner.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include "harness/dut/child_process.h"

namespace hnbsec::dut {
namespace {

using Clock = std::chrono::steady_clock;

// A header line in the evidence file, so the file reads on its own: which hook, which command.
Status write_header(const HookRun& hook) {
    std::error_code ec;
    if (hook.evidence.has_parent_path()) std::filesystem::create_directories(hook.evidence.parent_path(), ec);
    const int fd = ::open(hook.evidence.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        return Error("cannot open the hook's evidence file " + hook.evidence.string() + ": " +
                     std::strerror(errno));  // NOLINT(concurrency-mt-unsafe)
    }
    const std::string header = "# hook " + std::string(hook.name) + ": /bin/sh -c " + hook.command + "\n";
    const bool written = ::write(fd, header.data(), header.size()) == static_cast<ssize_t>(header.size());
    ::close(fd);
    if (!written) return Error("cannot write " + hook.evidence.string());
    return Ok{};
}

std::string seconds_text(Clock::duration d) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    return std::to_string(ms / 1000) + "." + std::to_string((ms % 1000) / 100) + " s";
}

}  // namespace

Result<ActionResult> run_hook(const HookRun& hook) {
    const std::string name(hook.name);
    HNBSEC_CHECK(write_header(hook));
    SpawnSpec spec;
    spec.argv = {"/bin/sh", "-c", hook.command};
    spec.output = hook.evidence;
    const auto started = Clock::now();
    auto child = ChildProcess::spawn(spec);
    if (!child.ok()) return std::move(child).error().context("running hook '" + name + "'");
    if (auto status = child->wait_for(hook.timeout)) {
        const std::string took = seconds_text(Clock::now() - started);
        if (status->success()) {
            return ActionResult::done("hook '" + name + "' finished in " + took + " (output in " +
                                      hook.evidence.string() + ")");
        }
        return Error("hook '" + name + "' failed with " + status->describe() + " after " + took +
                     " (output in " + hook.evidence.string() + ")");
    }
    child->stop(std::chrono::milliseconds(0));
    return ActionResult::inconclusive(
        "hook '" + name + "' did not finish within " + std::to_string(hook.timeout.count()) +
        " s; its process group was killed (output in " + hook.evidence.string() + ")");
}

}  // namespace hnbsec::dut
