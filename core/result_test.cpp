#include "core/result.h"

#include <memory>
#include <string>

#include <gtest/gtest.h>

namespace hnbsec {
namespace {

Result<int> parse_digit(char c) {
    if (c < '0' || c > '9') return Error(std::string("not a digit: '") + c + "'");
    return c - '0';
}

Result<int> sum_of_two(const char* s) {
    HNBSEC_TRY(int a, parse_digit(s[0]));
    HNBSEC_TRY(int b, parse_digit(s[1]));
    return a + b;
}

TEST(Result, CarriesValue) {
    auto r = sum_of_two("34");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, 7);
}

TEST(Result, PropagatesFirstError) {
    auto r = sum_of_two("3x");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(), "not a digit: 'x'");
}

TEST(Result, ContextReadsOutward) {
    Error e = Error("file not found").context("reading PIN file").context("opening token");
    EXPECT_EQ(e.message(), "file not found\n  while reading PIN file\n  while opening token");
}

TEST(Result, MoveOnlyValues) {
    Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
    ASSERT_TRUE(r.ok());
    std::unique_ptr<int> p = std::move(r).value();
    EXPECT_EQ(*p, 5);
}

TEST(Result, StatusOk) {
    Status s = Ok{};
    EXPECT_TRUE(s.ok());
}

}  // namespace
}  // namespace hnbsec
