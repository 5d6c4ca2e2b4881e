#pragma once
// Test helpers shared by the profile tests: a minimal valid profile to break
// one line at a time, and matchers that pin a problem to its line.

#include <algorithm>
#include <ostream>
#include <string>
#include <string_view>

#include <gmock/gmock.h>

#include "harness/profile/load.h"

namespace hnbsec::profile {

// gmock prints problems readably on failure.
inline void PrintTo(const ProfileProblem& problem, std::ostream* out) {
    *out << format_problem(problem);
}

namespace testing_support {

// The smallest profile that loads without problems.
inline constexpr std::string_view kMinimal = R"([dut]
kind = "emulated"
eui = "00A0C9000001"
realm = "hnb.lab.test"

[pics]
P.HENB = true
P.HEMS_PUBLIC = true

[pixit]
segw_fqdn = "segw.lab.test"
inner_pool = "10.77.0.0/24"
core_network = "10.78.0.0/24"
hems_initial_url = "https://hems.lab.test:7547/cwmp"
)";

// `text` with the first occurrence of `from` replaced by `to`; fails the test if absent.
inline std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
    std::string out(text);
    const auto at = out.find(from);
    EXPECT_NE(at, std::string::npos) << "test setup: '" << from << "' not in profile";
    if (at != std::string::npos) out.replace(at, from.size(), to);
    return out;
}

// `text` with `lines` inserted after the first line equal to `header` (e.g. "[pics]").
inline std::string inserted_after(std::string_view text, std::string_view header, std::string_view lines) {
    return replaced(text, std::string(header) + "\n", std::string(header) + "\n" + std::string(lines));
}

// 1-based line of the first occurrence of `needle` (0 when absent).
inline int line_of(std::string_view text, std::string_view needle) {
    const auto at = text.find(needle);
    if (at == std::string_view::npos) return 0;
    return 1 +
           static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

inline LoadedProfile parse(std::string_view text) {
    return parse_profile(text, "lab/test.toml");
}

// A problem on `line` whose message contains `text`.
inline auto ProblemAt(int line, const std::string& text) {
    return ::testing::AllOf(::testing::Field(&ProfileProblem::line, line),
                            ::testing::Field(&ProfileProblem::message, ::testing::HasSubstr(text)));
}

// A problem anywhere whose message contains `text`.
inline auto ProblemSaying(const std::string& text) {
    return ::testing::Field(&ProfileProblem::message, ::testing::HasSubstr(text));
}

}  // namespace testing_support
}  // namespace hnbsec::profile
