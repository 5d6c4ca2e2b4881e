#pragma once
// The operator at the terminal, standing in for a hook the profile does not set: the
// harness prints what to do to the device and waits for Enter (done) or "skip"
// (inconclusive), with a deadline. A run without a terminal (stdin not a TTY, CI) or one
// told to be non-interactive cannot ask anybody: the step is inconclusive at once.

#include <chrono>
#include <string_view>

#include <unistd.h>

#include "harness/dut/dut_adapter.h"

namespace hnbsec::dut {

struct OperatorConsole {
    int input_fd = STDIN_FILENO;    // must be a terminal to prompt
    int output_fd = STDERR_FILENO;  // where the instruction is printed
    bool non_interactive = false;   // e.g. `hnbsec run --non-interactive`
    std::chrono::seconds timeout{600};

    bool can_prompt() const { return !non_interactive && ::isatty(input_fd) == 1; }
};

// `instruction` is an imperative sentence without a final full stop, e.g.
// "Remove the HPM from the DUT".
ActionResult prompt_operator(const OperatorConsole& console, std::string_view instruction);

}  // namespace hnbsec::dut
