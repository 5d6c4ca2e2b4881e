#include "harness/dut/operator_prompt.h"

#include <array>
#include <cerrno>
#include <string>

#include <poll.h>

namespace hnbsec::dut {
namespace {

using Clock = std::chrono::steady_clock;

void say(int fd, const std::string& text) {
    std::size_t at = 0;
    while (at < text.size()) {
        const ssize_t n = ::write(fd, text.data() + at, text.size() - at);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // a closed terminal: the read below reports it
        at += static_cast<std::size_t>(n);
    }
}

std::string trimmed(std::string line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
        line.pop_back();
    std::size_t start = 0;
    while (start < line.size() && (line[start] == ' ' || line[start] == '\t')) ++start;
    return line.substr(start);
}

enum class Answer { kConfirmed, kSkipped, kOther };

Answer classify(const std::string& line) {
    const std::string word = trimmed(line);
    if (word.empty() || word == "y" || word == "yes" || word == "done") return Answer::kConfirmed;
    if (word == "skip" || word == "s") return Answer::kSkipped;
    return Answer::kOther;
}

}  // namespace

ActionResult prompt_operator(const OperatorConsole& console, std::string_view instruction) {
    const std::string what(instruction);
    if (!console.can_prompt()) {
        return ActionResult::inconclusive("needs the operator (\"" + what +
                                          "\"), but the run is not interactive and no hook is set");
    }
    const std::string question = what + ", then press Enter (or type 'skip'): ";
    say(console.output_fd, "\n" + question);
    const auto deadline = Clock::now() + console.timeout;
    std::string line;
    std::array<char, 256> buffer{};
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            say(console.output_fd, "\n(no answer)\n");
            return ActionResult::inconclusive("the operator did not answer \"" + what + "\" within " +
                                              std::to_string(console.timeout.count()) + " s");
        }
        pollfd fd{console.input_fd, POLLIN, 0};
        const int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) continue;
        const ssize_t n = ::read(console.input_fd, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            return ActionResult::inconclusive("the terminal closed before the operator answered \"" + what +
                                              "\"");
        line.append(buffer.data(), static_cast<std::size_t>(n));
        for (auto nl = line.find('\n'); nl != std::string::npos; nl = line.find('\n')) {
            const Answer answer = classify(line.substr(0, nl));
            line.erase(0, nl + 1);
            if (answer == Answer::kConfirmed) return ActionResult::done("the operator confirmed: " + what);
            if (answer == Answer::kSkipped)
                return ActionResult::inconclusive("the operator skipped: " + what);
            say(console.output_fd, "Press Enter when done, or type 'skip': ");
        }
    }
}

}  // namespace hnbsec::dut
