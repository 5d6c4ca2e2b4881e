// Robustness: thousands of truncated and mutated copies of the shipped
// profiles must never crash the loader (ASan/UBSan builds catch what a plain
// build would not), and every result must be consistent.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/profile/load.h"

namespace hnbsec::profile {
namespace {

std::string read_fixture(const char* name) {
    const auto path = std::filesystem::path(HNBSEC_SOURCE_DIR) / "fixtures" / "profiles" / name;
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// One random edit: the kinds of damage an editor, a bad merge or a fuzzer makes.
std::string mutated(const std::string& text, std::mt19937& random) {
    static constexpr std::string_view kAlphabet = "[]{}=\".,'#\\\n \t0123456789abcPxyz_-/:${}\x00\xff\xc3";
    const auto pick = [&](std::size_t bound) {
        return bound == 0 ? std::size_t{0} : std::uniform_int_distribution<std::size_t>(0, bound - 1)(random);
    };
    std::string out = text;
    switch (pick(6)) {
        case 0:  // truncate
            out.resize(pick(out.size() + 1));
            break;
        case 1:  // overwrite a few bytes
            for (int i = 0; i < 4 && !out.empty(); ++i)
                out[pick(out.size())] = kAlphabet[pick(kAlphabet.size())];
            break;
        case 2:  // insert
            out.insert(pick(out.size() + 1), 1 + pick(8), kAlphabet[pick(kAlphabet.size())]);
            break;
        case 3: {  // delete a range
            const auto at = pick(out.size() + 1);
            out.erase(at, pick(64));
            break;
        }
        case 4: {  // duplicate a slice somewhere else
            const auto at = pick(out.size() + 1);
            out.insert(pick(out.size() + 1), out.substr(at, pick(200)));
            break;
        }
        default:  // flip a bit
            if (!out.empty()) {
                auto& byte = out[pick(out.size())];
                byte = static_cast<char>(byte ^ static_cast<char>(1 << pick(8)));
            }
            break;
    }
    return out;
}

void expect_consistent(const LoadedProfile& loaded, const std::string& text) {
    EXPECT_EQ(loaded.ok(), loaded.problems.empty()) << text;
    const auto lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    for (const auto& problem : loaded.problems) {
        EXPECT_GE(problem.line, 0);
        EXPECT_LE(problem.line, lines + 1) << format_problem(problem);
        EXPECT_FALSE(problem.message.empty());
        EXPECT_FALSE(format_problem(problem).empty());
    }
}

TEST(ProfileMutations, NeverCrashAndStayConsistent) {
    std::mt19937 random(20240917);  // NOLINT(cert-msc51-cpp): a fixed seed makes failures reproduce
    int rejected = 0;
    for (const auto* fixture : {"emulated.toml", "lab-example.toml"}) {
        const auto original = read_fixture(fixture);
        ASSERT_FALSE(original.empty()) << fixture;
        std::string text = original;
        for (int round = 0; round < 2000; ++round) {
            // Mostly single edits of the original, sometimes edits piling up.
            text = mutated(round % 4 == 0 ? text : original, random);
            const auto loaded = parse_profile(text, fixture);
            expect_consistent(loaded, text);
            if (!loaded.ok()) ++rejected;
            if (::testing::Test::HasFailure()) return;
        }
    }
    EXPECT_GT(rejected, 1000);  // the mutations did bite
}

TEST(ProfileMutations, EveryTruncationOfTheShippedProfile) {
    const auto original = read_fixture("emulated.toml");
    for (std::size_t size = 0; size <= original.size(); ++size) {
        const auto text = original.substr(0, size);
        expect_consistent(parse_profile(text, "truncated.toml"), text);
        if (::testing::Test::HasFailure()) return;
    }
}

}  // namespace
}  // namespace hnbsec::profile
