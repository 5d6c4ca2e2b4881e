#include "harness/timeline/timeline.h"

#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace hnbsec::timeline {
namespace {

using namespace std::chrono_literals;

TEST(Timeline, WaitFindsAnEventPublishedLaterByAnotherThread) {
    Timeline<std::string> timeline;
    timeline.publish("before");
    const auto mark = timeline.mark();
    std::thread role([&] {
        timeline.publish("noise");
        timeline.publish("ike established");
    });
    auto found = timeline.wait_for(
        mark, [](const std::string& e) { return e.rfind("ike", 0) == 0; }, 5s);
    role.join();
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->event, "ike established");
}

TEST(Timeline, EventsBeforeTheMarkDoNotCount) {
    Timeline<std::string> timeline;
    timeline.publish("delete");
    const auto mark = timeline.mark();
    EXPECT_FALSE(timeline
                     .wait_for(
                         mark, [](const std::string& e) { return e == "delete"; }, 20ms)
                     .has_value());
    std::size_t position = 99;
    EXPECT_TRUE(timeline.wait_for(
        0, [](const std::string& e) { return e == "delete"; }, 20ms, &position));
    EXPECT_EQ(position, 0U);
}

TEST(Timeline, SelectListsMatchesWithoutWaiting) {
    Timeline<int> timeline;
    for (int i = 0; i < 10; ++i) timeline.publish(i);
    const auto even = timeline.select(3, [](int v) { return v % 2 == 0; });
    ASSERT_EQ(even.size(), 3U);
    EXPECT_EQ(even.front().event, 4);
    EXPECT_EQ(timeline.entries().size(), 10U);
}

}  // namespace
}  // namespace hnbsec::timeline
